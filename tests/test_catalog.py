"""The catalog service: the cockpit's tables registered and measured, search in Chinese and English ranked
with quality, the overdue flag, sharing enforced on records with the usage register, cursor pages that
cover a dataset exactly once, bbox and field choice, lineage from file to consumer."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fixtures.db import TEST_ACTOR
from fixtures.helpers import every_page

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.data import catalog, catalog_measure, dataset_meta
from cockpit.services.data.catalog_tables import TABLES
from cockpit.services.data.importing.pipeline import Request, run
from data_access import catalog as storage
from data_access.db import transaction

HOSPITALS = Path(__file__).resolve().parent.parent / "sample_data" / "city" / "hospitals_reference.geojson"
ANALYST, LEADER = Actor("ana", "analyst"), Actor("lea", "leader")


def _id(url: str, name: str) -> int:
    with transaction(url) as session:
        return storage.dataset_by_name(session, name)["id"]


def test_every_table_the_cockpit_keeps_is_a_dataset_with_a_measured_quality(city_db):
    cards = {c.name: c for c in catalog.search(city_db, "", limit=100)}
    assert {t.name for t in TABLES} <= set(cards)
    assert cards["hospitals"].rows == 44 and cards["shelters"].rows == 1181
    assert cards["cases"].sharing == "conditional" and cards["devices"].generated
    assert all(cards[t.name].quality is not None for t in TABLES)
    assert catalog_measure.register_tables(city_db, TEST_ACTOR) == 0  # once each


def test_search_finds_chinese_english_and_field_names_ranked_with_quality(city_db):
    assert catalog.search(city_db, "医院")[0].name == "hospitals"
    assert catalog.search(city_db, "hospital")[0].name == "hospitals"
    assert "air_quality" in [c.name for c in catalog.search(city_db, "pm2.5")]
    assert "devices" in [c.name for c in catalog.search(city_db, "owner_department")]  # a field name
    assert catalog.search(city_db, "没有这样的数据集") == []
    ranked = catalog.search(city_db, "")
    assert [c.rank for c in ranked] == sorted((c.rank for c in ranked), reverse=True)


def test_overdue_and_timeliness_follow_the_declared_frequency():
    now = datetime(2026, 11, 26)
    assert dataset_meta.overdue_days("daily", now - timedelta(hours=20), now) == 0
    assert dataset_meta.overdue_days("monthly", now - timedelta(days=41), now) == pytest.approx(10)
    assert dataset_meta.timeliness("monthly", now - timedelta(days=41), now) == pytest.approx(1 - 10 / 31)
    assert dataset_meta.timeliness("irregular", None, now) == 1.0
    assert dataset_meta.score({"completeness": 1.0, "validity": 0.5, "consistency": None}) == 0.75


def test_records_are_shared_by_attribute_and_every_read_is_registered(city_db):
    cases, hospitals = _id(city_db, "cases"), _id(city_db, "hospitals")
    with pytest.raises(Refused) as refused:
        catalog.records(city_db, LEADER, cases)
    assert refused.value.http == 403 and refused.value.key == "catalog.not_shared"
    page = catalog.records(city_db, LEADER, hospitals, limit=5, purpose="病床调度")
    assert len(page.records) == 5 and "name" in page.fields
    catalog.records(city_db, ANALYST, cases, limit=5)
    with transaction(city_db) as session:
        (used,) = storage.usage(session, hospitals)
    assert used["actor"] == "lea" and used["purpose"] == "病床调度" and used["records"] == 5


def test_cursor_pages_cover_a_dataset_exactly_once_and_bbox_and_fields_narrow_it(city_db):
    shelters = _id(city_db, "shelters")
    seen = every_page(city_db, ANALYST, shelters, 300)
    assert len(seen) == len(set(seen)) == 1181
    box = (116.25, 39.95, 116.35, 40.05)
    inside = catalog.records(city_db, ANALYST, shelters, limit=5000, bbox=box, wanted=["lon", "lat"])
    assert 0 < len(inside.records) < 1181 and inside.fields == ["lon", "lat"]
    assert all(box[0] <= r["lon"] <= box[2] and box[1] <= r["lat"] <= box[3] for r in inside.records)
    with pytest.raises(Refused) as refused:
        catalog.records(city_db, ANALYST, shelters, wanted=["no_such_field"])
    assert refused.value.key == "catalog.unknown_field"


def test_withheld_columns_never_leave_through_the_catalog(city_db):
    incidents = _id(city_db, "incidents")
    found = catalog.detail(city_db, incidents)
    assert "reporter" not in [f["name"] for f in found.fields]
    with pytest.raises(Refused):
        catalog.records(city_db, ANALYST, incidents, wanted=["reporter"])


def test_an_import_is_a_dataset_with_versions_quality_and_lineage_to_its_readers(city_db):
    run(city_db, Request(HOSPITALS, "hospital_list", "市卫生健康委", title="医院参考名录"), TEST_ACTOR)
    report = run(city_db, Request(HOSPITALS, "hospital_list", "市卫生健康委"), TEST_ACTOR)
    dataset = _id(city_db, "hospital_list")
    catalog.records(city_db, ANALYST, dataset, limit=10)
    found = catalog.detail(city_db, dataset)
    assert [v["number"] for v in found.versions] == [2, 1] and found.record["current_version_id"] == report.version_id
    assert len(found.quality) == 2 and found.quality[-1]["score"] == 1.0
    assert found.extent[0] == pytest.approx(115.9456, abs=1e-3)
    kinds = {n["kind"] for n in found.lineage["nodes"]}
    assert kinds == {"source", "import", "transform", "dataset", "share"}
    ids = {n["id"] for n in found.lineage["nodes"]}
    assert all(a in ids and b in ids for a, b in found.lineage["edges"])
    assert catalog.search(city_db, "参考名录")[0].name == "hospital_list"
    page = catalog.records(city_db, ANALYST, dataset, limit=1)
    assert page.records[0]["_geometry"]["type"] == "Point"
