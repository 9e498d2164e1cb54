"""Multi-plan integration against a real database: the generated plans loaded once, conflict patches detected
and kept across detections (a corrected plan settles its patches), audited, and shared by the API."""

from __future__ import annotations

from conftest import TEST_ACTOR
from sqlalchemy import text

from cockpit.services import audit, plan_overlay, planning, users
from data_access.db import write_transaction


def test_plans_load_once_and_patches_keep_their_identity_across_detections(city_db):
    assert planning.load_sample(city_db, TEST_ACTOR, 7) == 0  # the template has them already
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
