"""Emergency command (应急指挥一键调度): incidents, units ranked by ETA, run cards, dispatch that cannot give
one unit to two incidents, and the tracking of dispatched units through their stages."""

from __future__ import annotations

import math
import random
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import orjson
from shapely.errors import GEOSException
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.validation import make_valid
from sqlalchemy.exc import IntegrityError

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.kernel import areas, routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.geojson import feature, feature_collection
from cockpit.services.kernel.idempotency import fingerprint, run_once
from cockpit.services.support import audit
from cockpit.vocab import INCIDENT_TYPES
from data_access import cim, emergency, spatial
from data_access.db import transaction, write_transaction

UNIT_KINDS = ("fire_engine", "ambulance", "police_car", "rescue_team", "supply_depot")
STAGES = ("dispatched", "en_route", "on_scene", "returning", "finished")
ON_SCENE_S = 20 * 60  # simulated time a unit works at the scene before it returns
TARGET_MINUTES = {1: 8, 2: 10, 3: 12, 4: 15}
# (type, level) -> {kind: count}; level 1 is the gravest (特别重大)
DEFAULT_PLANS: dict[str, dict[int, dict[str, int]]] = {
    "accident": {
        4: {"police_car": 1, "ambulance": 1},
        3: {"police_car": 2, "ambulance": 2, "fire_engine": 1},
        2: {"police_car": 3, "ambulance": 3, "fire_engine": 2, "rescue_team": 1},
        1: {"police_car": 5, "ambulance": 5, "fire_engine": 3, "rescue_team": 2},
    },
    "natural_disaster": {
        4: {"rescue_team": 1, "fire_engine": 1},
        3: {"rescue_team": 2, "fire_engine": 2},
        2: {"rescue_team": 3, "fire_engine": 3, "ambulance": 2, "supply_depot": 1},
        1: {"rescue_team": 5, "fire_engine": 5, "ambulance": 4, "supply_depot": 2},
    },
    "public_health": {
        4: {"ambulance": 1},
        3: {"ambulance": 3},
        2: {"ambulance": 5, "police_car": 1},
        1: {"ambulance": 8, "police_car": 2, "supply_depot": 1},
    },
    "social_security": {
        4: {"police_car": 2},
        3: {"police_car": 4},
        2: {"police_car": 6, "ambulance": 1},
        1: {"police_car": 10, "ambulance": 2, "rescue_team": 1},
    },
}


class DispatchConflict(Refused):
    """A unit is already out; the message names who has it."""

    def __init__(self, unit: str, incident: str, by: str) -> None:
        super().__init__("conflict", 409, unit=unit, incident=incident, by=by)
        self.unit, self.incident, self.by = unit, incident, by


class DispatchError(Refused):
    pass


@dataclass(frozen=True)
class Recommendation:
    resource_id: int
    code: str
    name: str
    kind: str
    eta_s: float
    method: str
    distance_m: float


def ensure_default_plans(url: str, actor: Actor) -> int:
    with write_transaction(url) as session:
        if emergency.plans(session):
            return 0
        now = stored_now()
        rows = [
            {
                "incident_type": kind,
                "level": level,
                "kind": unit,
                "count": count,
                "target_minutes": TARGET_MINUTES[level],
                "updated_by": actor.name,
                "updated_at": now,
            }
            for kind, levels in DEFAULT_PLANS.items()
            for level, units in levels.items()
            for unit, count in units.items()
        ]
        emergency.replace_plans(session, rows)
        audit.record(session, actor, "plan.defaults", "plans", after={"count": len(rows)})
    return len(rows)


