"""Malformed input never gets a 5xx (#11 F12, F17): hypothesis posts generated values to every server callback
(from the app's callback map, guided by each callback's type hints) and to every API route (from the OpenAPI
document, mutating each route's example body), as a role allowed to call it, against a cockpit served on its
own copy of the sample city. A failure prints the request that broke it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
import typing
from pathlib import Path

import msgspec
import pytest
import requests
from fixtures.db import TEST_ACTOR, copy_city
from fixtures.helpers import is_internal, server_callbacks
from fixtures.servers import ACCOUNTS, ROOT, free_port, wait_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit.inputs import Shape
from cockpit.permissions import PERMISSIONS
from cockpit.services.support import users

EXAMPLES = int(os.environ.get("COCKPIT_FUZZ_EXAMPLES", "25"))  # examples per callback and per route
JSON_TYPE = {"Content-Type": "application/json"}  # bodies go out as Python writes them, NaN and all
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.integers(-3, 1000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "0", "-1", "1e308", "²", "NaN", "‮evil", "x" * 5000, "999999", "🙂"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)

COORDINATES = st.lists(
    st.lists(st.lists(st.floats(-1e308, 1e308) | st.integers(-(2**70), 2**70), min_size=0, max_size=3), max_size=5),
    max_size=3,
)
GEOJSON = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["FeatureCollection", "Feature", "Polygon"]),
        "features": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just("Feature"),
                    "geometry": st.fixed_dictionaries(
                        {
                            "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "Bogus"]),
                            "coordinates": COORDINATES | JSON,
                        }
                    )
                    | JSON,
                    "properties": st.fixed_dictionaries({"code": st.text(max_size=12) | st.integers()}) | JSON,
                }
            ),
            max_size=2,
        ),
    }
)


@pytest.fixture(scope="module")
def fuzz_var(city_template: Path, tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def fuzz_server(city_template: Path, fuzz_var: Path) -> typing.Iterator[str]:
    """Its own cockpit on its own copy of the city: what the fuzz changes touches no other test."""
    var = fuzz_var
    users.ensure_demo_users(copy_city(city_template, var / "cockpit.db"), TEST_ACTOR)
    port = free_port()
    env = os.environ | {"COCKPIT_VAR_DIR": str(var)}
    command = [sys.executable, "-m", "cockpit.cli", "serve", "--port", str(port), "--workers", "1", "--no-simulate"]
    with (var / "serve.log").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/login")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _signed_in(base: str, role: str) -> requests.Session:
    web = requests.Session()
    form = web.get(base + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    username, password = ACCOUNTS[role]
    answer = web.post(
        base + "/login", data={"username": username, "password": password, "csrf_token": token}, allow_redirects=False
    )
    assert answer.status_code == 302
    web.get(base + "/")
    web.headers["X-CSRFToken"] = web.cookies["_csrf_token"]
    return web


@pytest.fixture(scope="module")
def sessions(fuzz_server: str) -> dict[str, requests.Session]:
    return {role: _signed_in(fuzz_server, role) for role in ACCOUNTS}


def _hints(spec: dict) -> list[object]:
    """The callback's parameter types with their ranges, in the order Dash passes inputs and states."""
    fn = spec["callback"]
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    hints = typing.get_type_hints(fn, include_extras=True)
    return [hints.get(name, typing.Any) for name in fn.__code__.co_varnames[: fn.__code__.co_argcount]]


def _annotated(base: object, meta: msgspec.Meta | None) -> st.SearchStrategy:
    low, high = (meta.ge, meta.le) if meta else (None, None)
    if base is int:
        return st.integers(low, high)
    if base is float:
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.text(max_size=min(meta.max_length or 40, 40) if meta else 40)


def _typed_dict(hint: type) -> st.SearchStrategy:
    fields = typing.get_type_hints(hint, include_extras=True)
    strip = {k: typing.get_args(v)[0] if typing.get_origin(v) is typing.NotRequired else v for k, v in fields.items()}
    required = {k: _valid(v) for k, v in strip.items() if k in hint.__required_keys__}
    optional = {k: _valid(v) for k, v in strip.items() if k not in hint.__required_keys__}
    return st.fixed_dictionaries(required, optional=optional)


