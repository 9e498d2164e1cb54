"""Ingestion adapter: turn raw MQTT or HTTP input into validated messages, or a rejection with its reason.
Nothing here trusts the sender: sizes, types, ranges and names are all checked before anything is stored.
Telemetry is the hot path (tens of thousands of messages a second), so it is decoded straight into a typed
msgspec structure, which checks the shape in C; only what fails there takes the slower, wordier path that
explains the reason."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal

import msgspec
import numpy as np
import orjson

MAX_PAYLOAD = 16 * 1024
MAX_VALUES = 32
MAX_SEQ = 2**53
CODE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
TOPIC = re.compile(r"^city/iot/([^/]+)/(telemetry|status|command/ack)$")
VISION = re.compile(r"^city/vision/([^/]+)/event$")
SIGHTING = re.compile(r"^city/vision/([^/]+)/sighting$")
# what video analytics reports of a sighting (the wire contract of city/vision/{camera}/sighting)
SIGHTING_KINDS = ("person", "vehicle")
CLOTHING_COLOURS = ("black", "white", "grey", "red", "blue", "green", "yellow", "brown")
AGE_BANDS = ("child", "young", "adult", "elderly")
VEHICLE_TYPES = ("car", "suv", "van", "bus", "truck")
VEHICLE_COLOURS = ("black", "white", "silver", "red", "blue", "grey")
FEATURE_DIM = 32
B64_LENGTH = 4 * -(-4 * FEATURE_DIM // 3)  # base64 of FEATURE_DIM float32
IMAGE_KEYS = ("image", "photo", "snapshot", "jpeg", "png", "base64")  # a sighting never carries a picture
PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-HJ-NP-Z0-9]{5,6}$")
EVENT_TYPES = (
    "shop_outside",
    "illegal_parking",
    "piled_materials",
    "exposed_garbage",
    "street_vendor",
    "muck",
    "clothes_hanging",
)
EARLIEST = datetime(2000, 1, 1)
FUTURE_SLACK = timedelta(minutes=10)

# metric -> (lowest, highest) physically plausible value; units in the comment
METRICS: dict[str, tuple[float, float]] = {
    "pm25": (0, 1500),  # µg/m³
    "pm10": (0, 3000),  # µg/m³
    "so2": (0, 3000),  # µg/m³
    "no2": (0, 2000),  # µg/m³
    "co": (0, 30000),  # µg/m³, as the UCI series reports it
    "o3": (0, 2000),  # µg/m³
    "temp": (-50, 60),  # °C
    "level_cm": (-50, 500),  # water above the road surface, cm
    "tilt_deg": (0, 90),  # manhole cover tilt
    "lamp_on": (0, 1),
    "current_a": (0, 50),
    "lamp_fault": (0, 1),
    "noise_db": (0, 140),  # dB(A)
    "battery_pct": (0, 100),
    "flow_m3h": (0, 100),  # a building's water or gas inflow, m³/h
    "total_m3": (0, 1e9),  # meter register, m³
    "power_kw": (0, 10_000),  # a building's electric load, kW
    "total_kwh": (0, 1e12),  # meter register, kWh
    "settle_mm": (-100, 300),  # a building's cumulative settlement since its first observation, down positive
    "incline_permil": (0, 100),  # a building's tilt, ‰ of its height
    "crack_mm": (0, 50),  # crack width
    "strain_ue": (-5000, 5000),  # steel strain, µε
    "ppv_mms": (0, 500),  # peak particle velocity of ground vibration, mm/s
}


class Telemetry(msgspec.Struct, frozen=True, gc=False):
    device_code: str
    seq: int
    ts: datetime
    values: dict[str, float]


class _Body(msgspec.Struct, gc=False):
    """The shape of a telemetry payload; extra top-level fields are ignored, as FIWARE agents do."""

    seq: Annotated[int, msgspec.Meta(ge=0, lt=MAX_SEQ)]
    ts: Annotated[str, msgspec.Meta(max_length=40)]
    values: Annotated[dict[str, float], msgspec.Meta(min_length=1, max_length=MAX_VALUES)]


_BODY = msgspec.json.Decoder(_Body)


@dataclass(frozen=True)
class Status:
    device_code: str
    ts: datetime
    online: bool


@dataclass(frozen=True)
class CommandAck:
    device_code: str
    command_id: int
    ok: bool
    detail: str


@dataclass(frozen=True)
class CameraEvent:
    camera_code: str
    event_id: str
    ts: datetime
    type: str
    confidence: float
    lon: float
    lat: float


class SightingIn(msgspec.Struct, frozen=True, gc=False):
    camera_code: str
    sighting_id: str
    ts: datetime
    kind: str
    confidence: float
    plate: str | None = None
    vehicle_type: str | None = None
    colour: str | None = None
    upper: str | None = None
    lower: str | None = None
    age_band: str | None = None
    bag: bool | None = None
    hat: bool | None = None
    feature: bytes | None = None  # FEATURE_DIM little-endian float32, as given (normalised where it is used)


class _Look(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    upper: Literal[CLOTHING_COLOURS]
    lower: Literal[CLOTHING_COLOURS]
    age_band: Literal[AGE_BANDS]
    bag: bool
    hat: bool


class _Person(msgspec.Struct, tag_field="kind", tag="person", forbid_unknown_fields=True, gc=False):
    """A sighting's payload as the fast path takes it: any other field (an image above all) sends it down the
    careful path, which refuses it with the reason."""

    sighting_id: Annotated[str, msgspec.Meta(pattern=CODE.pattern)]
    ts: Annotated[str, msgspec.Meta(max_length=40)]
    confidence: Annotated[float, msgspec.Meta(ge=0, le=1)]
    attributes: _Look
    feature: (
        Annotated[str, msgspec.Meta(min_length=B64_LENGTH, max_length=B64_LENGTH)]
        | Annotated[list[float], msgspec.Meta(min_length=FEATURE_DIM, max_length=FEATURE_DIM)]
    )


class _Vehicle(msgspec.Struct, tag_field="kind", tag="vehicle", forbid_unknown_fields=True, gc=False):
    sighting_id: Annotated[str, msgspec.Meta(pattern=CODE.pattern)]
    ts: Annotated[str, msgspec.Meta(max_length=40)]
    confidence: Annotated[float, msgspec.Meta(ge=0, le=1)]
    plate: Annotated[str, msgspec.Meta(pattern=PLATE.pattern)]
    vehicle_type: Literal[VEHICLE_TYPES]
    colour: Literal[VEHICLE_COLOURS]


_SIGHTING = msgspec.json.Decoder(_Person | _Vehicle)


@dataclass(frozen=True)
class Rejected:
    reason: str
    payload: str
    topic: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Parsed = Telemetry | Status | CommandAck | CameraEvent | SightingIn | Rejected


class Invalid(ValueError):
    pass


def _text(payload: bytes | str) -> str:
    raw = payload if isinstance(payload, str) else payload.decode("utf-8", errors="replace")
    return raw[:4096]


def _timestamp(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise Invalid("ts must be an ISO-8601 string")
    utc = value[-1:] == "Z"
    try:
        ts = datetime.fromisoformat(value[:-1] if utc else value)
    except ValueError as error:
        raise Invalid(f"ts is not ISO-8601: {value!r}") from error
    if ts.tzinfo is not None:
        if utc:
            raise Invalid(f"ts is not ISO-8601: {value!r}")
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    if not EARLIEST <= ts <= now + FUTURE_SLACK:
        raise Invalid(f"ts {value!r} is outside {EARLIEST.date()} .. now")
    return ts


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"value of {name!r} must be a number, not {type(value).__name__}")
    number = float(value)
    low, high = METRICS[name]
    if not math.isfinite(number) or not low <= number <= high:
        raise Invalid(f"value of {name!r} {value!r} is outside {low}..{high}")
    return number


def _values(raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict) or not raw:
        raise Invalid("values must be a non-empty object")
    if len(raw) > MAX_VALUES:
        raise Invalid(f"at most {MAX_VALUES} values per message")
    out = {}
    for name, value in raw.items():
        if name not in METRICS:
            raise Invalid(f"unknown metric {str(name)[:40]!r}")
        out[name] = _number(name, value)
    return out


def _seq(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw < MAX_SEQ:
        raise Invalid("seq must be a whole number from 0 to 2^53")
    return raw


def telemetry(device_code: str, body: Any, now: datetime) -> Telemetry:
    if not CODE.match(device_code):
        raise Invalid("device code must be 1-64 letters, digits, '-' or '_'")
    if not isinstance(body, dict):
        raise Invalid("payload must be a JSON object")
    return Telemetry(device_code, _seq(body.get("seq")), _timestamp(body.get("ts"), now), _values(body.get("values")))


def _decode(payload: bytes | str) -> Any:
    if len(payload) > MAX_PAYLOAD:
        raise Invalid(f"payload larger than {MAX_PAYLOAD} bytes")
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise Invalid(f"not JSON: {error}") from error


def camera_event(camera: str, body: Any, now: datetime) -> CameraEvent:
    if not CODE.match(camera):
        raise Invalid("camera code must be 1-64 letters, digits, '-' or '_'")
    if not isinstance(body, dict):
        raise Invalid("payload must be a JSON object")
    event_id, kind = body.get("event_id"), body.get("type")
    if not isinstance(event_id, str) or not CODE.match(event_id):
        raise Invalid("event_id must be 1-64 letters, digits, '-' or '_'")
    if kind not in EVENT_TYPES:
        raise Invalid(f"unknown event type {str(kind)[:40]!r}")
    confidence, lon, lat = body.get("confidence"), body.get("lon"), body.get("lat")
    for name, value, low, high in (("confidence", confidence, 0, 1), ("lon", lon, 73, 136), ("lat", lat, 3, 54)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise Invalid(f"{name} must be a number from {low} to {high}")
    return CameraEvent(
        camera, event_id, _timestamp(body.get("ts"), now), kind, float(confidence), float(lon), float(lat)
    )


def _choice(body: dict, name: str, allowed: tuple[str, ...]) -> str:
    value = body.get(name)
    if value not in allowed:
        raise Invalid(f"{name} must be one of {', '.join(allowed)}")
    return value


def _flag(body: dict, name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise Invalid(f"{name} must be true or false")
    return value


def _feature(raw: Any) -> bytes:
    """A feature vector as JSON numbers, or as base64 of FEATURE_DIM little-endian float32 (what analytics
    boxes commonly ship: a third of the bytes and no number parsing)."""
    if isinstance(raw, str):
        try:
            packed = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as error:
            raise Invalid("feature is neither a list of numbers nor base64") from error
        if len(packed) != 4 * FEATURE_DIM:
            raise Invalid(f"a base64 feature is {FEATURE_DIM} float32 ({4 * FEATURE_DIM} bytes)")
        values = np.frombuffer(packed, dtype="<f4")
    elif isinstance(raw, list) and len(raw) == FEATURE_DIM:
        if any(isinstance(v, bool) or not isinstance(v, int | float) for v in raw):
            raise Invalid("feature values must be numbers")
        values = np.asarray(raw, dtype="<f4")
    else:
        raise Invalid(f"feature must be a list of {FEATURE_DIM} numbers or their float32 in base64")
    return _checked(values)


def _checked(values: np.ndarray) -> bytes:
    if values.shape != (FEATURE_DIM,):
        raise Invalid(f"feature must have {FEATURE_DIM} values")
    if not np.isfinite(values).all() or np.abs(values).max() > 1.0:
        raise Invalid("feature values must be numbers from -1 to 1")
    if float(values @ values) < 1e-6:
        raise Invalid("feature must not be all zeros")
    return values.tobytes()


def sighting(camera: str, body: Any, now: datetime) -> SightingIn:
    """A person (attributes and a feature vector) or a vehicle (plate, type, colour); a payload that carries
    anything like an image is refused, so none is ever stored."""
    if not CODE.match(camera):
        raise Invalid("camera code must be 1-64 letters, digits, '-' or '_'")
    if not isinstance(body, dict):
        raise Invalid("payload must be a JSON object")
    pictures = [k for k in body if any(word in str(k).lower() for word in IMAGE_KEYS)]
    if pictures:
        raise Invalid(f"a sighting carries no image: {str(pictures[0])[:40]!r} refused")
    sighting_id = body.get("sighting_id")
    if not isinstance(sighting_id, str) or not CODE.match(sighting_id):
        raise Invalid("sighting_id must be 1-64 letters, digits, '-' or '_'")
    kind = _choice(body, "kind", SIGHTING_KINDS)
    confidence = body.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        raise Invalid("confidence must be a number from 0 to 1")
    ts = _timestamp(body.get("ts"), now)
    if kind == "vehicle":
        plate = body.get("plate")
        if not isinstance(plate, str) or not PLATE.match(plate):
            raise Invalid("plate must be a mainland plate such as 京A12345")
        return SightingIn(
            camera,
            sighting_id,
            ts,
            kind,
            float(confidence),
            plate=plate,
            vehicle_type=_choice(body, "vehicle_type", VEHICLE_TYPES),
            colour=_choice(body, "colour", VEHICLE_COLOURS),
        )
    attributes = body.get("attributes")
    if not isinstance(attributes, dict):
        raise Invalid("a person sighting needs attributes {upper, lower, age_band, bag, hat}")
    return SightingIn(
        camera,
        sighting_id,
        ts,
        kind,
        float(confidence),
        upper=_choice(attributes, "upper", CLOTHING_COLOURS),
        lower=_choice(attributes, "lower", CLOTHING_COLOURS),
        age_band=_choice(attributes, "age_band", AGE_BANDS),
        bag=_flag(attributes, "bag"),
        hat=_flag(attributes, "hat"),
        feature=_feature(body.get("feature")),
    )


@lru_cache(maxsize=65536)
def _telemetry_device(topic: str) -> str | None:
    """The device of a well-formed telemetry topic; topics repeat, so the regexes run once per device."""
    match = TOPIC.match(topic)
    if match and match.group(2) == "telemetry" and CODE.match(match.group(1)):
        return match.group(1)
    return None


def _decode_fast(decoder: msgspec.json.Decoder, payload: bytes | str, latest: datetime) -> tuple[Any, datetime] | None:
    """The payload as `decoder`'s structure and its UTC ('Z') time within range, or None for the careful path."""
    try:
        body = decoder.decode(payload)
        text = body.ts
        ts = datetime.fromisoformat(text[:-1]) if text[-1:] == "Z" else None
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        return None
    if ts is None or ts.tzinfo is not None or not EARLIEST <= ts <= latest:
        return None
    return body, ts