def report_incident(
    url: str,
    actor: Actor,
    incident_type: str,
    level: int,
    lon: float,
    lat: float,
    description: str,
    generated: bool = False,
    reporter: str | None = None,
) -> dict[str, Any]:
    """A new incident placed in its district and street; `reporter` names the caller or call-taking desk
    when that is not the signed-in actor (the actor is still who the audit log names)."""
    if incident_type not in INCIDENT_TYPES:
        raise DispatchError("incident_type", types=", ".join(INCIDENT_TYPES))
    if level not in (1, 2, 3, 4):
        raise DispatchError("incident_level")
    if not areas.inside(url, lon, lat):
        raise DispatchError("outside_city")
    place = areas.locate(url, lon, lat)
    with write_transaction(url) as session:
        row = emergency.add_incident(
            session,
            {
                "code": f"tmp-{stored_now().timestamp()}",
                "type": incident_type,
                "level": level,
                "lon": lon,
                "lat": lat,
                "district_adcode": place.district_adcode,
                "street_code": place.street_code,
                "description": description[:500],
                "reporter": (reporter or actor.name)[:128],
                "status": "open",
                "reported_at": stored_now(),
                "generated": generated,
                "source": "generated by the live simulation" if generated else "reported by hand",
            },
        )
        audit.record(
            session, actor, "incident.report", f"incident:{row['code']}", after={"type": incident_type, "level": level}
        )
    return row


def incidents(url: str, open_only: bool = False) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return emergency.incidents(session, ("open", "dispatched") if open_only else None)


def recommend(url: str, incident_id: int, kinds: tuple[str, ...] = UNIT_KINDS, limit: int = 30) -> list[Recommendation]:
    """Available units ranked by ETA to the incident."""
    with transaction(url) as session:
        incident = emergency.incident(session, incident_id)
        if incident is None:
            raise DispatchError("no_incident", 404, incident=incident_id)
        units = emergency.resources(session, kinds, status="available")
    if not units:
        return []
    etas = routing.etas_to(url, incident["lon"], incident["lat"], [(u["lon"], u["lat"]) for u in units])
    ranked = sorted(
        (
            Recommendation(
                u["id"],
                u["code"],
                u["name"],
                u["kind"],
                e.seconds,
                e.method,
                routing.metres(u["lon"], u["lat"], incident["lon"], incident["lat"]),
            )
            for u, e in zip(units, etas, strict=True)
        ),
        key=lambda r: r.eta_s,
    )
    return ranked[:limit]


def shelters(url: str, incident_id: int, limit: int = 8) -> list[dict[str, Any]]:
    """Shelters with room first, nearest first: the database finds the nearest (by `<->` on PostGIS)."""
    with transaction(url) as session:
        incident = emergency.incident(session, incident_id)
        lon, lat = incident["lon"], incident["lat"]
        nearest = spatial.nearest_resources(session, lon, lat, limit, "shelter", room=True)
        if len(nearest) < limit:
            nearest += spatial.nearest_resources(session, lon, lat, limit - len(nearest), "shelter", room=False)
        rows = {r["id"]: r for r in emergency.resources_by_id(session, nearest)}
    chosen = [rows[i] for i in nearest]
    for r in chosen:
        r["distance_m"] = routing.metres(r["lon"], r["lat"], lon, lat)
        r["free"] = r["capacity"] - r["occupancy"]
    return sorted(chosen, key=lambda r: (r["free"] <= 0, r["distance_m"]))


def plan_for(url: str, incident_id: int) -> dict[str, Any]:
    """The run card of the incident's type and level, topped up with the nearest available units: units
    already on their way to this incident count, so dispatching the card twice sends nobody twice."""
    with transaction(url) as session:
        incident = emergency.incident(session, incident_id)
        if incident is None:
            raise DispatchError("no_incident", 404, incident=incident_id)
        card = emergency.plans(session, incident["type"], incident["level"])
        active = emergency.dispatches(session, incident_id, active_only=True)
    kinds = tuple(p["kind"] for p in card)
    ranked = recommend(url, incident_id, kinds, limit=10_000) if kinds else []
    chosen, missing, assigned = [], {}, {}
    for row in card:
        out = [d for d in active if d["resource_kind"] == row["kind"]]
        assigned[row["kind"]] = [d["resource_name"] for d in out]
        needed = max(0, row["count"] - len(out))
        picks = [r for r in ranked if r.kind == row["kind"]][:needed]
        chosen += picks
        if len(picks) < needed:
            missing[row["kind"]] = needed - len(picks)
    target = min((p["target_minutes"] for p in card), default=None)
    return {
        "card": card,
        "chosen": chosen,
        "assigned": assigned,
        "missing": missing,
        "target_minutes": target,
    }


