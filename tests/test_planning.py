"""Multi-plan integration against a real database: the generated plans loaded once, conflict patches detected
and kept across detections (a corrected plan settles its patches), audited, and shared by the API."""

from __future__ import annotations

import pytest
import shapely
from fixtures.db import TEST_ACTOR
from sqlalchemy import text

from cockpit.services.planning import plan_overlay, planning
from cockpit.services.support import audit, users
from data_access.db import write_transaction
from sample_data.scenarios import planning as scenarios_planning


def test_plans_load_once_and_patches_keep_their_identity_across_detections(city_db):
    assert scenarios_planning.load(city_db, TEST_ACTOR, 7) == 0  # the template has them already
    first = planning.listing(city_db, status="open")
    assert {c["rule"] for c in first} == {r.key for r in plan_overlay.RULES}
    assert all(c["area_m2"] >= plan_overlay.MIN_AREA_M2 and c["geometry"]["type"] == "Polygon" for c in first)
    again = planning.detect(city_db, TEST_ACTOR)
    assert (again.new, again.again, again.settled) == (0, len(first), 0)

    protected = next(c for c in first if c["rule"] == "construction_on_protected")
    with write_transaction(city_db) as session:  # the land-use plan is corrected: the zone becomes construction land
        session.execute(text("UPDATE plan_zone SET use = 'construction' WHERE code = :c"), {"c": protected["zones"][1]})
    corrected = planning.detect(city_db, TEST_ACTOR)
    assert corrected.new == 0 and corrected.settled >= 1
    settled = {c["id"] for c in planning.listing(city_db, status="settled")}
    assert protected["id"] in settled
    assert [r["action"] for r in audit.rows(city_db)][:2] == ["planning.detect", "planning.detect"]


def test_the_api_lists_patches_by_status_and_type(app_client, city_url):
    def bearer(role: str) -> dict:
        return {"Authorization": f"Bearer {users.create_token(city_url, TEST_ACTOR, f'plan-{role}', role)}"}

    analyst = bearer("analyst")
    answer = app_client.get("/api/v1/planning/conflicts?status=open&type=road_through_building", headers=analyst)
    assert answer.status_code == 200
    found = answer.get_json()["conflicts"]
    assert found and {c["rule"] for c in found} == {"road_through_building"}
    assert set(found[0]) >= {"id", "rule", "plans", "area_m2", "department", "status", "geometry"}
    assert found[0]["plans"] == ["transport", "building"] and found[0]["department"] == "市交通委"
    assert app_client.get("/api/v1/planning/conflicts?status=maybe", headers=analyst).status_code == 400
    assert app_client.get("/api/v1/planning/conflicts?type=<script>", headers=analyst).status_code == 400
    assert app_client.get("/api/v1/planning/conflicts", headers=bearer("field_worker")).status_code == 403


def test_a_patch_is_assigned_opined_on_and_decided_into_a_new_plan_revision(city_db):
    from cockpit.actor import Actor
    from cockpit.refusal import Refused
    from cockpit.services.planning import plan_workflow
    from data_access import planning as store
    from data_access.db import transaction

    coordinator, leader = Actor("planner", "analyst"), Actor("mayor", "leader")
    patch = next(c for c in planning.listing(city_db, status="open") if c["rule"] == "construction_on_protected")
    with pytest.raises(Refused) as refused:
        plan_workflow.transition(city_db, leader, patch["id"], "assign", department="市规划自然资源委")
    assert refused.value.http == 403
    assigned = plan_workflow.transition(city_db, coordinator, patch["id"], "assign", department="市规划自然资源委")
    assert assigned["status"] == "assigned" and assigned["deadline"]
    plan_workflow.transition(
        city_db, coordinator, patch["id"], "opine", department="市农业农村局", opinion="该地块为基本农田，建议控规调整"
    )
    with pytest.raises(Refused) as refused:
        plan_workflow.transition(city_db, coordinator, patch["id"], "decide", yielding="left", reason="x")
    assert refused.value.http == 403
    with pytest.raises(Refused, match="needs a reason"):
        plan_workflow.transition(city_db, leader, patch["id"], "decide", yielding="left")

    with transaction(city_db) as session:
        before = shapely.from_geojson(store.zone(session, "regulatory", patch["zones"][0])["geometry"])
    decided = plan_workflow.transition(
        city_db, leader, patch["id"], "decide", yielding="left", reason="基本农田优先，控规让出该图斑"
    )
    assert decided["yielding"] == "regulatory" and decided["revision"] == 1
    with transaction(city_db) as session:
        after = shapely.from_geojson(store.zone(session, "regulatory", patch["zones"][0])["geometry"])
        revision = store.revisions(session, "regulatory")
        opinions = store.opinions(session, patch["id"])
    assert before.area > after.area and revision[0]["zone_code"] == patch["zones"][0]
    assert opinions[0]["department"] == "市农业农村局"
    settled = {c["id"]: c for c in planning.listing(city_db, status="settled")}
    assert patch["id"] in settled  # the detection after the decision no longer finds it
    actions = [r["action"] for r in audit.rows(city_db)]
    assert {"planning.assign", "planning.opine", "planning.decide"} <= set(actions)
    with pytest.raises(Refused) as refused:
        plan_workflow.transition(city_db, coordinator, patch["id"], "assign", department="x")
    assert refused.value.http == 409

    road = next(c for c in planning.listing(city_db, status="open") if c["rule"] == "road_through_building")
    plan_workflow.transition(city_db, coordinator, road["id"], "assign", department="市交通委")
    with pytest.raises(Refused, match="cannot yield"):
        plan_workflow.transition(city_db, leader, road["id"], "decide", yielding="right", reason="拆除")


def test_the_api_takes_a_patch_through_its_steps(app_client, city_url):
    def bearer(role: str) -> dict:
        return {"Authorization": f"Bearer {users.create_token(city_url, TEST_ACTOR, f'flow-{role}', role)}"}

    patch = next(c for c in planning.listing(city_url, status="open") if c["rule"] == "project_in_red_line")
    path = f"/api/v1/planning/conflicts/{patch['id']}/transition"
    analyst, leader = bearer("analyst"), bearer("leader")
    body = {"action": "assign", "department": "市生态环境局", "deadline": "2099-01-31"}
    assert app_client.post(path, json=body, headers=leader).status_code == 403
    done = app_client.post(path, json=body, headers=analyst)
    assert done.status_code == 200 and done.get_json()["conflict"]["deadline"] == "2099-01-31"
    assert app_client.post(path, json={"action": "assign", "deadline": "soon"}, headers=analyst).status_code == 400
    assert app_client.post(path, json={"action": "decide", "yielding": 1}, headers=leader).status_code == 400
    decided = app_client.post(
        path, json={"action": "decide", "yielding": "left", "reason": "项目选址避让红线"}, headers=leader
    )
    assert decided.status_code == 200 and decided.get_json()["conflict"]["yielding"] == "development"
    assert (
        app_client.post("/api/v1/planning/conflicts/999999/transition", json=body, headers=analyst).status_code == 404
    )
