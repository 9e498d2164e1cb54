"""One open alarm per device and alarm type, graded in place (ThingsBoard's semantics), on a real database:
PM2.5 over both HJ 633 thresholds is one alarm whose severity rises and falls; an acknowledged alarm comes
back only when its severity rises; one cleared after acknowledgement and breached again reopens acknowledged."""

from datetime import UTC, datetime, timedelta

import orjson

from cockpit.actor import Actor
from cockpit.services.iot import alarm_grading, alarms, ingestion
from data_access import iot
from data_access.db import transaction

DUTY = Actor("duty", "duty_officer")
STATION = "wanliu_aq"
RULES = {
    1: {"id": 1, "kind": "threshold", "metric": "pm25", "severity": 3},
    2: {"id": 2, "kind": "threshold", "metric": "pm25", "severity": 1},
}


class Sender:
    def __init__(self, url: str) -> None:
        self.url, self.seq = url, 0

    def pm25(self, value: float):
        self.seq += 1
        ts = datetime.now(UTC).replace(tzinfo=None) + timedelta(milliseconds=self.seq)
        body = {"ts": ts.isoformat() + "Z", "seq": self.seq, "values": {"pm25": value, "pm10": 50}}
        return ingestion.ingest_mqtt(self.url, [(f"city/iot/{STATION}/telemetry", orjson.dumps(body))])


def station_alarms(url: str, statuses=iot.OPEN) -> list[dict]:
    return [a for a in alarms.recent_alarms(url, list(statuses)) if a["device_code"] == STATION]


def history(url: str, alarm_id: int) -> list[tuple[str, int | None]]:
    with transaction(url) as session:
        return [(e["kind"], e["severity"]) for e in iot.alarm_history(session, alarm_id)]


def test_one_alarm_per_metric_whose_severity_moves_in_place(city_db):
    send = Sender(city_db)
    send.pm25(300)  # over 115 (severity 3) and over 250 (severity 1): one alarm, severity 1
    [alarm] = station_alarms(city_db)
    assert alarm["alarm_type"] == "pm25" and alarm["severity"] == 1
    send.pm25(180)  # only over 115 now: the same alarm falls to severity 3
    [same] = station_alarms(city_db)
    assert same["id"] == alarm["id"] and same["severity"] == 3
    send.pm25(40)
    assert station_alarms(city_db) == []
    assert history(city_db, alarm["id"]) == [("raised", 1), ("severity_down", 3), ("cleared", 3)]


def test_acknowledged_alarm_returns_only_when_severity_rises(city_db):
    send = Sender(city_db)
    send.pm25(180)
    [alarm] = station_alarms(city_db)
    alarms.transition(city_db, DUTY, alarm["id"], "acknowledge")
    send.pm25(200)  # same severity: stays acknowledged
    assert station_alarms(city_db)[0]["status"] == "acknowledged"
    send.pm25(300)  # graver: back to the duty officer
    [risen] = station_alarms(city_db)
    assert risen["id"] == alarm["id"] and risen["status"] == "new" and risen["severity"] == 1


def test_acknowledged_then_cleared_alarm_reopens_acknowledged_instead_of_a_new_one(city_db):
    send = Sender(city_db)
    send.pm25(180)
    [alarm] = station_alarms(city_db)
    alarms.transition(city_db, DUTY, alarm["id"], "acknowledge")
    send.pm25(60)
    send.pm25(170)
    [again] = station_alarms(city_db)
    assert again["id"] == alarm["id"] and again["status"] == "acknowledged"
    send.pm25(60)
    send.pm25(280)  # graver than before: a new alarm for the duty officer
    [graver] = station_alarms(city_db)
    assert graver["id"] != alarm["id"] and graver["status"] == "new"


def test_grading_is_pure():
    now = datetime(2026, 11, 25, 12)
    raised = alarm_grading.on_breach(None, None, RULES[1], RULES, 120, now)
    assert raised.kind == "raised" and raised.values["severity"] == 3
    alarm = alarm_grading.apply(None, raised, 7)
    up = alarm_grading.on_breach(alarm, None, RULES[2], RULES, 260, now)
    assert up.kind == "severity_up" and up.values["severity"] == 1 and up.alarm_id == 7
    alarm = alarm_grading.apply(alarm, up)
    assert alarm_grading.on_breach(alarm, None, RULES[2], RULES, 270, now) is None
    down = alarm_grading.on_clear(alarm, RULES[2], RULES, now)
    assert down.kind == "severity_down" and down.values["severity"] == 3
    cleared = alarm_grading.on_clear(alarm_grading.apply(alarm, down), RULES[1], RULES, now)
    assert cleared.kind == "cleared" and cleared.values["status"] == "resolved"
    late = {"id": 7, "severity": 3, "resolved_at": now - alarm_grading.REARM - timedelta(seconds=1)}
    assert alarm_grading.on_breach(None, late, RULES[1], RULES, 120, now).kind == "raised"
