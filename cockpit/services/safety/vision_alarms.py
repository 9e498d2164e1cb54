"""The safety scenario's automatic alarms, raised in the one alarm flow: each sweep turns the recent sightings
into one value per camera and rule — watch-listed plates or person files seen (watchlist), distinct people at a
key area against its capacity (crowd_ratio, on the area's first camera), the longest a person has stayed by
one camera (loiter_min) — and lets the rule engine grade, raise and clear them like any device's readings. The
thresholds are the camera rules' own, so an admin tunes them in the rule editor."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from cockpit import bus
from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.emergency import emergency
from cockpit.services.iot import rule_engine, rulebook
from cockpit.services.iot.alarms import Evaluation
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import VISION_METRICS
from data_access import iot, readings
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
    now = now or stored_now()
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


LEVEL_OF_SEVERITY = {1: 3, 2: 4, 3: 4, 4: 4}  # a safety alarm becomes an incident of this level


def to_incident(url: str, actor: Actor, alarm_id: int) -> dict[str, Any]:
    """A safety officer hands a safety alarm to the emergency side: an incident at the camera, which the duty
    officer dispatches to as any other; the alarm says which incident took it over."""
    if not allows(actor.role, "safety.files"):
        raise Refused("safety.not_allowed", http=403)
    with transaction(url) as session:
        alarm = iot.alarm(session, alarm_id)
        camera = next((c for c in safety_store.cameras(session) if alarm and c["id"] == alarm["device_id"]), None)
    if alarm is None or camera is None or alarm["alarm_type"] not in VISION_METRICS:
        raise Refused("safety.no_alarm", http=404, alarm=alarm_id)
    incident = emergency.report_incident(
        url,
        actor,
        "social_security",
        LEVEL_OF_SEVERITY.get(alarm["severity"], 4),
        camera["lon"],
        camera["lat"],
        f"公共安全告警 #{alarm_id}（{alarm['alarm_type']}）：{camera['name']}",
    )
    audit.record_alone(url, actor, "safety.alarm.incident", f"alarm:{alarm_id}", after={"incident": incident["code"]})
    return incident