def dispatch(
    url: str, actor: Actor, incident_id: int, resource_ids: list[int] | None = None, use_plan: bool = False
) -> list[int]:
    """One transaction: every unit still free or nothing at all. A unit already out raises DispatchConflict
    naming the incident and the dispatcher that hold it."""
    if use_plan:
        plan = plan_for(url, incident_id)
        resource_ids = [r.resource_id for r in plan["chosen"]]
    if not resource_ids:
        raise DispatchError("no_units")
    resource_ids = sorted(set(resource_ids))
    _refuse_if_held(url, resource_ids)
    legs = _legs(url, incident_id, resource_ids)
    now = stored_now()
    try:
        with write_transaction(url) as session:
            incident = emergency.incident(session, incident_id)
            if incident is None or incident["status"] == "closed":
                raise DispatchError("incident_closed", 409, incident=incident_id)
            units = emergency.lock_resources(session, resource_ids)
            if len(units) != len(resource_ids):
                raise DispatchError("unknown_unit")
            held = emergency.active_dispatch_of(session, resource_ids)
            if held:
                rid, holder = next(iter(held.items()))
                code = next(u["code"] for u in units if u["id"] == rid)
                raise DispatchConflict(code, holder["incident_code"], holder["dispatched_by"])
            busy = [u for u in units if u["status"] != "available"]
            if busy:
                raise DispatchConflict(busy[0]["code"], f"({busy[0]['status']})", "—")
            ids = []
            for unit in units:
                eta, path = legs[unit["id"]]
                ids.append(
                    emergency.add_dispatch(
                        session,
                        {
                            "incident_id": incident_id,
                            "resource_id": unit["id"],
                            "status": "active",
                            "stage": "dispatched",
                            "eta_s": eta.seconds,
                            "method": eta.method,
                            "route": orjson.dumps(path).decode(),
                            "dispatched_by": actor.name,
                            "dispatched_at": now,
                        },
                    )
                )
                emergency.set_resource(session, unit["id"], {"status": "dispatched"})
                audit.record(
                    session,
                    actor,
                    "dispatch",
                    f"incident:{incident['code']}",
                    before={"unit": unit["code"], "status": "available"},
                    after={
                        "unit": unit["code"],
                        "status": "dispatched",
                        "eta_s": round(eta.seconds),
                        "method": eta.method,
                    },
                )
            emergency.set_incident_status(session, incident_id, "dispatched")
    except IntegrityError as error:  # the partial unique index caught a race the locks did not
        raise DispatchConflict("?", "another incident", "another dispatcher at the same moment") from error
    return ids


def dispatch_once(
    url: str,
    actor: Actor,
    incident_id: int,
    resource_ids: list[int] | None,
    use_plan: bool,
    key: str,
    lang: str,
) -> tuple[dict[str, Any], int]:
    """A dispatch under an idempotency key (one a click on a page load): a double or replayed click dispatches
    once and answers as the first did. A held unit or nothing to send answers 409 with the reason in `lang`."""
    request = fingerprint("dispatch", f"incident:{incident_id}", repr(sorted(resource_ids or [])).encode())

    def action() -> tuple[dict[str, Any], int]:
        try:
            made = dispatch(url, actor, incident_id, resource_ids, use_plan=use_plan)
        except (DispatchConflict, DispatchError) as error:
            return {"error": error.say(lang)}, 409
        return {"dispatched": len(made)}, 200

    return run_once(url, actor.name, key, request, action)


