"""Emergency command as plain services on a real database: ranking by ETA, run cards, the dispatch state
machine, conflicts that name the holder, and the database's own guard against double dispatch."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from cockpit.actor import Actor
from cockpit.services.emergency import emergency
from cockpit.services.emergency.emergency import DispatchConflict, DispatchError
from cockpit.services.kernel import routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import emergency as store
from data_access.db import transaction, write_transaction

DUTY = Actor("duty", "duty_officer")
OTHER = Actor("wang", "duty_officer")
ZGC = (116.3205, 40.0005)  # inside the OSM detail zone


def incident(url, kind="accident", level=3, where=ZGC):
    return emergency.report_incident(url, DUTY, kind, level, *where, "测试事件")["id"]


def unit_status(url, resource_id):
    with transaction(url) as session:
        return next(r for r in store.resources(session) if r["id"] == resource_id)["status"]


def test_units_are_ranked_by_eta_with_the_method_named(city_db):
    ranked = emergency.recommend(city_db, incident(city_db), limit=500)
    assert [r.eta_s for r in ranked] == sorted(r.eta_s for r in ranked)
    assert {r.method for r in ranked} == {"network", "straight"}
    nearest = ranked[0]
    assert nearest.method == "network" and nearest.eta_s < 600


def test_straight_line_eta_uses_the_stated_detour_and_speed():
    eta = routing.straight(116.30, 40.00, 116.40, 40.00)
    metres = routing.metres(116.30, 40.00, 116.40, 40.00)
    assert eta.method == "straight"
    assert eta.seconds == pytest.approx(metres * 1.4 / (40 / 3.6))


def test_network_eta_follows_roads_and_is_slower_than_the_crow(city_db):
    a, b = (116.3125, 39.9960), (116.3290, 40.0090)
    eta = routing.etas_to(city_db, *b, [a])[0]
    assert eta.method == "network"
    assert eta.seconds > routing.metres(*a, *b) / (60 / 3.6)
    assert len(routing.route(city_db, a, b, "network")) > 3


def test_run_card_picks_the_nearest_units_of_each_kind(city_db):
    plan = emergency.plan_for(city_db, incident(city_db, "accident", 3))
    kinds = [r.kind for r in plan["chosen"]]
    assert sorted(kinds) == sorted(["police_car"] * 2 + ["ambulance"] * 2 + ["fire_engine"])
    assert plan["missing"] == {} and plan["target_minutes"] == 12
    ranked = emergency.recommend(city_db, incident(city_db), ("ambulance",), limit=2)
    assert {r.resource_id for r in ranked} == {r.resource_id for r in plan["chosen"] if r.kind == "ambulance"}


def test_run_card_says_what_is_missing(city_db):
    first = incident(city_db, "natural_disaster", 1)
    plan = emergency.plan_for(city_db, first)
    assert plan["missing"] == {}
    with write_transaction(city_db) as session:
        for r in store.resources(session, ("rescue_team",)):
            store.set_resource(session, r["id"], {"status": "out_of_service"})
    assert emergency.plan_for(city_db, first)["missing"] == {"rescue_team": 5}


def test_dispatch_then_conflict_names_the_holder(city_db):
    first, second = incident(city_db), incident(city_db)
    ids = [r.resource_id for r in emergency.recommend(city_db, first, limit=2)]
    emergency.dispatch(city_db, DUTY, first, ids)
    assert {unit_status(city_db, i) for i in ids} == {"dispatched"}
    with pytest.raises(DispatchConflict) as caught:
        emergency.dispatch(city_db, OTHER, second, ids)
    assert caught.value.by == "duty" and caught.value.incident.startswith("INC-")
    assert "already dispatched to" in str(caught.value)
    assert len(audit.rows(city_db, action="dispatch")) == 2


def test_a_click_replayed_dispatches_once_and_a_held_unit_answers_409(city_db):
    """The page's dispatch button: one idempotency key per click, so a double click sends the units once."""
    first, second = incident(city_db), incident(city_db)
    ids = [r.resource_id for r in emergency.recommend(city_db, first, limit=2)]
    once = emergency.dispatch_once(city_db, DUTY, first, ids, False, "ui:n1:click1", "zh")
    again = emergency.dispatch_once(city_db, DUTY, first, ids, False, "ui:n1:click1", "zh")
    assert once == again == ({"dispatched": 2}, 200)
    assert len(audit.rows(city_db, action="dispatch")) == len(ids)  # a row per unit, once: the replay wrote none
    held, status = emergency.dispatch_once(city_db, OTHER, second, ids, False, "ui:n2:click1", "en")
    assert status == 409 and "already dispatched to" in held["error"]
    nothing, status = emergency.dispatch_once(city_db, OTHER, second, [], False, "ui:n2:click2", "en")
    assert status == 409 and nothing["error"]


