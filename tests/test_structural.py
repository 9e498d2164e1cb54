"""Structural health monitoring of the projects: sensors as IoT devices with a daily history, limits in bands
through the ordinary rule engine, design values overriding the defaults on one building's sensors, warnings
filed as cases, the forecast, and the daily report."""

import subprocess
from datetime import datetime, timedelta

import orjson
import pytest
from fixtures.db import TEST_ACTOR
from sqlalchemy import text

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.construction import structural, structural_report, structural_view
from cockpit.services.iot import ingestion, rulebook
from cockpit.services.kernel.clock import stored_now
from data_access.db import transaction
from data_access.ingest import Telemetry
from sample_data.scenarios import structural as scenarios_structural

ANALYST = Actor("analyst", "analyst")


def _projects(url: str) -> dict[str, dict]:
    with transaction(url) as session:
        rows = session.execute(text("select id, code, stage from project")).mappings().all()
    return {r["code"]: dict(r) for r in rows}


def _views(url: str) -> dict[str, dict]:
    return {
        code: structural.project_view(url, p["id"])
        for code, p in _projects(url).items()
        if p["stage"] in ("construction", "acceptance", "operation")
    }


def _heavy(views: dict[str, dict]) -> dict:
    return next(v for v in views.values() if v["band"] != "normal")


def test_sensors_carry_a_daily_history_and_one_building_stands_in_the_warning_band(structural_db):
    views = _views(structural_db)
    assert views and all(v["sensors"] for v in views.values())
    kinds = {s["type"] for v in views.values() for s in v["sensors"]}
    assert kinds == set(structural.TYPES)
    heavy = _heavy(views)
    settling = [s for s in heavy["sensors"] if s["type"] == "settlement"]
    assert all(s["band"] == "warning" for s in settling)
    assert all(21 <= s["latest"] < 25.5 for s in settling)
    assert all(s["count"] >= 120 for s in settling)  # a reading a day since construction began
    # not stable by JGJ 8, and the forecast reaches the 30 mm control value within the next two years
    assert all(s["stability"]["stable"] is False for s in settling)
    assert all(0 < s["forecast"]["days_ahead"][1] < 730 for s in settling)
    # the same engine raised their alarms, severity 3 (预警), and filed structural-warning cases by itself
    assert {a["severity"] for a in heavy["alarms"]} == {3}
    with transaction(structural_db) as session:
        cases = session.execute(
            text("select count(*) from case_file where category = 'structure_warning'")
        ).scalar_one()
    assert cases >= 1
    calm = [v for v in views.values() if v is not heavy]
    assert all(v["band"] == "normal" and not v["alarms"] for v in calm)


def test_design_values_override_the_defaults_on_that_building_only(structural_db):
    views = _views(structural_db)
    heavy = _heavy(views)
    other = next(v for v in views.values() if v is not heavy and v["project"]["stage"] == "construction")
    n = structural.set_design(structural_db, ANALYST, heavy["project"]["id"], "settlement", 25.0, 1.5)
    assert n == 4
    after = structural.project_view(structural_db, heavy["project"]["id"])
    point = next(s for s in after["sensors"] if s["type"] == "settlement")
    assert (point["control"], point["rate_control"], point["design"]) == (25.0, 1.5, True)
    assert point["band"] == "alarm"  # about 22.5 of 25 is 90 %: 报警 from 85 %
    # a new reading of 23 mm: the heavy building's own rules (alarm from 21.25) grade it 报警, severity 2;
    # the other building's point at 23 mm stays under the standard's 30 mm (预警 from 21): severity 3
    heavy_code = point["code"]
    other_code = next(s["code"] for s in other["sensors"] if s["type"] == "settlement")
    at = stored_now().replace(microsecond=0) + timedelta(minutes=1)
    report = ingestion.ingest(
        structural_db,
        [
            Telemetry(heavy_code, 100_000, at, {"settle_mm": 23.0}),
            Telemetry(other_code, 100_000, at, {"settle_mm": 23.0}),
        ],
        "test",
    )
    assert report.stored == 2
    with transaction(structural_db) as session:
        graded = dict(
            session.execute(
                text(
                    "select d.code, a.severity from alarm a join device d on d.id = a.device_id "
                    "where d.code in (:a, :b) and a.alarm_type = 'settle_mm' and a.status in ('new', 'acknowledged')"
                ),
                {"a": heavy_code, "b": other_code},
            ).all()
        )
        audit = session.execute(text("select actor, after from audit_log where action = 'structure.design'")).all()
    assert graded == {heavy_code: 2, other_code: 3}
    assert audit[0][0] == "analyst" and orjson.loads(audit[0][1]) == {"control": 25.0, "rate": 1.5}
    # the IoT page's rule table keeps to the rules of types; the building's own are on its project
    assert all(r["device_code"] is None for r in rulebook.all_rules(structural_db))


