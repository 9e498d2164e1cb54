"""City operations: camera events become cases whatever their order or duplicates; the workflow and its SLA
clocks; component faults become cases too."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit.actor import Actor
from cockpit.services.iot import ingestion
from cockpit.services.operations import daily, operations
from cockpit.services.operations.operations import CaseError, due, time_left
from cockpit.services.support import anchor, audit

ZONE = "Asia/Shanghai"

NOW = datetime.now(UTC).replace(tzinfo=None)
CAMERA = "110108-camera-00001"
BASE = (116.3200, 40.0000)


def event(n: int, kind: str, dx_m: float, dt_s: float, confidence: float = 0.9) -> tuple[str, bytes]:
    body = {
        "event_id": f"ev-{n}",
        "ts": (NOW - timedelta(hours=1) + timedelta(seconds=dt_s)).isoformat() + "Z",
        "type": kind,
        "confidence": confidence,
        "lon": BASE[0] + dx_m / 85_000,
        "lat": BASE[1],
    }
    return f"city/vision/{CAMERA}/event", orjson.dumps(body)


# three clusters, one of them only joined through event 5 (a bridge), one low-confidence sighting,
# and another type at the same place (a separate case)
EVENTS = [
    event(1, "illegal_parking", 0, 0),
    event(2, "illegal_parking", 30, 300),
    event(3, "illegal_parking", 90, 600),
    event(4, "illegal_parking", 95, 700),
    event(5, "illegal_parking", 60, 450),
    event(6, "illegal_parking", 600, 0),
    event(7, "illegal_parking", 610, 200),
    event(8, "exposed_garbage", 0, 0),
    event(9, "illegal_parking", 1200, 0, confidence=0.4),
]
EXPECTED = {frozenset({"ev-1", "ev-2", "ev-3", "ev-4", "ev-5"}), frozenset({"ev-6", "ev-7"}), frozenset({"ev-8"})}


def test_events_file_cases_by_type_distance_and_time(city_db):
    report = ingestion.ingest_mqtt(city_db, EVENTS)
    assert report.quarantined == []
    assert set(operations.partition(city_db).values()) == EXPECTED


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.permutations(list(range(len(EVENTS)))),
    repeats=st.lists(st.integers(0, len(EVENTS) - 1), max_size=6),
    batch=st.integers(1, 5),
)
def test_duplicates_and_reordering_never_change_the_cases(city_template, tmp_path_factory, order, repeats, batch):
    import sqlite3

    target = tmp_path_factory.mktemp("perm") / "cockpit.db"
    with sqlite3.connect(city_template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    url = f"sqlite:///{target}"
    stream = [EVENTS[i] for i in order] + [EVENTS[i] for i in repeats]
    for start in range(0, len(stream), batch):
        ingestion.ingest_mqtt(url, stream[start : start + batch])
    assert set(operations.partition(url).values()) == EXPECTED


def test_hostile_camera_payloads_are_quarantined(city_db):
    bad = [
        (f"city/vision/{CAMERA}/event", b'{"event_id": "<b>x</b>", "type": "illegal_parking"}'),
        (
            f"city/vision/{CAMERA}/event",
            orjson.dumps(
                {"event_id": "a1", "ts": NOW.isoformat(), "type": "ufo", "confidence": 0.9, "lon": 116.3, "lat": 40.0}
            ),
        ),
        (
            f"city/vision/{CAMERA}/event",
            orjson.dumps(
                {"event_id": "a2", "ts": NOW.isoformat(), "type": "muck", "confidence": 7, "lon": 116.3, "lat": 40.0}
            ),
        ),
    ]
    report = ingestion.ingest_mqtt(city_db, bad)
    assert len(report.quarantined) == 3 and operations.partition(city_db) == {}


def test_cases_are_placed_in_their_grid_and_street(city_db):
    ingestion.ingest_mqtt(city_db, EVENTS[:1])
    case = operations.case_list(city_db)[0]
    assert case["grid_id"] is not None and case["street_id"] is not None
    assert case["priority"] == 2 and case["status"] == "filed" and case["assignee"] is None
    first = operations.transition(city_db, DUTY, case["id"], "dispatch")
    assert first["assignee"].startswith("网格员 110108")
    ingestion.ingest_mqtt(city_db, [event(50, "muck", 5, 0)])
    other = next(c for c in operations.case_list(city_db) if c["category"] == "muck")
    second = operations.transition(city_db, DUTY, other["id"], "dispatch")
    assert second["assignee"].startswith("网格员 110108") and second["assignee"] != first["assignee"]


DUTY = Actor("duty", "duty_officer")
CHECKER = Actor("wang", "duty_officer")


def test_the_whole_workflow_with_a_different_verifier(city_db):
    ingestion.ingest_mqtt(city_db, EVENTS[:1])
    case_id = operations.case_list(city_db)[0]["id"]
    operations.transition(city_db, DUTY, case_id, "dispatch")
    with pytest.raises(CaseError, match="note and an after-photo"):
        operations.transition(city_db, DUTY, case_id, "handle", "moved the car", "")
    operations.transition(city_db, DUTY, case_id, "handle", "车辆已驶离", "IMG-0001")
    with pytest.raises(CaseError, match="someone other than the handler"):
        operations.transition(city_db, DUTY, case_id, "verify")
    operations.transition(city_db, CHECKER, case_id, "send_back", "仍有车辆停放")
    operations.transition(city_db, DUTY, case_id, "handle", "已拖离", "IMG-0002")
    operations.transition(city_db, CHECKER, case_id, "verify")
    with pytest.raises(CaseError, match="cannot Dispatch"):
        operations.transition(city_db, DUTY, case_id, "dispatch")
    done = operations.transition(city_db, CHECKER, case_id, "close")
    assert done["status"] == "closed" and done["stage_due"] is None
    steps = [s["status"] for s in operations.detail(city_db, case_id)["steps"]]
    assert steps == ["filed", "dispatched", "handled", "sent_back", "handled", "verified", "closed"]


def test_sla_clock_across_midnight():
    filed = datetime(2026, 11, 24, 23, 50)
    deadline = due("dispatched", 2, filed)
    assert deadline == datetime(2026, 11, 25, 0, 20)
    case = {"status": "filed", "stage_due": deadline}
    assert time_left(case, datetime(2026, 11, 25, 0, 10)) == 600
    assert time_left(case, datetime(2026, 11, 25, 0, 25)) == -300
    assert time_left(case | {"status": "closed"}, datetime(2026, 11, 25, 0, 25)) is None


def test_overdue_cases_come_first_and_late_steps_count(city_db):
    ingestion.ingest_mqtt(city_db, EVENTS)
    rows = operations.case_list(city_db)
    lefts = [r["time_left_s"] for r in rows]
    assert lefts == sorted(lefts) and lefts[0] < 0  # filed an hour ago: already overdue for dispatch
    late = rows[0]["id"]
    operations.transition(city_db, DUTY, late, "dispatch")
    assert operations.detail(city_db, late)["steps"][-1]["on_time"] is False
    signs = operations.vital_signs(city_db)
    assert signs["open"] == 3 and signs["overdue"] >= 2 and signs["by_category"]["illegal_parking"] == 2


def test_a_tilted_manhole_cover_becomes_a_case(city_db):
    device = "110108-manhole_tilt-00002"
    now = datetime.now(UTC).replace(tzinfo=None)
    messages = [
        (
            f"city/iot/{device}/telemetry",
            orjson.dumps({"ts": (now - timedelta(seconds=s)).isoformat() + "Z", "seq": q, "values": {"tilt_deg": 30}}),
        )
        for q, s in ((1, 20), (2, 0))
    ]
    report = ingestion.ingest_mqtt(city_db, messages)
    assert report.alarms_raised and len(report.cases_filed) == 1
    case = operations.case_list(city_db)[0]
    assert case["category"] == "manhole_fault" and case["priority"] == 1 and case["assignee"] == "区市政市容委"


def test_exports_and_daily_report(city_db, tmp_path):
    ingestion.ingest_mqtt(city_db, EVENTS)
    cases = daily.case_rows(city_db, "en", ZONE)
    assert len(cases) == 3 and {"Code", "Minutes left (negative: overdue)"} <= set(cases[0])
    assert "UTC" not in str(cases) and cases[0]["Status"] == "filed"
    stats = daily.stats_rows(city_db, "zh", ZONE)
    assert {"指标": "在办案件", "分项": "", "数值": 3} in stats
    hours = [r for r in stats if r["指标"] == "近 24 小时立案"]
    assert len(hours) == 24 and sum(r["数值"] for r in hours) == 3
    name, pdf = daily.daily_pdf(city_db, "zh", ZONE, tmp_path, "test-secret", datetime(2026, 11, 25, 17, 0))
    assert name == "daily_operations_2026-11-26.pdf"  # 01:00 on the 26th in Beijing
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert anchor.load(tmp_path, "test-secret")[-1].rows > 0  # the report anchored the audit chain


def test_venue_load_is_generated_on_real_venues(city_db):
    venues = operations.venue_load(city_db, datetime(2026, 11, 24, 0, 30))  # 08:30 in Beijing
    kinds = {v["kind"] for v in venues}
    assert kinds == {"metro_station", "park", "hospital"} and all(v["generated"] for v in venues)
    metro = [v for v in venues if v["kind"] == "metro_station"]
    assert sum(v["load"] for v in metro) / len(metro) > 0.6  # morning peak
    night = operations.venue_load(city_db, datetime(2026, 11, 24, 19, 0))  # 03:00 in Beijing
    assert max(v["load"] for v in night if v["kind"] == "metro_station") < 0.2


def test_cases_as_excel(city_db):
    ingestion.ingest_mqtt(city_db, EVENTS)
    assert daily.cases_xlsx(city_db, "zh", ZONE)[:2] == b"PK"


def test_every_export_is_audited_by_the_service_whoever_asks(city_db, tmp_path):
    """The page's buttons and any other caller go through `daily.export`, which writes the audit row."""
    ingestion.ingest_mqtt(city_db, EVENTS)
    made = {kind: daily.export(city_db, DUTY, kind, "zh", ZONE, tmp_path, "test-secret") for kind in daily.EXPORTS}
    assert made["cases_csv"][0] == "cases.csv" and made["cases_xlsx"][1][:2] == b"PK"
    assert made["daily_pdf"][1].startswith(b"%PDF")
    exported = [r for r in audit.rows(city_db, action="ops.export") if r["actor"] == DUTY.name]
    assert sorted(r["object"] for r in exported) == sorted(daily.EXPORTS)
    with pytest.raises(ValueError):
        daily.export(city_db, DUTY, "everything", "zh", ZONE, tmp_path, "test-secret")