def test_all_or_nothing(city_db):
    first, second = incident(city_db), incident(city_db)
    ranked = [r.resource_id for r in emergency.recommend(city_db, first, limit=3)]
    emergency.dispatch(city_db, DUTY, first, ranked[:1])
    with pytest.raises(DispatchConflict):
        emergency.dispatch(city_db, DUTY, second, ranked)
    assert unit_status(city_db, ranked[1]) == "available"


def test_database_refuses_a_second_active_dispatch(city_db):
    first, second = incident(city_db), incident(city_db)
    unit = emergency.recommend(city_db, first, limit=1)[0].resource_id
    emergency.dispatch(city_db, DUTY, first, [unit])
    with pytest.raises(IntegrityError), write_transaction(city_db) as session:
        store.add_dispatch(
            session,
            {
                "incident_id": second,
                "resource_id": unit,
                "status": "active",
                "stage": "dispatched",
                "eta_s": 1,
                "method": "straight",
                "route": "[]",
                "dispatched_by": "x",
                "dispatched_at": stored_now(),
            },
        )


def test_units_move_through_their_stages(city_db):
    case = incident(city_db)
    unit = emergency.recommend(city_db, case, limit=1)[0]
    emergency.dispatch(city_db, DUTY, case, [unit.resource_id])
    start = stored_now()
    emergency.advance(city_db, 1.0, start)
    assert unit_status(city_db, unit.resource_id) == "en_route"
    emergency.advance(city_db, 1.0, start + timedelta(seconds=unit.eta_s + 1))
    assert unit_status(city_db, unit.resource_id) == "on_scene"
    emergency.advance(city_db, 1.0, start + timedelta(seconds=unit.eta_s + emergency.ON_SCENE_S + 1))
    assert unit_status(city_db, unit.resource_id) == "returning"
    emergency.advance(city_db, 1.0, start + timedelta(seconds=2 * unit.eta_s + emergency.ON_SCENE_S + 2))
    assert unit_status(city_db, unit.resource_id) == "available"
    line = emergency.timeline(city_db, case)
    assert [s["what"] for s in line["steps"]] == ["reported", "dispatched", "en_route", "on_scene", "returning"]
    assert line["response_s"] is not None and line["target_minutes"] == 12


def test_bad_reports_and_closed_incidents_are_refused(city_db):
    with pytest.raises(DispatchError, match="type"):
        emergency.report_incident(city_db, DUTY, "alien", 3, *ZGC, "x")
    with pytest.raises(DispatchError, match="outside the city"):
        emergency.report_incident(city_db, DUTY, "accident", 3, 0, 0, "x")
    case = incident(city_db)
    emergency.close_incident(city_db, DUTY, case)
    with pytest.raises(DispatchError, match="not open"):
        emergency.dispatch(city_db, DUTY, case, use_plan=True)


def test_shelters_with_room_first(city_db):
    rows = emergency.shelters(city_db, incident(city_db), limit=5)
    assert all(r["free"] > 0 for r in rows)
    assert [r["distance_m"] for r in rows] == sorted(r["distance_m"] for r in rows)


def test_query_by_radius_district_and_polygon(city_db):
    case = incident(city_db)
    near = emergency.query_resources(city_db, case, 1.0, None, None)
    assert near.matches and near.area["type"] == "Polygon"
    assert all(routing.metres(r["lon"], r["lat"], *ZGC) <= 1000 * 1.005 for r in near.matches)
    haidian = emergency.query_resources(city_db, case, None, "110108", None)
    assert len(haidian.matches) > len(near.matches)
    box = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[116.31, 39.99], [116.33, 39.99], [116.33, 40.01], [116.31, 40.01], [116.31, 39.99]]
                    ],
                },
            }
        ],
    }
    drawn = emergency.query_resources(city_db, case, 1.0, "110108", box)
    assert drawn.matches and all(116.31 <= r["lon"] <= 116.33 and 39.99 <= r["lat"] <= 40.01 for r in drawn.matches)
    assert drawn.districts == ["海淀区"]  # the drawn area lies in one district; a wider one reaches more
    box["features"][0]["geometry"]["coordinates"] = [
        [[116.25, 39.85], [116.45, 39.85], [116.45, 40.0], [116.25, 39.85]]
    ]
    assert len(emergency.query_resources(city_db, case, None, None, box).districts) >= 3


