"""数据打架 on the sample city: the two departments' shelter registers disagree where the generator made them
disagree and nowhere else; the hospital list and OpenStreetMap disagree about real hospitals; tickets move
assign → resolve/dismiss with their rules and audit rows, both values stay; a fixed source settles its
conflict on the next run; consistency enters quality."""

from __future__ import annotations

import orjson
import pytest
from fixtures.db import TEST_ACTOR
from fixtures.helpers import audit_actions

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.data import catalog, conflicts
from cockpit.services.data.comparisons import BY_NAME
from cockpit.services.data.conflicts import similarity
from data_access import catalog as storage
from data_access.db import transaction, write_transaction
from data_access.models import DatasetRecord

STEWARD = Actor("steward", "analyst")


def test_the_shelter_registers_disagree_as_generated(city_db):
    rows = conflicts.listing(city_db, limit=5000)
    shelters = [r for r in rows if r["comparison"] == "shelter_registers"]
    by = {(r["kind"], r["attribute"]) for r in shelters}
    assert by == {("value", "名称"), ("value", "容纳人数"), ("value", "place"), ("missing", "existence")}
    for row in shelters:
        if row["attribute"] == "容纳人数":
            a, b = row["left_value"], row["right_value"]
            assert abs(a - b) / max(a, b) > 0.1
        if row["attribute"] == "place":
            assert row["measure"] > 100
        assert row["department"] == "市民政局" and row["proposed"] == "left"  # emergency management's word stands
    assert 60 < len(shelters) < 300  # ~15% of 1,181 copies made to disagree


def test_the_hospital_list_and_openstreetmap_disagree_about_real_hospitals(city_db):
    rows = [r for r in conflicts.listing(city_db, limit=5000) if r["comparison"] == "hospitals_reference_osm"]
    assert rows, "the reference hospitals inside the mapped area should be checked against the map"
    missing = {r["entity"] for r in rows if r["kind"] == "missing"}
    assert missing <= {"北京大学第三医院", "北京海淀医院", "北京积水潭医院", "北京安贞医院", "西苑医院"}


def test_a_ticket_is_assigned_then_resolved_with_both_values_kept(city_db):
    row = conflicts.listing(city_db, status="open", limit=1)[0]
    done = conflicts.transition(city_db, STEWARD, row["id"], "assign", department="市民政局")
    assert done["status"] == "assigned"
    with pytest.raises(Refused) as refused:
        conflicts.transition(city_db, STEWARD, row["id"], "resolve", winner="right")  # overruling needs a reason
    assert refused.value.key == "conflict.needs_reason"
    done = conflicts.transition(city_db, STEWARD, row["id"], "resolve", winner="right", reason="现场核实")
    assert done["status"] == "resolved" and done["winner"] == "right"
    assert orjson.loads(done["left_value"]) == row["left_value"]  # the losing value stays queryable
    with pytest.raises(Refused) as refused:
        conflicts.transition(city_db, STEWARD, row["id"], "dismiss", reason="x")
    assert refused.value.http == 409
    assert {"conflict.assign", "conflict.resolve"} <= set(audit_actions(city_db))


def test_a_source_that_is_corrected_settles_its_conflict_on_the_next_run(city_db):
    capacity = next(r for r in conflicts.listing(city_db, status="open", limit=5000) if r["attribute"] == "容纳人数")
    with write_transaction(city_db) as session:
        record = session.get(DatasetRecord, int(capacity["right_key"]))
        values = orjson.loads(record.data)
        values[3] = capacity["left_value"]  # 容纳人数 is the fourth column of the register
        record.data = orjson.dumps(values).decode()
    done = conflicts.detect(city_db, BY_NAME["shelter_registers"], TEST_ACTOR)
    assert done.settled == 1 and done.new == 0
    settled = conflicts.one(city_db, capacity["id"])
    assert settled["status"] == "resolved" and settled["reason"] == "the sources agree now"


def test_consistency_is_measured_from_open_conflicts(city_db):
    with transaction(city_db) as session:
        civil = storage.dataset_by_name(session, "shelters_civil")
        (latest,) = storage.quality_history(session, civil["id"], limit=1)
    assert 0.8 < latest["consistency"] < 1.0
    assert catalog.detail(city_db, civil["id"]).card.quality == latest["score"]


def test_names_compare_by_similarity_after_punctuation():
    assert similarity("北京大学第三医院", "北京大学 第三医院") == 1.0
    assert similarity("校医院（北京邮电大学社区卫生服务中心）", "北京邮电大学校医院") > 0.4
    assert similarity("西城区公园应急避难场所0007号", "西城区学校操场避难点") < 0.8