def _fast_telemetry(topic: Any, payload: bytes | str, latest: datetime) -> Telemetry | None:
    """Well-formed telemetry with a UTC ('Z') time, checked with as little Python as possible; None sends
    the message down the careful path, which accepts other time zones and words the reason for a refusal."""
    if not isinstance(topic, str) or len(payload) > MAX_PAYLOAD:
        return None
    device = _telemetry_device(topic)
    if device is None:
        return None
    decoded = _decode_fast(_BODY, payload, latest)
    if decoded is None:
        return None
    body, ts = decoded
    for name, value in body.values.items():
        bounds = METRICS.get(name)
        if bounds is None or not bounds[0] <= value <= bounds[1]:
            return None
    return Telemetry(device, body.seq, ts, body.values)


@lru_cache(maxsize=65536)
def _sighting_camera(topic: str) -> str | None:
    match = SIGHTING.match(topic)
    return match.group(1) if match and CODE.match(match.group(1)) else None


def _fast_sighting(topic: Any, payload: bytes | str, latest: datetime) -> SightingIn | None:
    """A well-formed sighting with a UTC ('Z') time, checked by msgspec in C; None sends it the careful way."""
    if not isinstance(topic, str) or len(payload) > MAX_PAYLOAD or not topic.startswith("city/vision/"):
        return None
    camera = _sighting_camera(topic)
    if camera is None:
        return None
    decoded = _decode_fast(_SIGHTING, payload, latest)
    if decoded is None:
        return None
    body, ts = decoded
    if isinstance(body, _Vehicle):
        return SightingIn(
            camera, body.sighting_id, ts, "vehicle", body.confidence, body.plate, body.vehicle_type, body.colour
        )
    try:  # the values' range is checked for the whole batch where they are stored (cockpit.services.safety.sightings)
        feature = (
            binascii.a2b_base64(body.feature, strict_mode=True)
            if isinstance(body.feature, str)
            else np.asarray(body.feature, dtype="<f4").tobytes()
        )
    except (binascii.Error, ValueError):
        return None
    if len(feature) != 4 * FEATURE_DIM:
        return None
    look = body.attributes
    return SightingIn(
        camera,
        body.sighting_id,
        ts,
        "person",
        body.confidence,
        upper=look.upper,
        lower=look.lower,
        age_band=look.age_band,
        bag=look.bag,
        hat=look.hat,
        feature=feature,
    )