def test_dispatching_the_run_card_twice_sends_nobody_twice(city_db):
    case = incident(city_db, "accident", 3)
    first = emergency.dispatch(city_db, DUTY, case, use_plan=True)
    assert len(first) == 5
    with pytest.raises(DispatchError, match="no units"):
        emergency.dispatch(city_db, DUTY, case, use_plan=True)
    plan = emergency.plan_for(city_db, case)
    assert plan["chosen"] == [] and sum(len(v) for v in plan["assigned"].values()) == 5


def test_after_action_report_csv_and_pdf(city_db, tmp_path):
    from cockpit.services.emergency import reports

    case = incident(city_db)
    emergency.dispatch(city_db, DUTY, case, use_plan=True)
    with pytest.raises(reports.ReportError):
        reports.after_action(city_db, case)
    start = stored_now()
    emergency.advance(city_db, 1.0, start + timedelta(seconds=3600))
    emergency.close_incident(city_db, DUTY, case)
    report = reports.after_action(city_db, case)
    assert len(report["units"]) == 5 and all(u["actual_min"] is not None for u in report["units"])
    text = reports.as_csv(report, "en", "Asia/Shanghai")
    assert text.startswith("\ufeffSection,Time,What,Who") and text.count("\nunit,") == 5
    assert "UTC" not in text and "reported" in text
    assert "实际到达" in reports.as_csv(report, "zh", "Asia/Shanghai")
    name, pdf = reports.export(city_db, DUTY, case, "pdf", "zh", "Asia/Shanghai", tmp_path)
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF") and len(pdf) > 3000
    (tmp_path / name).write_bytes(pdf)
    assert audit.rows(city_db, action="report.export")


def test_coverage_shrinks_when_units_are_dispatched(city_db):
    before = emergency.coverage(city_db)
    fast = [f for f in before["features"] if f["properties"]["minutes"] == 5 and not f["properties"].get("area")]
    case = incident(city_db)
    units = [
        r.resource_id
        for r in emergency.recommend(city_db, case, emergency.RESPONDERS, limit=40)
        if r.method == "network"
    ]
    emergency.dispatch(city_db, DUTY, case, units)
    after = [
        f
        for f in emergency.coverage(city_db)["features"]
        if f["properties"]["minutes"] == 5 and not f["properties"].get("area")
    ]
    assert len(after) < len(fast)


def test_run_card_lines_are_edited_with_checks_and_audit(city_db):
    line = next(
        p
        for p in emergency.all_plans(city_db)
        if p["incident_type"] == "accident" and p["level"] == 4 and p["kind"] == "ambulance"
    )
    assert emergency.update_plan(city_db, DUTY, line["id"], 3, 9) == []
    assert emergency.update_plan(city_db, DUTY, line["id"], -1, 9)[0].startswith("count")
    assert emergency.update_plan(city_db, DUTY, line["id"], 2, 0.5)[0].startswith("target")
    plan = emergency.plan_for(city_db, incident(city_db, "accident", 4))
    assert sum(1 for r in plan["chosen"] if r.kind == "ambulance") == 3 and plan["target_minutes"] == 9
    assert audit.rows(city_db, action="plan.update")[0]["after"] == '{"count":3,"target_minutes":9}'


def test_a_simulation_step_is_bounded_by_time_and_keeps_the_series(city_db):
    """A page's step never outlasts its timer: on a budget of nothing it still makes one incident, and the steps
    together are the same series as one run."""
    whole = emergency.simulate_responses(city_db, 7, 0, 12)
    made: list = []
    while len(made) < 12:
        step = emergency.simulate_for(city_db, 7, len(made), 12, 0.0)
        assert len(step) == 1
        made += step
    assert made == whole and emergency.simulate_for(city_db, 7, 12, 12, 1.0) == []


def test_response_simulation_is_seeded_and_independent_of_chunking(city_db):
    whole = emergency.simulate_responses(city_db, 7, 0, 40)
    parts = emergency.simulate_responses(city_db, 7, 0, 15) + emergency.simulate_responses(city_db, 7, 15, 25)
    assert whole == parts
    assert all(r["response_s"] is not None and r["target_s"] for r in whole)
