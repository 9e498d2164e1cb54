"""Validation of raw input: every hostile or malformed payload comes back Rejected with a reason."""

import json
from datetime import datetime

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access.ingest import CommandAck, Rejected, Status, Telemetry, parse_api_item, parse_mqtt

NOW = datetime(2026, 11, 24, 6, 0)
GOOD = {"ts": "2026-11-24T05:59:00Z", "seq": 1, "values": {"pm25": 35.0}}


def mqtt(body, topic="city/iot/wanliu_aq/telemetry"):
    return parse_mqtt(topic, body if isinstance(body, bytes) else orjson.dumps(body), NOW)


def test_good_telemetry():
    parsed = mqtt(GOOD)
    assert parsed == Telemetry("wanliu_aq", 1, datetime(2026, 11, 24, 5, 59), {"pm25": 35.0})


def test_status_and_ack():
    assert mqtt({"ts": "2026-11-24T05:59:00+08:00", "online": False}, "city/iot/d1/status") == Status(
        "d1", datetime(2026, 11, 23, 21, 59), False
    )
    assert mqtt({"command_id": 3, "ok": True, "detail": "done"}, "city/iot/d1/command/ack") == CommandAck(
        "d1", 3, True, "done"
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        ({**GOOD, "seq": "1"}, "seq"),
        ({**GOOD, "seq": True}, "seq"),
        ({**GOOD, "seq": -1}, "seq"),
        ({**GOOD, "seq": 2**60}, "seq"),
        ({**GOOD, "ts": 1700000000}, "ts must be"),
        ({**GOOD, "ts": "yesterday"}, "not ISO-8601"),
        ({**GOOD, "ts": "2099-01-01T00:00:00Z"}, "outside"),
        ({**GOOD, "values": {}}, "non-empty"),
        ({**GOOD, "values": {"pm25": "<script>alert(1)</script>"}}, "must be a number"),
        ({**GOOD, "values": {"pm25": True}}, "must be a number"),
        ({**GOOD, "values": {"pm25": 1e308}}, "outside"),
        ({**GOOD, "values": {"pm25": -5}}, "outside"),
        ({**GOOD, "values": {"<img src=x onerror=alert(1)>": 1}}, "unknown metric"),
        ({**GOOD, "values": {f"m{i}": 1 for i in range(40)}}, "at most"),
        (b"x" * 20000, "larger than"),
    ],
)
def test_hostile_payloads_are_rejected_with_reason(body, reason):
    parsed = mqtt(body)
    assert isinstance(parsed, Rejected)
    assert reason in parsed.reason
    assert len(parsed.payload) <= 4096


def test_nan_is_rejected():
    parsed = mqtt(b'{"ts": "2026-11-24T05:59:00Z", "seq": 1, "values": {"pm25": NaN}}')
    assert isinstance(parsed, Rejected)


@pytest.mark.parametrize(
    "topic", ["city/iot/../telemetry", "city/iot/a b/telemetry", "city/iot/x/unknown", "other/topic", ""]
)
def test_bad_topics_are_rejected(topic):
    assert isinstance(mqtt(GOOD, topic), Rejected)


def test_api_item_needs_a_device():
    assert isinstance(parse_api_item({**GOOD}, NOW), Rejected)
    assert isinstance(parse_api_item("text", NOW), Rejected)
    assert parse_api_item({**GOOD, "device": "wanliu_aq"}, NOW).device_code == "wanliu_aq"


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(payload):
    assert mqtt(payload) is not None


@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=20) | st.integers(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=12,
    )
)
def test_arbitrary_json_never_raises(value):
    try:
        body = orjson.dumps(value)
    except TypeError:
        return
    parsed = mqtt(body)
    assert isinstance(parsed, Telemetry | Rejected)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "seq": st.integers(min_value=-2, max_value=2**54) | st.booleans() | st.floats() | st.text(max_size=3),
            "ts": st.sampled_from(
                ["2026-11-24T05:59:00Z", "2026-11-24T05:59:00.5Z", "2026-11-24T05:59:00+08:00", "2026-11-24", "Z"]
            )
            | st.text(max_size=30),
            "values": st.dictionaries(
                st.sampled_from(["pm25", "noise_db", "lamp_on", "bogus"]) | st.text(max_size=5),
                st.floats(allow_nan=False) | st.integers() | st.booleans() | st.text(max_size=3) | st.none(),
                max_size=3,
            )
            | st.none(),
        },
    )
)
def test_fast_path_accepts_nothing_the_careful_path_refuses(body):
    """The typed fast path is only a shortcut: whatever it accepts, the careful path accepts identically."""
    from data_access.ingest import FUTURE_SLACK, _fast_telemetry, _parse_careful

    topic, payload = "city/iot/wanliu_aq/telemetry", json.dumps(body).encode()  # any int, even past 64 bits
    fast = _fast_telemetry(topic, payload, NOW + FUTURE_SLACK)
    if fast is not None:
        assert _parse_careful(topic, payload, NOW) == fast
    assert _fast_telemetry(topic, orjson.dumps(GOOD), NOW + FUTURE_SLACK) == mqtt(GOOD)