def _fast(topic: Any, payload: bytes | str, latest: datetime) -> Telemetry | SightingIn | None:
    return _fast_telemetry(topic, payload, latest) or _fast_sighting(topic, payload, latest)


def parse_mqtt(topic: str, payload: bytes | str, now: datetime | None = None) -> Parsed:
    """One MQTT message of the DESIGN topics; anything else comes back Rejected with the reason."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    return _fast(topic, payload, now + FUTURE_SLACK) or _parse_careful(topic, payload, now)


def parse_batch(messages: Iterable[tuple[str, bytes]], now: datetime) -> list[Parsed]:
    latest = now + FUTURE_SLACK
    return [_fast(t, p, latest) or _parse_careful(t, p, now) for t, p in messages]


def _parse_careful(topic: str, payload: bytes | str, now: datetime) -> Parsed:
    match = TOPIC.match(topic or "")
    try:
        vision = VISION.match(topic or "")
        if vision:
            return camera_event(vision.group(1), _decode(payload), now)
        seen = SIGHTING.match(topic or "")
        if seen:
            return sighting(seen.group(1), _decode(payload), now)
        if not match:
            raise Invalid(f"unknown topic {str(topic)[:100]!r}")
        code, kind = match.groups()
        body = _decode(payload)
        if kind == "telemetry":
            return telemetry(code, body, now)
        if not CODE.match(code):
            raise Invalid("device code must be 1-64 letters, digits, '-' or '_'")
        if not isinstance(body, dict):
            raise Invalid("payload must be a JSON object")
        if kind == "status":
            if not isinstance(body.get("online"), bool):
                raise Invalid("online must be true or false")
            return Status(code, _timestamp(body.get("ts"), now), body["online"])
        command_id, ok = body.get("command_id"), body.get("ok")
        if isinstance(command_id, bool) or not isinstance(command_id, int) or not isinstance(ok, bool):
            raise Invalid("a command ack needs an integer command_id and a boolean ok")
        return CommandAck(code, command_id, ok, str(body.get("detail", ""))[:200])
    except Invalid as error:
        return Rejected(str(error), _text(payload), topic[:256] if isinstance(topic, str) else None)


def parse_api_item(item: Any, now: datetime | None = None) -> Telemetry | Rejected:
    """One element of POST /api/v1/readings: {"device": code, "ts": …, "seq": …, "values": {…}}."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    try:
        if not isinstance(item, dict):
            raise Invalid("each reading must be a JSON object")
        code = item.get("device")
        if not isinstance(code, str):
            raise Invalid("device must be a device code string")
        return telemetry(code, item, now)
    except Invalid as error:
        return Rejected(str(error), _text(orjson.dumps(item, default=str)))
