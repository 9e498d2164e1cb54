"""Dispatch under load through gunicorn with two workers: many simultaneous clicks on the same units give
each unit to exactly one incident, name the holder to every loser, and never answer 5xx; one
Idempotency-Key sent twenty times at once makes one dispatch."""

from __future__ import annotations

import concurrent.futures
import json
import random
import urllib.error
import urllib.request

import pytest
from fixtures.db import TEST_ACTOR
from sqlalchemy import func, select

from cockpit.actor import Actor
from cockpit.services.emergency import emergency
from cockpit.services.support import users
from data_access.db import transaction
from data_access.models import Dispatch

DUTY = Actor("duty", "duty_officer")


@pytest.fixture(scope="module")
def token(city_url):
    return users.create_token(city_url, TEST_ACTOR, "dispatch-test", "duty_officer")


def post(base: str, token: str, incident_id: int, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/v1/incidents/{incident_id}/dispatch",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, {"raw": text[:300].decode(errors="replace")}


def active_per_unit(url: str) -> dict[int, int]:
    with transaction(url) as session:
        rows = session.execute(
            select(Dispatch.resource_id, func.count()).where(Dispatch.status == "active").group_by(Dispatch.resource_id)
        )
        return dict(rows.all())


def test_sixty_simultaneous_dispatches_of_the_same_units(served, city_url, token):
    incidents = [
        emergency.report_incident(city_url, DUTY, "accident", 4, 116.3205 + i * 0.001, 40.0005, f"并发测试 {i}")["id"]
        for i in range(6)
    ]
    units = [r.resource_id for r in emergency.recommend(city_url, incidents[0], ("police_car",), limit=4)]
    rng = random.Random(3)
    attempts = [(rng.choice(incidents), rng.sample(units, rng.randint(1, 2))) for _ in range(60)]
    with concurrent.futures.ThreadPoolExecutor(60) as pool:
        answers = list(
            pool.map(lambda a: post(served, token, a[0], {"resource_ids": a[1]}, f"c-{id(a)}-{rng.random()}"), attempts)
        )
    codes = [code for code, _ in answers]
    assert all(code in (200, 409) for code in codes), codes
    won = [body for code, body in answers if code == 200]
    lost = [body for code, body in answers if code == 409]
    assert won and lost
    assert all(body["held_by"] == "token:dispatch-test" and body["incident"].startswith("INC-") for body in lost)
    counts = active_per_unit(city_url)
    assert all(counts.get(u, 0) <= 1 for u in units)
    assert sum(len(body["dispatch_ids"]) for body in won) == sum(counts.get(u, 0) for u in units)


def test_twenty_replays_of_one_key_dispatch_once(served, city_url, token):
    case = emergency.report_incident(city_url, DUTY, "public_health", 4, 116.3150, 39.9990, "重放测试")["id"]
    before = sum(active_per_unit(city_url).values())
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: post(served, token, case, {"plan": True}, "replay-key-1"), range(20)))
    codes = sorted(code for code, _ in answers)
    assert set(codes) <= {200, 409}, codes
    done = [body for code, body in answers if code == 200]
    assert done and all(body == done[0] for body in done)
    assert sum(active_per_unit(city_url).values()) - before == len(done[0]["dispatch_ids"]) == 1
    again = post(served, token, case, {"plan": True}, "replay-key-1")
    assert again == (200, done[0])