def _refuse_if_held(url: str, resource_ids: list[int]) -> None:
    """A cheap read first: a click on units already out is answered at once, without routing or the lock.
    The write transaction checks again, so this never decides alone."""
    with transaction(url) as session:
        held = emergency.active_dispatch_of(session, resource_ids)
        codes = {r["id"]: r["code"] for r in emergency.resources_by_id(session, list(held))} if held else {}
    if held:
        rid, holder = next(iter(held.items()))
        raise DispatchConflict(codes[rid], holder["incident_code"], holder["dispatched_by"])


def _legs(url: str, incident_id: int, resource_ids: list[int]) -> dict[int, tuple[routing.Eta, list]]:
    """ETA and route of each unit, worked out before the dispatch takes the write lock, so concurrent
    dispatchers wait only for the checks and the inserts."""
    with transaction(url) as session:
        incident = emergency.incident(session, incident_id)
        units = [r for r in emergency.resources(session) if r["id"] in set(resource_ids)]
    if incident is None:
        raise DispatchError("no_incident", 404, incident=incident_id)
    if len(units) != len(resource_ids):
        raise DispatchError("unknown_unit")
    target = (incident["lon"], incident["lat"])
    etas = routing.etas_to(url, *target, [(u["lon"], u["lat"]) for u in units])
    return {
        u["id"]: (eta, routing.route(url, (u["lon"], u["lat"]), target, eta.method))
        for u, eta in zip(units, etas, strict=True)
    }


def close_incident(url: str, actor: Actor, incident_id: int) -> None:
    with write_transaction(url) as session:
        incident = emergency.incident(session, incident_id)
        if incident is None:
            raise DispatchError("no_incident", 404, incident=incident_id)
        emergency.set_incident_status(session, incident_id, "closed", stored_now())
        audit.record(
            session,
            actor,
            "incident.close",
            f"incident:{incident['code']}",
            before={"status": incident["status"]},
            after={"status": "closed"},
        )


def _along(route: list[list[float]], fraction: float) -> tuple[float, float]:
    """The point at `fraction` of the polyline's length."""
    legs = [routing.metres(a[0], a[1], b[0], b[1]) for a, b in pairwise(route)]
    total = sum(legs)
    if total == 0:
        return route[-1][0], route[-1][1]
    goal, walked = fraction * total, 0.0
    for (a, b), leg in zip(pairwise(route), legs, strict=True):
        if walked + leg >= goal:
            f = (goal - walked) / leg if leg else 1.0
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        walked += leg
    return route[-1][0], route[-1][1]


def advance(url: str, rate: float, now: datetime | None = None) -> int:
    """Move every active dispatch on by the simulated clock: en route at once, along its route, on scene at
    its ETA, returning after ON_SCENE_S, home and available after the way back. Each stage is stamped with
    the moment it happened (dispatch time plus simulated seconds over the rate), however late this runs."""
    now = now or stored_now()
    changed = 0
    with write_transaction(url) as session:
        for d in emergency.dispatches(session, active_only=True):
            if d["reported_by"]:
                continue  # its crew reports where it is (cockpit.services.emergency.crew)
            elapsed = (now - d["dispatched_at"]).total_seconds() * rate
            eta = max(d["eta_s"], 1.0)
            route = orjson.loads(d["route"])
            marks = {"en_route": 0.0, "on_scene": eta, "returning": eta + ON_SCENE_S, "finished": 2 * eta + ON_SCENE_S}
            values: dict[str, Any] = {}
            for stage, at in marks.items():
                if elapsed >= at and d[f"{stage}_at"] is None:
                    values[f"{stage}_at"] = d["dispatched_at"] + timedelta(seconds=at / rate)
                    values["stage"] = stage
            if elapsed >= marks["finished"]:
                values["status"] = "finished"
                unit = {"status": "available", "lon": route[0][0], "lat": route[0][1]}
            elif elapsed >= marks["returning"]:
                lon, lat = _along(route, 1 - (elapsed - marks["returning"]) / eta)
                unit = {"status": "returning", "lon": lon, "lat": lat}
            elif elapsed >= marks["on_scene"]:
                unit = {"status": "on_scene", "lon": route[-1][0], "lat": route[-1][1]}
            else:
                lon, lat = _along(route, elapsed / eta)
                unit = {"status": "en_route", "lon": lon, "lat": lat}
            emergency.set_resource(session, d["resource_id"], unit)
            if values:
                emergency.update_dispatch(session, d["id"], values)
                changed += 1
    return changed