def _valid(hint: object) -> st.SearchStrategy:
    """Values a callback declares it takes, ranges included, so generated input gets past the door."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any or hint is object:
        return JSON
    if Shape in (hint, *args):
        return GEOJSON | st.none()
    if origin is typing.Annotated:
        return _annotated(args[0], next((a for a in args[1:] if isinstance(a, msgspec.Meta)), None))
    if typing.is_typeddict(hint):
        return _typed_dict(hint)
    if origin is list:
        return st.lists(_valid(args[0]) if args else JSON, max_size=4)
    if origin is tuple:
        return st.tuples(*(_valid(a) for a in args))
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), JSON, max_size=4)
    if args and origin in (typing.Union, types.UnionType):
        return st.one_of(*(_valid(a) for a in args))
    if hint is type(None):
        return st.none()
    if hint in (int, float, str, bool):
        return st.from_type(hint)
    return JSON


def _value(hint: object) -> st.SearchStrategy:
    """Mostly what the callback takes, so the code behind the door is reached; sometimes anything at all."""
    valid = _valid(hint)
    return st.one_of(valid, valid, valid, JSON)


def _dependency(dep: dict, hint: object) -> st.SearchStrategy:
    if not dep["id"].startswith("{"):
        return _value(hint).map(lambda v: {"id": dep["id"], "property": dep["property"], "value": v})
    pattern = dict(re.findall(r'"(\w+)":("[^"]*"|\[[^\]]*\])', dep["id"]))

    def match(key_value: object, value: object) -> dict:
        ident = {k: (key_value if v.startswith("[") else v.strip('"')) for k, v in pattern.items()}
        return {"id": ident, "property": dep["property"], "value": value}

    one = st.builds(match, st.integers(-5, 2**60) | st.text(max_size=12), JSON)
    return st.lists(one, max_size=3)


def _body(key: str, spec: dict) -> st.SearchStrategy:
    hints = _hints(spec)
    deps = [*spec["inputs"], *spec["state"]]
    hints += [typing.Any] * (len(deps) - len(hints))
    outputs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    out = [{"id": o.component_id, "property": o.component_property} for o in outputs]
    changed = [f"{d['id']}.{d['property']}" for d in spec["inputs"]] + ["nothing.n_clicks"]
    return st.builds(
        lambda values, trigger: {
            "output": key,
            "outputs": out if isinstance(spec["output"], list) else out[0],
            "inputs": values[: len(spec["inputs"])],
            "state": values[len(spec["inputs"]) :],
            "changedPropIds": [trigger],
        },
        st.tuples(*(_dependency(d, h) for d, h in zip(deps, hints, strict=True))),
        st.sampled_from(changed),
    )


def _callbacks(dash_app) -> list[tuple[str, dict]]:
    return [(k, s) for k, s in server_callbacks(dash_app) if not is_internal(s)]


def test_every_callback_answers_malformed_input_without_a_server_error(dash_app, fuzz_server, sessions):
    callbacks = _callbacks(dash_app)
    failed = []
    for key, spec in callbacks:
        role = next(r for r in ACCOUNTS if r in PERMISSIONS[spec["callback"].permission])
        try:
            _fuzz_callback(fuzz_server, sessions[role], key, spec)
        except AssertionError as error:
            failed.append(str(error)[:600])
    assert len(callbacks) >= 40 and failed == []


def _fuzz_callback(base: str, web: requests.Session, key: str, spec: dict) -> None:
    @FUZZ
    @given(body=_body(key, spec))
    def run(body: dict) -> None:
        answer = web.post(base + "/_dash-update-component", data=json.dumps(body), headers=JSON_TYPE, timeout=60)
        assert answer.status_code < 500, (key, body, answer.text[:300])

    run()


def _example_path(path: str, ident: object) -> str:
    return path.replace("{id}", str(ident)).replace("{username}", str(ident))


def test_every_api_route_answers_malformed_input_without_a_server_error(fuzz_server, fuzz_var):
    url = f"sqlite:///{fuzz_var / 'cockpit.db'}"
    tokens = {role: users.create_token(url, TEST_ACTOR, f"fuzz-{role}", role) for role in ACCOUNTS}
    document = requests.get(fuzz_server + "/api/v1/openapi.json", timeout=10).json()
    routes = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    for path, method, operation in routes:
        _fuzz_route(
            fuzz_server, {"Authorization": f"Bearer {tokens[operation['x-roles'][0]]}"}, method, path, operation
        )
    assert len(routes) >= 9


def _fuzz_route(base: str, headers: dict, method: str, path: str, operation: dict) -> None:
    example = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("example")
    params = [p["name"] for p in operation["parameters"] if p["in"] == "query"]

    @FUZZ
    @given(
        ident=st.integers(-5, 2**70) | st.text(max_size=12).filter(lambda s: "/" not in s and s not in ".."),
        query=st.dictionaries(st.sampled_from(params or ["x"]), st.text(max_size=12) | st.integers(), max_size=3),
        body=_mutations(example) if example is not None else JSON,
        key=st.none() | st.text(max_size=140),
    )
    def run(ident: object, query: dict, body: object, key: str | None) -> None:
        sendable = key is not None and key.isprintable() and key.isascii() and key == key.strip()  # as HTTP allows
        extra = {"Idempotency-Key": key} if sendable else {}
        answer = requests.request(
            method.upper(),
            base + _example_path(path, ident),
            params=query,
            data=json.dumps(body) if method == "post" else None,
            headers=headers | extra | JSON_TYPE,
            timeout=60,
        )
        assert answer.status_code < 500, (method, path, ident, query, body, answer.text[:300])

    run()


def _mutations(example: dict) -> st.SearchStrategy:
    """The route's example body with some of its fields, at any depth, kept or replaced by garbage."""

    def deep(value: object) -> st.SearchStrategy:
        if isinstance(value, dict):
            extra = st.dictionaries(st.text(max_size=10), JSON, max_size=2)
            fields = st.fixed_dictionaries({k: deep(v) for k, v in value.items()})
            return st.builds(lambda kept, more: more | kept, fields, extra)
        if isinstance(value, list) and value:
            return st.lists(deep(value[0]), max_size=3)
        return st.just(value) | JSON

    return deep(example) | JSON


