"""The IoT API with bearer tokens: batches of readings with an answer per outcome, Idempotency-Key
semantics (also under 20 concurrent replays against gunicorn), devices and alarms."""

from __future__ import annotations

import concurrent.futures
import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from fixtures.db import TEST_ACTOR

from cockpit.services.support import users

NOW = datetime.now(UTC).replace(tzinfo=None).isoformat() + "Z"


@pytest.fixture(scope="module")
def analyst_token(city_url):
    return users.create_token(city_url, TEST_ACTOR, "api-test-analyst", "analyst")


@pytest.fixture(scope="module")
def duty_token(city_url):
    return users.create_token(city_url, TEST_ACTOR, "api-test-duty", "duty_officer")


def auth(token, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def batch(start, n, device="110108-noise-00003"):
    return {
        "readings": [
            {"device": device, "ts": NOW, "seq": start + i, "values": {"noise_db": 50 + i % 5}} for i in range(n)
        ]
    }


def test_batch_answers_stored_duplicates_and_quarantined(app_client, analyst_token):
    body = batch(1000, 5)
    body["readings"] += [
        {"device": "110108-noise-00003", "ts": NOW, "seq": 1000, "values": {"noise_db": 51}},
        {"device": "110108-noise-00003", "ts": NOW, "seq": 2000, "values": {"noise_db": "loud"}},
        {"device": "ghost", "ts": NOW, "seq": 1, "values": {"noise_db": 40}},
    ]
    answer = app_client.post("/api/v1/readings", json=body, headers=auth(analyst_token))
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["stored"] == 5 and data["duplicates"] == 1
    reasons = [q["reason"] for q in data["quarantined"]]
    assert any("must be a number" in r for r in reasons) and any("unknown device 'ghost'" in r for r in reasons)
    assert data["quarantined"][0]["index"] == 6


@pytest.mark.parametrize(
    ("body", "message"),
    [({"rows": []}, '{"readings"'), ({"readings": []}, "1 to 5000"), ("text", '{"readings"')],
)
def test_bad_bodies_get_a_clear_400(app_client, analyst_token, body, message):
    answer = app_client.post("/api/v1/readings", json=body, headers=auth(analyst_token))
    assert answer.status_code == 400 and message in answer.get_json()["error"]


def test_idempotency_key_replay_conflict_and_mismatch(app_client, analyst_token):
    first = app_client.post("/api/v1/readings", json=batch(3000, 3), headers=auth(analyst_token, "k-1"))
    replay = app_client.post("/api/v1/readings", json=batch(3000, 3), headers=auth(analyst_token, "k-1"))
    assert first.status_code == replay.status_code == 200
    assert replay.get_json() == first.get_json() == {"stored": 3, "duplicates": 0, "quarantined": []}
    other = app_client.post("/api/v1/readings", json=batch(4000, 3), headers=auth(analyst_token, "k-1"))
    assert other.status_code == 422


def test_twenty_concurrent_replays_through_gunicorn_run_once(served, analyst_token):
    body = json.dumps(batch(5000, 50)).encode()

    def post(_n):
        request = urllib.request.Request(
            served + "/api/v1/readings",
            data=body,
            method="POST",
            headers=auth(analyst_token, "concurrent-key") | {"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(post, range(20)))
    assert [code for code, _ in answers] == [200] * 20  # the replays wait for the first and get its answer
    assert all(a == {"stored": 50, "duplicates": 0, "quarantined": []} for _, a in answers)


def test_devices_and_alarms_for_any_role(app_client, duty_token):
    devices = app_client.get("/api/v1/devices?limit=5", headers=auth(duty_token)).get_json()["devices"]
    assert len(devices) == 5 and {"code", "lon", "lat", "online"} <= set(devices[0])
    assert app_client.get("/api/v1/alarms?status=bogus", headers=auth(duty_token)).status_code == 400
    assert app_client.get("/api/v1/alarms?status=new", headers=auth(duty_token)).status_code == 200


def test_acknowledge_through_the_api(app_client, analyst_token, duty_token):
    device = "110108-manhole_tilt-00007"
    now = datetime.now(UTC).replace(tzinfo=None)
    stamps = ((1, now - timedelta(seconds=20)), (2, now))
    body = {
        "readings": [
            {"device": device, "ts": ts.isoformat() + "Z", "seq": seq, "values": {"tilt_deg": 30}} for seq, ts in stamps
        ]
    }
    assert app_client.post("/api/v1/readings", json=body, headers=auth(analyst_token)).get_json()["stored"] == 2
    listed = app_client.get("/api/v1/alarms?status=new", headers=auth(duty_token)).get_json()["alarms"]
    alarm = next((a for a in listed if a["device_code"] == device), None)
    assert alarm, [(a["device_code"], a["status"]) for a in listed]
    path = f"/api/v1/alarms/{alarm['id']}/ack"
    first = app_client.post(path, headers=auth(duty_token, "ack-1"))
    replay = app_client.post(path, headers=auth(duty_token, "ack-1"))
    assert first.status_code == replay.status_code == 200
    assert (
        first.get_json() == replay.get_json() and first.get_json()["alarm"]["acknowledged_by"] == "token:api-test-duty"
    )
    again = app_client.post(path, headers=auth(duty_token, "ack-2"))
    assert again.status_code == 409 and again.get_json()["code"] == "alarm_status"
    assert "cannot Acknowledge" in again.get_json()["error"]
    missing = app_client.post("/api/v1/alarms/999999/ack", headers=auth(duty_token, "ack-x"))
    assert missing.status_code == 404 and "no alarm" in missing.get_json()["error"]


def _documented(rule: str) -> list[str]:
    """The OpenAPI paths a Flask rule stands for: an `any(...)` part is one path per choice, `<id:x>` is {id},
    a bounded `<int(...):n>` and a plain `<name>` are {n} and {name}."""
    choice = re.search(r"<any\(([^)]*)\):\w+>", rule)
    if choice:
        options = [o.strip() for o in choice.group(1).split(",")]
        return [p for o in options for p in _documented(rule[: choice.start()] + o + rule[choice.end() :])]
    rule = re.sub(r"<(?:int|id):[^>]+>", "{id}", rule)
    return [re.sub(r"<(?:int\([^)]*\):)?(\w+)>", r"{\1}", rule)]


def test_openapi_lists_every_api_route(app_client, dash_app):
    paths = app_client.get("/api/v1/openapi.json").get_json()["paths"]
    for rule in dash_app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule not in ("/api/v1/openapi.json", "/api/v1/<path:_rest>"):
            for path in _documented(rule.rule):
                assert path in paths, rule.rule
