"""The safety scenario's automatic alarms, raised in the one alarm flow: each sweep turns the recent sightings
into one value per camera and rule — watch-listed plates or person files seen (watchlist), distinct people at a
key area against its capacity (crowd_ratio, on the area's first camera), the longest a person has stayed by
one camera (loiter_min) — and lets the rule engine grade, raise and clear them like any device's readings. The
thresholds are the camera rules' own, so an admin tunes them in the rule editor."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from cockpit import bus
from cockpit.services import rule_engine, rulebook
from cockpit.services.alarms import Evaluation, now_utc
from data_access import readings
from data_access import safety as safety_store
from data_access.db import transaction, write_transaction

WINDOW = timedelta(minutes=10)  # watch hits and crowds count over the last ten minutes
LINGER_WINDOW = timedelta(minutes=40)
LINGER_SIGHTINGS = 3  # seen at least this often by the one camera to count as lingering


def values(url: str, now: datetime) -> dict[str, dict[int, float]]:
    """metric -> camera device id -> the value now."""
    with transaction(url) as session:
        cameras = safety_store.cameras(session)
        areas = {a["id"]: a for a in safety_store.key_areas(session)}
        watched = safety_store.watch_entries(session, active_at=now)
        plates = [w["subject"].removeprefix("vehicle:") for w in watched if w["subject"].startswith("vehicle:")]
        files = [int(w["subject"].removeprefix("person:")) for w in watched if w["subject"].startswith("person:")]
        hits = safety_store.plates_seen(session, plates, now - WINDOW)
        hits += safety_store.files_seen(session, files, now - WINDOW)
        presence = safety_store.area_presence(session, now - LINGER_WINDOW)
    watch = dict.fromkeys((c["id"] for c in cameras), 0.0)
    for hit in hits:
        watch[hit["device_id"]] = watch.get(hit["device_id"], 0.0) + hit["n"]
    area_of = {c["id"]: c["key_area_id"] for c in cameras if c["key_area_id"] is not None}
    first_camera: dict[int, int] = {}
    for camera in cameras:
        if camera["key_area_id"] is not None:
            first_camera.setdefault(camera["key_area_id"], camera["id"])
    people: dict[int, set[int]] = defaultdict(set)
    linger = dict.fromkeys((c["id"] for c in cameras if c["sees"] != "vehicle"), 0.0)
    for row in presence:
        if row["last"] >= now - WINDOW and row["device_id"] in area_of:
            people[area_of[row["device_id"]]].add(row["person_file_id"])
        if row["n"] >= LINGER_SIGHTINGS:
            minutes = (row["last"] - row["first"]).total_seconds() / 60
            linger[row["device_id"]] = max(linger.get(row["device_id"], 0.0), round(minutes, 1))
    crowd = {
        camera: round(len(people.get(area, ())) / max(areas[area]["capacity"], 1), 3)
        for area, camera in first_camera.items()
    }
    return {"watchlist": watch, "crowd_ratio": crowd, "loiter_min": linger}


def sweep(url: str, now: datetime | None = None) -> Evaluation:
    """One pass: the values now, through the camera rules, into alarms (one transaction)."""
    now = now or now_utc()
    with transaction(url) as session:
        rules = [
            r
            for r in rulebook.active(url, session)
            if r["device_type"] == "camera" and r["kind"] == "threshold" and not r.get("device_code")
        ]
    measured = values(url, now)
    plan = rule_engine.RulePlan()
    for rule in rules:
        for device_id, value in measured.get(rule["metric"], {}).items():
            plan.rules[rule["id"]] = rule
            plan.series[(rule["id"], device_id)] = [(now, value)]
    if not plan.series:
        return Evaluation([], [])
    with transaction(url) as session:
        rule_engine.evaluate(plan, readings.rule_states(session, plan.series))
    with write_transaction(url) as session:
        result = rule_engine.settle(session, plan, now)
    if result.raised or result.resolved:
        bus.notify()
    return result