FIELD_ROUTES = {
    "/field/api/actions": "FieldAction",
    "/field/api/reports": "FieldReport",
    "/field/api/stages": "CrewStage",
}


def test_field_routes_answer_malformed_input_without_a_server_error(fuzz_server, sessions):
    """The phone's routes (session and CSRF, not bearer): bodies built from their declared shapes or garbage,
    and random bytes as photos."""
    from cockpit import inputs

    web = sessions["field_worker"]
    for path, shape in FIELD_ROUTES.items():
        _fuzz_field(fuzz_server, web, path, getattr(inputs, shape))

    @FUZZ
    @given(data=st.binary(max_size=2048), name=st.text(max_size=20))
    def photo(data: bytes, name: str) -> None:
        answer = web.post(fuzz_server + "/field/api/photos", files={"photo": (name or "x.jpg", data)}, timeout=60)
        assert answer.status_code < 500, (name, data[:40], answer.text[:300])

    photo()


def _fuzz_field(base: str, web: requests.Session, path: str, shape: type) -> None:
    @FUZZ
    @given(body=_value(shape), key=st.none() | st.text(alphabet="abcdef0123456789", min_size=1, max_size=40))
    def run(body: object, key: str | None) -> None:
        headers = JSON_TYPE | ({"Idempotency-Key": key} if key else {})
        answer = web.post(base + path, data=json.dumps(body), headers=headers, timeout=60)
        assert answer.status_code < 500, (path, body, answer.text[:300])

    run()
