"""Project pre-screening (策划生成): a project drawn on its site is checked at once against what the plans say —
the ecological red line, the land-use plan's protected land, the regulatory plan's use and floor-area limit —
and against what is near (the 15-minute life circle, a metro station, a hospital). Every check that does not
pass asks the department that keeps it for an opinion by a deadline, as Xiamen's coordination platform routes
a project to the departments before it is approved; the planning authority is always asked. The answers, all
in, conclude the screening (the strictest answer wins). Each step is audited in its transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson
import shapely

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.profile import PLAN_TYPES
from cockpit.refusal import Refused
from cockpit.services.kernel import spatial_ops
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.spatial_ops import metric
from cockpit.services.planning import schemes
from cockpit.services.support import audit
from cockpit.vocab import SCREENING_ANSWERS, SCREENING_RESULTS
from data_access import planning as plans
from data_access import screenings as store
from data_access.db import transaction, write_transaction

OPINION_DAYS = 10
ZONING = {"residential": "R2", "commercial": "B1", "office": "B1", "school": "A33", "clinic": "A5"}
METRO_M = 800.0  # a station within a ten-minute walk
HOSPITAL_M = 3_000.0
DEPARTMENTS = {  # a check that does not pass -> who is asked
    "red_line": PLAN_TYPES["red_line"][2],
    "land_use": PLAN_TYPES["land_use"][2],
    "zoning": PLAN_TYPES["regulatory"][2],
    "capacity": PLAN_TYPES["regulatory"][2],
    "school": "市教委",
    "clinic": "市卫生健康委",
    "park": "市园林绿化局",
    "metro": PLAN_TYPES["transport"][2],
    "hospital": "市卫生健康委",
}
ALWAYS = ("zoning",)  # the planning authority gives its opinion on every project


def _share(geometries: list[tuple[str, str, str]], site_m: shapely.Geometry) -> dict[str, float]:
    """Square metres of the site under each use of a plan."""
    out: dict[str, float] = {}
    for _code, use, geometry in geometries:
        shared = metric(shapely.from_geojson(geometry)).intersection(site_m).area
        if shared > 0:
            out[use] = out.get(use, 0.0) + shared
    return out


def _checks(url: str, site: shapely.Geometry, use: str, floor_area: float) -> list[dict[str, Any]]:
    site_m = metric(site)
    area = site_m.area
    with transaction(url) as session:
        zones = plans.zones(session)
        limits = plans.zone_limits(session, "regulatory")
    inside_red = sum(_share(zones.get("red_line", []), site_m).values())
    protected = _share(zones.get("land_use", []), site_m)
    held = protected.get("farmland", 0.0) + protected.get("ecological", 0.0)
    zoning = _share(zones.get("regulatory", []), site_m)
    fitting = zoning.get(ZONING[use], 0.0)
    allowed = 0.0
    for code, _use, geometry in zones.get("regulatory", []):
        shared = metric(shapely.from_geojson(geometry)).intersection(site_m).area
        allowed += shared * (limits[code]["far_max"] or 0.0)
    near = schemes.life_circle(url, site)
    centre = site.representative_point()
    metro = spatial_ops.nearest(url, "metro_station", centre, 1)
    hospital = spatial_ops.nearest(url, "hospital", centre, 1)
    metro_m = metro[0]["properties"]["distance_m"] if metro else None
    hospital_m = hospital[0]["properties"]["distance_m"] if hospital else None

    def result(fails: bool, warns: bool = False) -> str:
        return "fail" if fails else "warn" if warns else "pass"

    found = [
        ("red_line", result(inside_red > 1.0), {"m2": round(inside_red)}),
        ("land_use", result(held > 0.5 * area, held > 1.0), {"m2": round(held), "pct": round(100 * held / area)}),
        (
            "zoning",
            result(fitting < 0.05 * area, fitting < 0.95 * area),
            {"zone": ZONING[use], "pct": round(100 * fitting / area)},
        ),
        (
            "capacity",
            result(floor_area > allowed * 1.2, floor_area > allowed),
            {"asked": round(floor_area), "allowed": round(allowed)},
        ),
        *((need, result(False, near[need] == 0), {"n": near[need]}) for need in schemes.LIFE_CIRCLE),
        ("metro", result(False, metro_m is None or metro_m > METRO_M), {"m": round(metro_m or 0)}),
        ("hospital", result(False, hospital_m is None or hospital_m > HOSPITAL_M), {"m": round(hospital_m or 0)}),
    ]
    return [
        {"key": key, "result": outcome, "values": values, "department": DEPARTMENTS[key]}
        for key, outcome, values in found
    ]


def _requests(checks: list[dict[str, Any]], due: date) -> list[dict[str, Any]]:
    """One request a department, for the first check that needs it."""
    asked: dict[str, str] = {}
    for check in checks:
        if check["result"] != "pass" or check["key"] in ALWAYS:
            asked.setdefault(check["department"], check["key"])
    return [{"department": d, "reason": reason, "deadline": due} for d, reason in asked.items()]


def screen(url: str, actor: Actor, body: Any) -> dict[str, Any]:
    """Check a drawn project and send its opinion requests; answers the screening as `view` gives it."""
    if not allows(actor.role, "planning.coordinate"):
        raise Refused("planning.not_allowed", http=403, action="planning.action.screen")
    if not isinstance(body, dict):
        raise Refused("planning.bad_body")
    site = schemes.polygon(body.get("site"), "site")
    if metric(site).area > schemes.MAX_SITE_M2:
        raise Refused("planning.site_too_big", most=schemes.MAX_SITE_M2 // 1_000_000)
    use = body.get("use")
    if use not in ZONING:
        raise Refused("planning.bad_use", scheme="—", building=1, allowed=", ".join(ZONING))
    floor_area = schemes.number(body.get("floor_area_m2"), "floor_area_m2", 1, 5_000_000)
    name = str(body.get("name") or "").strip()[:120]
    if not name:
        raise Refused("planning.needs_name")
    checks = _checks(url, site, use, floor_area)
    now = stored_now()
    requests = _requests(checks, now.date() + timedelta(days=OPINION_DAYS))
    values = {
        "name": name,
        "use": use,
        "floor_area_m2": floor_area,
        "site": shapely.to_geojson(site),
        "area_m2": round(metric(site).area, 1),
        "checks": orjson.dumps(checks).decode(),
        "status": "open",
        "conclusion": None,
        "created_by": actor.name,
        "created_at": now,
        "concluded_at": None,
    }
    with write_transaction(url) as session:
        screening_id = store.add(session, values, requests)
        after = {"name": name, "use": use, "requests": [r["department"] for r in requests]}
        audit.record(session, actor, "planning.screen", f"plan_screening:{screening_id}", after=after)
    return view(url, actor, screening_id)


def answer(url: str, actor: Actor, screening_id: int, request_id: int, said: Any, opinion: Any) -> dict[str, Any]:
    """A department's answer, recorded by a coordinator; the last one concludes the screening."""
    if not allows(actor.role, "planning.coordinate"):
        raise Refused("planning.not_allowed", http=403, action="planning.action.answer")
    if said not in SCREENING_ANSWERS:
        raise Refused("planning.bad_answer", allowed=", ".join(SCREENING_ANSWERS))
    text = str(opinion or "").strip()[:2000]
    if said != "agree" and not text:
        raise Refused("planning.needs_opinion")
    now = stored_now()
    with write_transaction(url) as session:
        found = store.screening(session, screening_id, lock=True)
        if found is None:
            raise Refused("planning.no_screening", http=404, screening=screening_id)
        asked = {r["id"]: r for r in store.requests(session, screening_id)}
        if request_id not in asked:
            raise Refused("planning.no_request", http=404, request=request_id)
        if asked[request_id]["answer"] is not None:
            raise Refused("planning.answered", http=409, department=asked[request_id]["department"])
        store.answer(
            session, request_id, {"answer": said, "opinion": text, "answered_by": actor.name, "answered_at": now}
        )
        asked[request_id]["answer"] = said
        answers = [r["answer"] for r in asked.values()]
        after: dict[str, Any] = {"request": request_id, "answer": said}
        if all(answers):
            conclusion = max(answers, key=SCREENING_ANSWERS.index)
            store.conclude(
                session, screening_id, {"status": "concluded", "conclusion": conclusion, "concluded_at": now}
            )
            after |= {"conclusion": conclusion}
        audit.record(session, actor, "planning.answer", f"plan_screening:{screening_id}", after=after)
    return view(url, actor, screening_id)


