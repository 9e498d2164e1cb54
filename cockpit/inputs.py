"""Input checked at the door, so malformed input of any kind gets a 400 with a message, never a 500.

Two gates. Every JSON body is parsed strictly before any handler sees it: duplicate keys (which parsers
resolve differently), NaN and infinities, integers beyond 64 bits and nesting deeper than MAX_DEPTH are
refused. Every guarded callback and route has its arguments checked against its own type hints (msgspec
does the checking), so a forged callback that sends text where an id belongs, or an id of 2**70, is refused
before the code runs. The hints are the declaration; the aliases below carry the ranges."""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable
from typing import Annotated, Any, NotRequired, TypedDict, TypeVar

import flask
import msgspec
from msgspec import Meta
from werkzeug.routing import IntegerConverter, Map

MAX_DEPTH = 32
BIG = 2**53  # the largest whole number a browser's JSON keeps exactly

Id = Annotated[int, Meta(ge=1, le=BIG)]
Clicks = Annotated[int, Meta(ge=0, le=BIG)]
Count = Annotated[int, Meta(ge=0, le=BIG)]
Name = Annotated[str, Meta(max_length=200)]
Text = Annotated[str, Meta(max_length=4000)]
Names = list[Name]
Rows = list[dict[str, Any]]
Shape = dict[str, Any]  # a GeoJSON object; its geometry is checked where it is used
Radius = Annotated[float, Meta(ge=0, le=100)]  # km
Simulated = Annotated[float, Meta(ge=0, le=100_000)]  # a number box: the service rounds and bounds it
Level = Annotated[int, Meta(ge=1, le=4)]
Shown = Any  # a component's children, used only as a trigger
FloorArea = Annotated[float, Meta(ge=0, le=5_000_000)]  # m²: a project's floor area
UploadedFile = Annotated[str, Meta(max_length=1_000_000)]  # a dcc.Upload's data URL (base64)
ControlValue = Annotated[
    float, Meta(gt=0, le=10_000)
]  # a structure's design control value; the service checks the metric's range


Weight = Annotated[float, Meta(ge=0, le=1)]  # a share of the assessment's composite


class AlarmFeed(TypedDict):
    cursor: NotRequired[Count]


Lon = Annotated[float, Meta(ge=-180, le=180)]
Lat = Annotated[float, Meta(ge=-90, le=90)]
PhotoIds = Annotated[list[Id], Meta(max_length=8)]


class FieldAction(TypedDict):
    case_id: Id
    action: Name
    note: NotRequired[Text | None]
    lon: NotRequired[Lon | None]
    lat: NotRequired[Lat | None]
    photos: NotRequired[PhotoIds]


class CrewStage(TypedDict):
    dispatch_id: Id
    stage: Name
    lon: NotRequired[Lon | None]
    lat: NotRequired[Lat | None]


class FieldReport(TypedDict):
    category: Name
    lon: Lon
    lat: Lat
    note: NotRequired[Text | None]
    photos: NotRequired[PhotoIds]


class LatLng(TypedDict):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    lng: Annotated[float, Meta(ge=-180, le=180)]


class MapClick(TypedDict):
    latlng: NotRequired[LatLng]


class PickedBuilding(TypedDict):
    id: Id
    at: NotRequired[float]


LonLat = tuple[Lon, Lat]
Minute = Annotated[int, Meta(ge=-1440, le=1440)]  # the CIM time slider, minutes from now


class RunRef(TypedDict):
    id: Id


Minutes = Annotated[list[Annotated[int, Meta(ge=1, le=60)]], Meta(max_length=6)]


class Place(TypedDict):
    lon: Annotated[float, Meta(ge=-180, le=180)]
    lat: Annotated[float, Meta(ge=-90, le=90)]


class SimJob(TypedDict):
    seed: Count
    total: Annotated[int, Meta(ge=1, le=2000)]
    done: Count
    results: list[tuple[float, float]]


class PlanRow(TypedDict):
    id: Id
    count: Any  # checked by the run-card service, which names what is wrong
    target_minutes: Any


class RuleRow(TypedDict):
    id: Id


class UnitRow(TypedDict):
    id: Id


class ScopeData(TypedDict):
    level: NotRequired[Name | None]
    code: NotRequired[Name | None]


# The ids of pattern-matching buttons, as a click reports them.
class ByNumber(TypedDict):
    type: Name
    id: Id


class ByCode(TypedDict):
    type: Name
    code: Name


class ByName(TypedDict):
    type: Name
    name: Name


class ByNumberAction(TypedDict):
    type: Name
    id: Id
    action: Name


class ByCodeAction(TypedDict):
    type: Name
    code: Name
    action: Name


class ByAction(TypedDict):
    type: Name
    action: Name


class AlarmAction(TypedDict):
    type: Name
    alarm: Id
    action: Name


class AreaPick(TypedDict):
    """An area in the ranking ({type, code}) or a breadcrumb ({type, level, code}; the city's code is null)."""

    type: Name
    code: Name | None
    level: NotRequired[Name]


T = TypeVar("T")


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a whole number a database row can have; anything else matches no route (404)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=BIG)


class BadInput(ValueError):
    """Refused input; the message says what was wrong and where."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise BadInput(f"the key {key[:40]!r} appears twice in one object")
        seen.add(key)
    return dict(pairs)


def _constant(name: str) -> float:
    raise BadInput(f"{name} is not a number JSON allows")


def _integer(text: str) -> int:
    if len(text) > 20 or not -(2**63) <= int(text) < 2**63:
        raise BadInput(f"the number {text[:24]}{'…' if len(text) > 24 else ''} is out of range")
    return int(text)


def _real(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadInput(f"the number {text[:24]} is out of range")
    return value


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def strict_json(raw: bytes) -> Any:
    """The body as JSON, or BadInput saying why it is not acceptable."""
    try:
        value = json.loads(
            raw, object_pairs_hook=_pairs, parse_constant=_constant, parse_int=_integer, parse_float=_real
        )
    except RecursionError:
        raise BadInput(f"the JSON is nested more than {MAX_DEPTH} deep") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadInput(f"the body is not JSON: {error}") from None
    if _depth(value) > MAX_DEPTH:
        raise BadInput(f"the JSON is nested more than {MAX_DEPTH} deep")
    return value


def refuse(message: str) -> None:
    flask.abort(flask.make_response(flask.jsonify(error=f"bad input: {message}"), 400))


def parsed(value: Any, kind: type[T], what: str) -> T:
    """`value` as `kind`, or a 400 naming `what` was malformed."""
    try:
        return msgspec.convert(value, kind, strict=True)
    except msgspec.ValidationError as error:
        refuse(f"{what}: {error}")
        raise


def checker(fn: Callable[..., Any]) -> Callable[[tuple, dict], None]:
    """A check of `fn`'s arguments against its type hints; raises BadInput naming the argument."""
    hints = typing.get_type_hints(fn, include_extras=True)
    names = list(inspect.signature(fn).parameters)
    typed = {name: hints[name] for name in names if name in hints and hints[name] is not Any}

    def check(args: tuple, kwargs: dict) -> None:
        for name, value in [*zip(names, args, strict=False), *kwargs.items()]:
            if name in typed:
                try:
                    msgspec.convert(value, typed[name], strict=True)
                except msgspec.ValidationError as error:
                    raise BadInput(f"{name.lstrip('_')}: {error}") from None

    return check