def timeline(url: str, incident_id: int) -> dict[str, Any]:
    """Every step with its time, and response time (first unit on scene) against the run card's target."""
    with transaction(url) as session:
        incident = emergency.incident(session, incident_id)
        rows = emergency.dispatches(session, incident_id)
        card = emergency.plans(session, incident["type"], incident["level"]) if incident else []
    steps = [{"at": incident["reported_at"], "what": "reported", "who": incident["reporter"]}] if incident else []
    for d in rows:
        for stage in STAGES[:-1]:
            at = d[f"{stage}_at"]
            if at:
                steps.append({"at": at, "what": stage, "who": d["resource_name"], "unit": d["resource_code"]})
    if incident and incident["closed_at"]:
        steps.append({"at": incident["closed_at"], "what": "closed", "who": ""})
    arrivals = [d["on_scene_at"] for d in rows if d["on_scene_at"]]
    response = (min(arrivals) - incident["reported_at"]).total_seconds() if incident and arrivals else None
    target = min((p["target_minutes"] for p in card), default=None)
    on_time = None if response is None or not target else response <= target * 60
    return {
        "on_time": on_time,
        "steps": sorted(steps, key=lambda s: s["at"]),
        "units": [_unit_line(d) for d in rows],
        "incident": incident,
        "dispatches": rows,
        "response_s": response,
        "target_minutes": target,
    }


def _unit_line(d: dict[str, Any]) -> dict[str, Any]:
    """One line per dispatched unit: its stage times, and its travel against the ETA once on scene."""
    travel = (d["on_scene_at"] - d["dispatched_at"]).total_seconds() if d["on_scene_at"] else None
    return {
        "unit": d["resource_name"],
        "kind": d["resource_kind"],
        "stage": d["stage"],
        "stages": [(stage, d[f"{stage}_at"]) for stage in STAGES[:-1]],
        "eta_s": d["eta_s"],
        "vs_eta_s": None if travel is None else travel - d["eta_s"],
        "late": travel is not None and travel - d["eta_s"] > LATE_AFTER_S,
        "by": d["dispatched_by"],
    }


def resource_points(url: str) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return [r for r in emergency.resources(session) if r["kind"] != "shelter"]


def district_options(url: str) -> list[dict[str, str]]:
    with transaction(url) as session:
        return [{"adcode": d["adcode"], "name": d["name"]} for d in cim.districts(session)]


def _circle(lon: float, lat: float, radius_m: float, points: int = 64) -> dict[str, Any]:
    ring = []
    for i in range(points + 1):
        angle = 2 * math.pi * i / points
        ring.append(
            [
                lon + radius_m * math.cos(angle) / (111_320 * math.cos(math.radians(lat))),
                lat + radius_m * math.sin(angle) / 110_540,
            ]
        )
    return {"type": "Polygon", "coordinates": [ring]}


AREA_TYPES = ("Polygon", "MultiPolygon")


