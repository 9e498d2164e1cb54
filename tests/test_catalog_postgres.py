"""The big-data platform on a real PostgreSQL: imports by COPY from the real files, whole or not at all,
records by cursor and bbox, the cockpit's tables as datasets, conflict detection and its tickets."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.db import TEST_ACTOR
from fixtures.helpers import every_page, fail_second_write

from cockpit.actor import Actor
from cockpit.services.data import catalog, catalog_measure, conflicts
from cockpit.services.data.importing.pipeline import Request, run
from cockpit.services.data.importing.sources import Declared
from data_access import catalog as storage
from data_access.db import transaction
from data_access.schema import upgrade
from sample_data import catalog as sample_catalog
from sample_data.load import load_sample_city
from sample_data.scenarios import planning as scenarios_planning
from sample_data.scenarios import projects as scenarios_projects
from sample_data.scenarios import structural as scenarios_structural

FORMATS = Path(__file__).resolve().parent.parent / "sample_data" / "formats"
ANALYST = Actor("pg-analyst", "analyst")


@pytest.fixture(scope="module")
def pg_city(postgres_url: str) -> str:
    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    catalog_measure.register_tables(postgres_url, TEST_ACTOR)
    return postgres_url


def _id(url: str, name: str) -> int:
    with transaction(url) as session:
        return storage.dataset_by_name(session, name)["id"]


def test_real_files_import_by_copy_and_page_by_cursor(pg_city, tmp_path):
    osm = run(pg_city, Request(FORMATS / "osm" / "haidian_cau2026.osm.gz", "pg_osm_cau", "规自委"), TEST_ACTOR)
    assert osm.rows > 1000 and osm.quarantined == 0
    city = run(
        pg_city,
        Request(FORMATS / "rotterdam_subset.city.json", "pg_rotterdam", "规划院", declared=Declared(crs="EPSG:7415")),
        TEST_ACTOR,
    )
    assert city.rows == 16
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("编号,名称,经度,纬度\n1,学院路,116.35,39.99\n2,坏行\n".encode("gbk"))
    report = run(pg_city, Request(gbk, "pg_gbk", "城管委", record={"sharing": "unconditional"}), TEST_ACTOR)
    assert report.rows == 1 and report.quarantined == 1 and report.encoding == "gb18030"
    dataset = _id(pg_city, "pg_osm_cau")
    seen = every_page(pg_city, ANALYST, dataset, 400)
    assert len(seen) == len(set(seen)) == osm.rows
    boxed = catalog.records(pg_city, ANALYST, dataset, limit=5000, bbox=(116.34, 40.0, 116.37, 40.03))
    assert 0 < len(boxed.records) < osm.rows


def test_a_failed_import_leaves_nothing_on_postgres(pg_city, tmp_path, monkeypatch):
    path = tmp_path / "many.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(45_000)), encoding="utf-8")
    fail_second_write(monkeypatch)
    with pytest.raises(OSError):
        run(pg_city, Request(path, "pg_failing", "d"), TEST_ACTOR)
    with transaction(pg_city) as session:
        record = storage.dataset_by_name(session, "pg_failing")
        (version,) = storage.versions(session, record["id"])
        assert version["status"] == "failed" and record["current_version_id"] is None
        assert storage.records(session, version["id"], 0, 10, None) == []


def test_tables_with_composite_keys_page_and_conflicts_are_found(pg_city):
    air = _id(pg_city, "air_quality")
    first = catalog.records(pg_city, ANALYST, air, limit=3)
    second = catalog.records(pg_city, ANALYST, air, cursor=first.next_cursor, limit=3)
    assert {r["_id"] for r in first.records}.isdisjoint(r["_id"] for r in second.records)
    found = sample_catalog.load(pg_city, TEST_ACTOR, 7)
    assert found > 50
    row = conflicts.listing(pg_city, status="open", limit=1)[0]
    done = conflicts.transition(pg_city, ANALYST, row["id"], "resolve")
    assert done["status"] == "resolved" and done["winner"] == row["proposed"]


def test_plan_conflicts_are_detected_and_kept_on_postgres(pg_city, city_db):
    from cockpit.services.planning import planning

    scenarios_planning.load(pg_city, TEST_ACTOR, 7)
    planning.detect(pg_city, TEST_ACTOR)
    again = planning.detect(pg_city, TEST_ACTOR)
    on_postgres = planning.listing(pg_city, status="open")
    assert again.new == 0 and again.again == len(on_postgres) > 0
    embedded = planning.listing(city_db, status="open")  # the same plans and buildings give the same patches
    assert sorted((c["rule"], c["zones"], c["area_m2"]) for c in on_postgres) == sorted(
        (c["rule"], c["zones"], c["area_m2"]) for c in embedded
    )


def test_projects_schedules_and_pre_screening_run_on_postgres(pg_city, city_db):
    """The register, its forecasts and a pre-screening with its answers on PostgreSQL, as on the embedded engine
    (the same seed gives the same projects; the dates are today's on both)."""
    from cockpit.actor import Actor
    from cockpit.services.construction import projects
    from cockpit.services.planning import screening

    scenarios_planning.load(pg_city, TEST_ACTOR, 7)  # once: the plan test may have loaded them already
    assert scenarios_projects.load(pg_city, TEST_ACTOR, 7) == 13
    on_postgres = projects.portfolio(pg_city)["projects"]
    embedded = projects.portfolio(city_db)["projects"]
    # the embedded city was loaded at the session's start: across midnight its dates are a day older
    here = {p["code"]: (p["stage"], p["delay_days"]) for p in on_postgres}
    there = {p["code"]: (p["stage"], p["delay_days"]) for p in embedded}
    assert here.keys() == there.keys() and len(here) == 13
    assert all(here[c][0] == there[c][0] and abs(here[c][1] - there[c][1]) <= 1 for c in here)
    body = projects.export_schedule(pg_city, TEST_ACTOR, on_postgres[0]["id"])
    assert projects.import_schedule(pg_city, Actor("analyst", "analyst"), on_postgres[0]["id"], body) == 16
    site = projects.detail(pg_city, on_postgres[0]["id"])["site"]
    found = screening.screen(
        pg_city, Actor("analyst", "analyst"), {"site": site, "use": "office", "floor_area_m2": 5000, "name": "PG"}
    )
    for asked in found["requests"]:
        found = screening.answer(pg_city, Actor("analyst", "analyst"), found["id"], asked["id"], "agree", "")
    assert found["status"] == "concluded" and found["conclusion"] == "agree"


def test_structural_sensors_their_history_and_design_values_run_on_postgres(pg_city, structural_db):
    """The sensors' daily history through ingestion and the rule engine, the forecast and a design override on
    PostgreSQL, as on the embedded engine."""
    from cockpit.actor import Actor
    from cockpit.services.construction import projects, structural
    from cockpit.services.iot import rulebook

    scenarios_planning.load(pg_city, TEST_ACTOR, 7)
    scenarios_projects.load(pg_city, TEST_ACTOR, 7)
    rulebook.ensure_defaults(pg_city, TEST_ACTOR)
    assert scenarios_structural.load(pg_city, TEST_ACTOR) == 48
    assert scenarios_structural.load(pg_city, TEST_ACTOR) == 0  # once

    def bands(url: str) -> dict[str, str]:
        return {p["code"]: p["band"] for p in projects.portfolio(url)["projects"]}

    assert bands(pg_city) == bands(structural_db)
    heavy = next(p for p in projects.portfolio(pg_city)["projects"] if p["band"] == "warning")
    view = structural.project_view(pg_city, heavy["id"])
    assert all(s["forecast"]["days_ahead"] for s in view["sensors"] if s["type"] == "settlement")
    assert structural.set_design(pg_city, Actor("analyst", "analyst"), heavy["id"], "settlement", 25.0, 1.5) == 4
    again = structural.project_view(pg_city, heavy["id"])
    assert {s["band"] for s in again["sensors"] if s["type"] == "settlement"} == {"alarm"}
