"""Alarm lifecycle against a real database: rules raise once per rule and device, clear themselves,
and people move them through acknowledged, resolved and closed; sweeps handle silence and escalation."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from sqlalchemy.exc import IntegrityError

from cockpit.actor import Actor
from cockpit.services.iot import alarms, ingestion
from cockpit.services.iot.alarms import AlarmError
from cockpit.services.support import audit
from data_access import iot
from data_access.db import transaction, write_transaction

DUTY = Actor("duty", "duty_officer")
DEVICE = "110108-manhole_tilt-00001"


def tilt(url, seq, value, seconds_ago=0):
    ts = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=seconds_ago)
    body = {"ts": ts.isoformat() + "Z", "seq": seq, "values": {"tilt_deg": value}}
    return ingestion.ingest_mqtt(url, [(f"city/iot/{DEVICE}/telemetry", orjson.dumps(body))])


def open_for_device(url):
    return [a for a in alarms.open_alarms(url) if a["device_code"] == DEVICE]


def test_sustained_breach_raises_one_alarm_and_no_storm(city_db):
    assert tilt(city_db, 1, 25, seconds_ago=20).alarms_raised == []
    assert len(tilt(city_db, 2, 26, seconds_ago=5).alarms_raised) == 1
    for seq in range(3, 10):
        assert tilt(city_db, seq, 30, seconds_ago=0).alarms_raised == []
    assert len(open_for_device(city_db)) == 1


def test_condition_clearing_resolves_then_people_close(city_db):
    tilt(city_db, 1, 25, seconds_ago=20)
    tilt(city_db, 2, 25, seconds_ago=5)
    alarm_id = open_for_device(city_db)[0]["id"]
    alarms.transition(city_db, DUTY, alarm_id, "acknowledge")
    report = tilt(city_db, 3, 0.5)
    assert report.alarms_resolved == [alarm_id]
    closed = alarms.transition(city_db, DUTY, alarm_id, "close")
    assert closed["status"] == "closed" and closed["closed_by"] == "duty" and closed["resolved_by"] == "system"
    actions = [r["action"] for r in audit.rows(city_db)]
    assert actions[:2] == ["alarm.close", "alarm.acknowledge"]


def test_steps_out_of_order_are_refused(city_db):
    tilt(city_db, 1, 25, seconds_ago=20)
    tilt(city_db, 2, 25, seconds_ago=5)
    alarm_id = open_for_device(city_db)[0]["id"]
    with pytest.raises(AlarmError, match="cannot Close"):
        alarms.transition(city_db, DUTY, alarm_id, "close")
    alarms.transition(city_db, DUTY, alarm_id, "acknowledge")
    with pytest.raises(AlarmError, match="cannot Acknowledge"):
        alarms.transition(city_db, DUTY, alarm_id, "acknowledge")
    with pytest.raises(AlarmError, match="no alarm"):
        alarms.transition(city_db, DUTY, 999_999, "acknowledge")


def test_database_allows_one_open_alarm_per_device_and_type(city_db):
    tilt(city_db, 1, 25, seconds_ago=20)
    tilt(city_db, 2, 25, seconds_ago=5)
    existing = open_for_device(city_db)[0]
    now = datetime.now(UTC).replace(tzinfo=None)
    with pytest.raises(IntegrityError), write_transaction(city_db) as session:
        iot.add_alarm(
            session,
            {
                "rule_id": existing["rule_id"],
                "device_id": existing["device_id"],
                "alarm_type": existing["alarm_type"],
                "active_rules": {existing["rule_id"]},
                "severity": 2,
                "status": "new",
                "value": 1,
                "raised_at": now,
                "escalation_level": 0,
            },
            now,
        )


def test_unacknowledged_alarm_escalates_on_time(city_db):
    tilt(city_db, 1, 25, seconds_ago=20)
    tilt(city_db, 2, 25, seconds_ago=5)
    raised = open_for_device(city_db)[0]
    # the sample city has older open warnings (a settling building) that the sweeps escalate too: read this one
    alarms.sweep(city_db, raised["raised_at"] + timedelta(seconds=299))
    assert open_for_device(city_db)[0]["escalation_level"] == 0
    assert alarms.sweep(city_db, raised["raised_at"] + timedelta(seconds=301))["escalated"] >= 1
    assert open_for_device(city_db)[0]["escalation_level"] == 1
    alarms.sweep(city_db, raised["raised_at"] + timedelta(seconds=302))
    assert open_for_device(city_db)[0]["escalation_level"] == 1


def test_silent_device_raises_offline_then_recovers(city_db):
    tilt(city_db, 1, 0.5, seconds_ago=0)
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=200)
    assert alarms.sweep(city_db, later)["raised"] >= 1
    with transaction(city_db) as session:
        device = iot.device_detail(session, DEVICE)
    assert device["online"] is False
    offline = [a for a in open_for_device(city_db) if a["value"] is None]
    assert len(offline) == 1
    tilt(city_db, 2, 0.5, seconds_ago=0)
    assert alarms.sweep(city_db)["resolved"] >= 1
    assert [a for a in open_for_device(city_db) if a["value"] is None] == []


def test_feed_counts_by_severity(city_db):
    before = alarms.feed(city_db)  # the sample city's own open warnings (a settling building)
    tilt(city_db, 1, 25, seconds_ago=20)
    tilt(city_db, 2, 25, seconds_ago=5)
    feed = alarms.feed(city_db)
    assert feed["open"] == before["open"] + 1
    assert feed["by_severity"]["2"] == before["by_severity"].get("2", 0) + 1
    assert feed["latest"][0]["code"] == DEVICE