@pytest.mark.parametrize(
    ("role", "device_type", "control", "rate", "code"),
    [
        ("duty_officer", "settlement", 25.0, None, "construction.not_allowed"),
        ("analyst", "boiler", 25.0, None, "struct.bad_type"),
        ("analyst", "settlement", 400.0, None, "struct.bad_limit"),
        ("analyst", "inclinometer", 2.0, 0.1, "struct.no_rate"),
        ("analyst", "crack_meter", 2.0, None, "struct.no_sensors"),  # a building in construction has none yet
    ],
)
def test_design_values_refused_with_a_reason(structural_db, role, device_type, control, rate, code):
    heavy = _heavy(_views(structural_db))
    with pytest.raises(Refused) as refused:
        structural.set_design(structural_db, Actor(role, role), heavy["project"]["id"], device_type, control, rate)
    assert refused.value.key == code


def test_a_day_sent_twice_is_stored_once(structural_db):
    day = stored_now().date()
    sent = scenarios_structural.observations(structural_db, day)
    assert sent and all(o.ts == datetime.combine(day, datetime.min.time()) for o in sent)
    ingestion.ingest(structural_db, sent, "test")  # today's upload (in already unless the city was loaded yesterday)
    report = ingestion.ingest(structural_db, sent, "test")
    assert report.stored == 0 and report.duplicates == len(sent)
    messages = scenarios_structural.day_messages(structural_db, day)
    assert len(messages) == len(sent) and messages[0][0].startswith("city/iot/XM-")


def test_the_daily_report_lists_every_point_and_the_forecast(structural_db, tmp_path):
    heavy = _heavy(_views(structural_db))
    body = structural_report.daily_pdf(
        structural_db, TEST_ACTOR, heavy["project"]["id"], "zh", "Asia/Shanghai", tmp_path, stored_now()
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    said = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "结构健康监测日报表" in said
    for sensor in heavy["sensors"]:
        assert sensor["code"].rsplit("-", 1)[-1] in said
    assert "双曲线拟合" in said and "JGJ 8" in said and "预警" in said
    quiet = next(p for p in _projects(structural_db).values() if p["stage"] == "approval")
    with pytest.raises(Refused) as refused:
        structural_report.daily_pdf(
            structural_db, TEST_ACTOR, quiet["id"], "zh", "Asia/Shanghai", tmp_path, stored_now()
        )
    assert refused.value.http == 404


def test_the_chart_carries_bands_fit_and_forecast_range(structural_db):
    heavy = _heavy(_views(structural_db))
    rows = structural_view.rows(heavy)
    code = structural_view.first_to_watch(rows)
    found = structural_view.chart(heavy, code)
    assert [b["band"] for b in found["bands"]] == ["warning", "alarm", "control"]
    assert [b["value"] for b in found["bands"]] == pytest.approx([21.0, 25.5, 30.0])
    assert found["fit"] and found["reach"][0] <= found["reach"][1] <= found["reach"][2]
    assert found["reach"][0] > found["dates"][-1]