def drawn_polygons(drawn: object) -> list[BaseGeometry]:
    """The polygons of a drawn GeoJSON collection (other drawn shapes are not areas); DispatchError
    "bad_shape" when a polygon's geometry is malformed, so a broken drawing is named, not a crash."""
    features = drawn.get("features") if isinstance(drawn, dict) else None
    if not features:
        return []
    if not isinstance(features, list):
        raise DispatchError("bad_shape")
    polygons = []
    for drawn in features:
        geometry = drawn.get("geometry") if isinstance(drawn, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in AREA_TYPES:
            continue
        try:
            polygon = make_valid(shape(geometry))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, GEOSException):
            raise DispatchError("bad_shape") from None
        if not polygon.is_empty:
            polygons.append(polygon)
    return polygons


@dataclass(frozen=True)
class AreaQuery:
    """Units in an area, the area as drawn on the map, and the districts it reaches (whom else to call)."""

    matches: list[dict[str, Any]]
    area: dict[str, Any] | None
    districts: list[str]


def query_resources(
    url: str, incident_id: int | None, radius_km: float | None, district: str | None, drawn: dict[str, Any] | None
) -> AreaQuery:
    """Resources inside the drawn polygon, else the chosen district, else the radius (metres on the ellipsoid)
    around the incident; the database answers (PostGIS on PostgreSQL), with the shape it used."""
    polygons = drawn_polygons(drawn)
    with transaction(url) as session:
        incident = emergency.incident(session, incident_id) if incident_id else None
        area = None
        if polygons:
            area = unary_union(polygons)
            inside = spatial.resources_covered_by(session, area)
        elif district and (outline := cim.district_geometry(session, district)):
            area = shape(orjson.loads(outline)).simplify(0.0005)
            inside = spatial.resources_in_district(session, district)
        elif incident and radius_km:
            area = shape(_circle(incident["lon"], incident["lat"], radius_km * 1000))
            inside = spatial.resources_within_metres(session, incident["lon"], incident["lat"], radius_km * 1000)
        if area is None:
            return AreaQuery([], None, [])
        rows = emergency.resources_by_id(session, sorted(inside))
        chosen = district and not polygons  # a district's own outline touches its neighbours: no news there
        reached = [] if chosen else [d["name"] for d in spatial.districts_intersecting(session, area)]
    matches = sorted((r for r in rows if r["kind"] != "shelter"), key=lambda r: r["id"])
    return AreaQuery(matches, mapping(area), reached)


COVERAGE_MINUTES = (5, 10, 15)
RESPONDERS = ("fire_engine", "ambulance", "police_car", "rescue_team")


def coverage(url: str) -> dict[str, Any]:
    """What available responders reach within 5, 10 and 15 minutes: road segments by travel time on the
    network, and straight-line reach (detour and speed as for ETAs) around units off the network."""
    with transaction(url) as session:
        units = emergency.resources(session, RESPONDERS, status="available")
    net = routing.network(url)
    points = [(u["lon"], u["lat"]) for u in units]
    nodes, gaps = net.snap_many(np.array(points, dtype=float).reshape(-1, 2)) if points else ([], [])
    sources = {n for n, gap in zip(nodes, gaps, strict=True) if gap <= routing.SNAP_M}
    features = []
    if sources:
        times = routing.multi_source_times(net, sources, COVERAGE_MINUTES[-1] * 60)
        for a, b in net.graph.edges:
            if a in times and b in times:
                minutes = next(m for m in COVERAGE_MINUTES if max(times[a], times[b]) <= m * 60)
                features.append(
                    feature({"type": "LineString", "coordinates": [list(a), list(b)]}, {"minutes": minutes})
                )
    off = [p for p, gap in zip(points, gaps, strict=True) if gap > routing.SNAP_M]
    for minutes in reversed(COVERAGE_MINUTES):
        reach = routing.STRAIGHT_KMH / 3.6 * minutes * 60 / routing.DETOUR
        if off:
            area = unary_union([shape(_circle(lon, lat, reach, 24)) for lon, lat in off])
            features.append(feature(mapping(area.simplify(0.001)), {"minutes": minutes, "area": True}))
    return feature_collection(features)


