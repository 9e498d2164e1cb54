"""Construction projects without Dash: the register loaded once at every stage, the portfolio ranked by delay,
a schedule's forecast against its baseline with the slips of critical tasks, MS Project XML out and back in
(the same network and critical path), broken files refused whole, roles checked, and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fixtures.db import TEST_ACTOR

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.construction import projects, schedules
from cockpit.services.support import users
from cockpit.vocab import PROJECT_STAGES
from data_access import projects as store
from data_access.db import transaction
from sample_data.scenarios import projects as scenarios_projects

ANALYST = Actor("analyst", "analyst")


def test_projects_load_once_at_every_stage_and_rank_by_delay(city_db):
    assert scenarios_projects.load(city_db, TEST_ACTOR, 42) == 0  # conftest loaded them already
    found = projects.portfolio(city_db)
    rows = found["projects"]
    assert len(rows) == 13 and set(found["by_stage"]) == set(PROJECT_STAGES)
    assert all(n >= 1 for n in found["by_stage"].values())
    assert [r["delay_days"] for r in rows] == sorted((r["delay_days"] for r in rows), reverse=True)
    assert all(r["generated"] for r in rows)
    before = [r for r in rows if PROJECT_STAGES.index(r["stage"]) < PROJECT_STAGES.index("construction")]
    assert all(r["done"] == 0 and r["spent_wan"] == 0 for r in before)  # no work before ground is broken
    assert any(r["slips"] for r in rows if r["stage"] == "construction")


def test_a_forecast_held_by_what_happened_slips_against_the_baseline():
    rows = schedules.template(10)
    planned = schedules.baseline(rows)
    start = date(2026, 1, 1)
    for row in rows:
        row["baseline_start"], row["baseline_finish"] = planned[row["code"]]
        row |= {"actual_start": None, "actual_finish": None, "percent": 0.0}
    on_time = schedules.forecast(rows, start, start)
    assert on_time.finish == on_time.baseline_finish and on_time.slips == []
    prep = next(r for r in rows if r["code"] == "prep")
    prep |= {"actual_start": start, "actual_finish": start + timedelta(days=30), "percent": 1.0}  # 10 days late
    late = schedules.forecast(rows, start, start + timedelta(days=30))
    assert late.finish == on_time.finish + 10
    assert {s["code"] for s in late.slips} >= {"survey", "accept"} and all(s["days"] == 10 for s in late.slips)
    assert late.critical[0] == "prep" and late.critical[-1] == "accept"


def test_ms_project_xml_goes_out_and_back_with_the_same_network(city_db):
    pid = projects.portfolio(city_db)["projects"][0]["id"]
    before = projects.schedule_view(city_db, pid)
    body = projects.export_schedule(city_db, TEST_ACTOR, pid)
    assert body.startswith(b"<?xml") and b"http://schemas.microsoft.com/project" in body
    assert projects.import_schedule(city_db, ANALYST, pid, body) == len(before["tasks"])
    after = projects.schedule_view(city_db, pid)
    assert after["critical_path"] == before["critical_path"]
    assert [(t["code"], t["duration_days"], t["links"]) for t in after["tasks"]] == [
        (t["code"], t["duration_days"], t["links"]) for t in before["tasks"]
    ]
    assert after["baseline_finish"] == before["baseline_finish"] and after["finish"] == before["finish"]


LOOP = (
    b'<Project xmlns="http://schemas.microsoft.com/project"><Tasks>'
    b"<Task><UID>1</UID><Name>a</Name><Duration>PT8H0M0S</Duration>"
    b"<PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type></PredecessorLink></Task>"
    b"<Task><UID>2</UID><Name>b</Name><Duration>PT8H0M0S</Duration>"
    b"<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>"
    b"</Tasks></Project>"
)
TWO = (
    b'<Project xmlns="http://schemas.microsoft.com/project"><Tasks>'
    b"<Task><UID>1</UID><Name>a</Name><Duration>PT8H0M0S</Duration></Task>"
    b"<Task><UID>2</UID><Name>b</Name><Duration>PT8H0M0S</Duration>"
    b"<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>"
    b"</Tasks></Project>"
)
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b"<Project><Name>&lol2;</Name></Project>"
)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (b"not xml at all", "schedule.bad_file"),
        (b"<Tasks/>", "schedule.bad_file"),
        (b'<Project xmlns="http://schemas.microsoft.com/project"><Tasks/></Project>', "schedule.bad_file"),
        (LOOP, "schedule.loop"),
        (BOMB, "schedule.bad_file"),
        (LOOP.replace(b"PT8H0M0S", b"eight hours", 1), "schedule.bad_file"),
        # N3 and N10 (d): numbers that are no numbers, not finite or beyond any schedule
        *(
            (TWO.replace(b"<Type>1</Type>", b"<Type>1</Type><LinkLag>" + lag + b"</LinkLag>"), "schedule.bad_file")
            for lag in (b"NaN", b"inf", b"-inf", b"1e300", b"abc")
        ),
        (TWO.replace(b"PT8H0M0S", b"PT99999999999999999999H0M0S", 1), "schedule.bad_file"),
        (TWO.replace(b"<Name>a</Name>", b"<Name>a</Name><PercentComplete>x</PercentComplete>"), "schedule.bad_file"),
        (TWO.replace(b"<Name>a</Name>", b"<Name>a</Name><PercentComplete>NaN</PercentComplete>"), "schedule.bad_file"),
    ],
)
def test_a_broken_file_is_refused_and_the_schedule_kept(city_db, body, key):
    pid = projects.portfolio(city_db)["projects"][0]["id"]
    before = projects.schedule_view(city_db, pid)
    with pytest.raises(Refused) as refused:
        projects.import_schedule(city_db, ANALYST, pid, body)
    assert refused.value.key == key
    assert projects.schedule_view(city_db, pid)["tasks"] == before["tasks"]


def test_a_two_task_file_with_a_lag_is_imported(city_db):
    """The broken files above are refused for their numbers alone: the same file with a sound lag goes in."""
    pid = projects.portfolio(city_db)["projects"][0]["id"]
    sound = TWO.replace(b"<Type>1</Type>", b"<Type>1</Type><LinkLag>4800</LinkLag>")
    assert projects.import_schedule(city_db, ANALYST, pid, sound) == 2
    assert projects.schedule_view(city_db, pid)["tasks"][1]["links"][0]["lag"] == 1.0


def test_only_editors_import_or_freeze_and_a_frozen_baseline_has_no_slips(city_db):
    late = next(r for r in projects.portfolio(city_db)["projects"] if r["slips"])
    with pytest.raises(Refused) as refused:
        projects.freeze_baseline(city_db, Actor("leader", "leader"), late["id"])
    assert refused.value.http == 403
    projects.freeze_baseline(city_db, ANALYST, late["id"])
    assert projects.schedule_view(city_db, late["id"])["slips"] == []
    with transaction(city_db) as session:
        assert store.project(session, late["id"])["baseline_at"] is not None


def test_the_api_lists_projects_and_gives_a_schedule_with_its_critical_path(app_client, city_url):
    def bearer(role: str) -> dict:
        return {"Authorization": f"Bearer {users.create_token(city_url, TEST_ACTOR, f'project-{role}', role)}"}

    leader = bearer("leader")
    listed = app_client.get("/api/v1/projects", headers=leader).get_json()["projects"]
    assert listed and {"code", "stage", "delay_days", "slips"} <= set(listed[0])
    schedule = app_client.get(f"/api/v1/projects/{listed[0]['id']}/schedule", headers=leader).get_json()
    assert schedule["critical_path"] and {t["code"] for t in schedule["tasks"]} >= set(schedule["critical_path"])
    assert app_client.get("/api/v1/projects/99999/schedule", headers=leader).status_code == 404
    sun = app_client.get(f"/api/v1/projects/{listed[0]['id']}/sunlight?day=dongzhi", headers=leader).get_json()
    assert sun["needed_h"] == 1.0 and sun["day"] == "dongzhi"
    assert app_client.get(f"/api/v1/projects/{listed[0]['id']}/sunlight?day=x", headers=leader).status_code == 400
    field = bearer("field_worker")
    assert app_client.get("/api/v1/projects", headers=field).status_code == 403
    watched = next(p for p in listed if p["stage"] == "construction")
    monitoring = app_client.get(f"/api/v1/projects/{watched['id']}/monitoring", headers=leader).get_json()
    assert monitoring["sensors"] and {"code", "latest", "rate", "control", "band", "days_ahead"} <= set(
        monitoring["sensors"][0]
    )
    assert app_client.get("/api/v1/projects/99999/monitoring", headers=leader).status_code == 404
    assert app_client.get(f"/api/v1/projects/{watched['id']}/monitoring", headers=field).status_code == 403


def test_the_building_under_construction_carries_its_project_on_its_cim_object(city_url):
    from cockpit.services.cim import building_object
    from data_access import cim

    with transaction(city_url) as session:
        rows = cim.base_rows(session, "building")
    site = next(r for r in rows if r["kind"] == "construction")
    found = building_object.building(city_url, site["id"]).projects
    assert found and found[0]["metres"] == 0 and found[0]["code"].startswith("XM-OSM-")
    # a project in construction or later carries its structural sensors and their gravest band
    assert found[0]["band"] in ("normal", "warning", "alarm", "control")
    assert (found[0]["sensors"] > 0) == (found[0]["stage"] in ("construction", "acceptance", "operation"))