def listing(url: str, limit: int = 50) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return [_summary(s) for s in store.screenings(session, limit)]


def _summary(found: dict[str, Any]) -> dict[str, Any]:
    checks = orjson.loads(found["checks"])
    return {
        "id": found["id"],
        "name": found["name"],
        "use": found["use"],
        "status": found["status"],
        "conclusion": found["conclusion"],
        "worst": max((c["result"] for c in checks), key=SCREENING_RESULTS.index),
        "created_at": found["created_at"].isoformat(timespec="minutes"),
    }


def view(url: str, actor: Actor, screening_id: int) -> dict[str, Any]:
    """The screening with its checks and requests, each request marked overdue past its deadline."""
    if not allows(actor.role, "planning.read"):
        raise Refused("planning.not_allowed", http=403, action="planning.action.read")
    today = stored_now().date()
    with transaction(url) as session:
        found = store.screening(session, screening_id)
        if found is None:
            raise Refused("planning.no_screening", http=404, screening=screening_id)
        asked = store.requests(session, screening_id)
    return _summary(found) | {
        "floor_area_m2": found["floor_area_m2"],
        "area_m2": found["area_m2"],
        "site": orjson.loads(found["site"]),
        "checks": orjson.loads(found["checks"]),
        "requests": [
            {
                "id": r["id"],
                "department": r["department"],
                "reason": r["reason"],
                "deadline": r["deadline"].isoformat(),
                "answer": r["answer"],
                "opinion": r["opinion"],
                "overdue": r["answer"] is None and r["deadline"] < today,
            }
            for r in asked
        ],
        "concluded_at": found["concluded_at"].isoformat(timespec="minutes") if found["concluded_at"] else None,
    }