RESPONSE_PASS_SHARE = 0.9  # a coverage plan passes when 90 % of incidents get a first unit within the card's target
LATE_AFTER_S = 60  # a unit more than a minute behind its ETA is shown late


def response_summary(results: list[list]) -> dict[str, Any] | None:
    """The response simulation in figures: minutes to the first unit, p50 and p90, the share within target,
    and whether that share passes."""
    times = sorted(r[0] / 60 for r in results if r[0] is not None)
    if not times:
        return None
    within = sum(1 for r in results if r[0] is not None and r[1] and r[0] <= r[1])
    share = within / len(results)
    return {
        "minutes": times,
        "n": len(results),
        "p50": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "share": share,
        "passes": share >= RESPONSE_PASS_SHARE,
    }


def simulate_for(url: str, seed: int, start: int, total: int, budget_s: float) -> list[dict[str, Any]]:
    """As many of incidents start..total as fit in `budget_s` (at least one): the page asks for the next step
    on a timer, and a step that outlasted the timer was overtaken by the next request with the old progress,
    so on a slow or busy machine the bar never moved."""
    out: list[dict[str, Any]] = []
    ends = time.monotonic() + budget_s
    while start + len(out) < total and (not out or time.monotonic() < ends):
        out += simulate_responses(url, seed, start + len(out), 1)
    return out


def simulate_responses(url: str, seed: int, start: int, count: int) -> list[dict[str, Any]]:
    """Incidents start..start+count of a seeded series over the detail zone, each answered from the units
    available now (independently: one does not take units from the next). Returns the first unit's ETA and
    the run card's target for each."""
    out = []
    with transaction(url) as session:
        cards = emergency.plans(session)
        units = emergency.resources(session, RESPONDERS, status="available")
    for n in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + n)
        kind = rng.choice(INCIDENT_TYPES)
        level = rng.choices((4, 3, 2, 1), weights=(60, 28, 10, 2))[0]
        lon, lat = rng.uniform(116.309, 116.331), rng.uniform(39.991, 40.012)
        card = [p for p in cards if p["incident_type"] == kind and p["level"] == level]
        wanted = {p["kind"] for p in card}
        pool = [u for u in units if u["kind"] in wanted]
        etas = routing.etas_to(url, lon, lat, [(u["lon"], u["lat"]) for u in pool]) if pool else []
        first = min((e.seconds for e in etas), default=None)
        target = min((p["target_minutes"] for p in card), default=None)
        out.append(
            {
                "n": n,
                "type": kind,
                "level": level,
                "response_s": None if first is None else float(first),
                "target_s": target * 60 if target else None,
            }
        )
    return out


def all_plans(url: str) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return emergency.plans(session)


def update_plan(url: str, actor: Actor, plan_id: int, count: Any, target_minutes: Any) -> list[str]:
    """Save one run-card line; returns what is wrong (nothing saved) or [] when saved."""
    problems = []
    if isinstance(count, bool) or not isinstance(count, int | float) or not 0 <= count <= 50 or count != int(count):
        problems.append("count must be a whole number from 0 to 50")
    if (
        isinstance(target_minutes, bool)
        or not isinstance(target_minutes, int | float)
        or not 1 <= target_minutes <= 240
        or target_minutes != int(target_minutes)
    ):
        problems.append("target must be a whole number of minutes from 1 to 240")
    if problems:
        return problems
    values = {
        "count": int(count),
        "target_minutes": int(target_minutes),
        "updated_by": actor.name,
        "updated_at": stored_now(),
    }
    with write_transaction(url) as session:
        before = emergency.update_plan(session, plan_id, values)
        if before is None:
            return [f"no run-card line {plan_id}"]
        audit.record(
            session,
            actor,
            "plan.update",
            f"plan:{plan_id}",
            before={k: before[k] for k in ("count", "target_minutes")},
            after={"count": int(count), "target_minutes": int(target_minutes)},
        )
    return []
