"""Project pre-screening on the generated plans: a site in the red line fails that check and asks the ecology
bureau, a site on its own zoning passes it; the planning authority is always asked; answers conclude with the
strictest; the role, a second answer, a missing request and bad input are refused; an unanswered request past
its deadline is overdue. Each step is audited."""

from __future__ import annotations

from datetime import date, timedelta

import orjson
import pytest
import shapely
from sqlalchemy import text

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.planning import screening
from data_access import planning as plans
from data_access.db import transaction, write_transaction

ANALYST = Actor("analyst", "analyst")
BOW_TIE = [[116.3, 40.0], [116.31, 40.01], [116.31, 40.0], [116.3, 40.01], [116.3, 40.0]]  # self-intersecting


def _zone(url: str, layer: str, use: str | None = None) -> dict:
    with transaction(url) as session:
        zones = plans.zones(session)[layer]
    geometry = next(g for _c, u, g in zones if use is None or u == use)
    return orjson.loads(geometry)


def _inside(geometry: dict) -> dict:
    """A square well inside a zone, so it lies on that zone alone."""
    shape = shapely.from_geojson(orjson.dumps(geometry).decode())
    centre = shape.representative_point()
    return orjson.loads(shapely.to_geojson(centre.buffer(0.0003, cap_style="square").intersection(shape)))


def _screen(url: str, site: dict, use: str = "residential", floor_area: float = 20_000) -> dict:
    return screening.screen(url, ANALYST, {"site": site, "use": use, "floor_area_m2": floor_area, "name": "项目"})


def test_a_site_in_the_red_line_fails_and_asks_the_ecology_bureau(city_db):
    found = _screen(city_db, _inside(_zone(city_db, "red_line")))
    checks = {c["key"]: c for c in found["checks"]}
    assert checks["red_line"]["result"] == "fail" and checks["red_line"]["values"]["m2"] > 1000
    departments = {r["department"]: r["reason"] for r in found["requests"]}
    assert departments["市生态环境局"] == "red_line"
    assert "市规划自然资源委海淀分局" in departments  # the planning authority is always asked
    assert found["status"] == "open" and found["worst"] == "fail"


def test_a_site_on_its_own_zoning_passes_that_check_and_its_capacity(city_db):
    zone = _inside(_zone(city_db, "regulatory", "R2"))
    area = shapely.from_geojson(orjson.dumps(zone).decode())
    found = _screen(city_db, zone, floor_area=1.0)
    checks = {c["key"]: c for c in found["checks"]}
    assert checks["zoning"]["result"] == "pass" and checks["zoning"]["values"] == {"zone": "R2", "pct": 100}
    assert checks["capacity"]["result"] == "pass" and checks["capacity"]["values"]["allowed"] > 0
    allowed = checks["capacity"]["values"]["allowed"]
    over = _screen(city_db, zone, floor_area=allowed * 1.5)
    assert {c["key"]: c["result"] for c in over["checks"]}["capacity"] == "fail"
    assert area.is_valid
    offices = _screen(city_db, zone, use="office")
    assert {c["key"]: c["result"] for c in offices["checks"]}["zoning"] == "fail"


def test_answers_conclude_with_the_strictest_and_everything_is_audited(city_db):
    found = _screen(city_db, _inside(_zone(city_db, "red_line")))
    requests = found["requests"]
    assert len(requests) >= 2
    with pytest.raises(Refused) as refused:
        screening.answer(city_db, Actor("leader", "leader"), found["id"], requests[0]["id"], "agree", "")
    assert refused.value.http == 403
    with pytest.raises(Refused) as refused:
        screening.answer(city_db, ANALYST, found["id"], requests[0]["id"], "conditional", "")
    assert refused.value.key == "planning.needs_opinion"  # anything but agreement says why
    after = screening.answer(city_db, ANALYST, found["id"], requests[0]["id"], "conditional", "限高 24 米")
    assert after["status"] == "open"
    with pytest.raises(Refused) as refused:
        screening.answer(city_db, ANALYST, found["id"], requests[0]["id"], "agree", "")
    assert refused.value.http == 409
    with pytest.raises(Refused) as refused:
        screening.answer(city_db, ANALYST, found["id"], 99_999, "agree", "")
    assert refused.value.http == 404
    for asked in requests[1:]:
        after = screening.answer(city_db, ANALYST, found["id"], asked["id"], "agree", "")
    assert after["status"] == "concluded" and after["conclusion"] == "conditional"
    with transaction(city_db) as session:
        actions = (
            session.execute(
                text("SELECT action FROM audit_log WHERE object = :t ORDER BY id"),
                {"t": f"plan_screening:{found['id']}"},
            )
            .scalars()
            .all()
        )
    assert actions == ["planning.screen"] + ["planning.answer"] * len(requests)


def test_an_unanswered_request_past_its_deadline_is_overdue(city_db):
    found = _screen(city_db, _inside(_zone(city_db, "regulatory", "R2")))
    asked = found["requests"][0]
    past = date.fromisoformat(asked["deadline"]) - timedelta(days=30)
    with write_transaction(city_db) as session:
        session.execute(
            text("UPDATE plan_screening_request SET deadline = :d WHERE id = :i"), {"d": past, "i": asked["id"]}
        )
    again = screening.view(city_db, ANALYST, found["id"])
    assert again["requests"][0]["overdue"] is True
    assert all(r["overdue"] is False for r in again["requests"][1:])


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("nonsense", "planning.bad_body"),
        ({"site": {"type": "Point", "coordinates": [116.3, 40.0]}}, "planning.bad_polygon"),
        ({"site": {"type": "Polygon", "coordinates": [BOW_TIE]}}, "planning.bad_polygon"),
        ({"site": "SITE", "use": "casino", "floor_area_m2": 10, "name": "x"}, "planning.bad_use"),
        ({"site": "SITE", "use": "office", "floor_area_m2": -1, "name": "x"}, "planning.bad_number"),
        ({"site": "SITE", "use": "office", "floor_area_m2": 10, "name": " "}, "planning.needs_name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(city_db, body, key):
    if isinstance(body, dict) and body.get("site") == "SITE":
        body = body | {"site": _inside(_zone(city_db, "regulatory", "R2"))}
    with pytest.raises(Refused) as refused:
        screening.screen(city_db, ANALYST, body)
    assert refused.value.key == key
    assert screening.listing(city_db) == []


def test_a_desk_role_that_does_not_coordinate_may_not_screen(city_db):
    with pytest.raises(Refused) as refused:
        screening.screen(city_db, Actor("duty", "duty_officer"), {})
    assert refused.value.http == 403
