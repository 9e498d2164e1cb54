"""One-network city operations (一网统管): events become cases, filed → dispatched → handled → verified →
closed on SLA clocks. Events of one type within CLUSTER_M metres and CLUSTER_S seconds of each other form one
case, transitively, so the set of cases never depends on duplicates or the order events arrive in."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import orjson
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.kernel import clock, routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import cim, field, iot, operations
from data_access.db import transaction, write_transaction

CLUSTER_M = 50.0
CLUSTER_S = 1800.0
# category -> (confidence threshold, priority 1 high .. 3 low, owner: "grid" or a department)
CATEGORIES: dict[str, tuple[float, int, str]] = {
    "shop_outside": (0.7, 3, "grid"),
    "illegal_parking": (0.75, 2, "grid"),
    "piled_materials": (0.7, 3, "grid"),
    "exposed_garbage": (0.7, 2, "grid"),
    "street_vendor": (0.75, 3, "grid"),
    "muck": (0.7, 2, "grid"),
    "clothes_hanging": (0.7, 3, "grid"),
    "manhole_fault": (0.0, 1, "区市政市容委"),
    "lamp_fault": (0.0, 2, "区城管委"),
    "structure_warning": (0.0, 1, "区住房城乡建设委"),
    "hotline": (0.0, 2, "grid"),  # 未诉先办: a 12345 hotspot the street takes on before more calls come
}
# minutes allowed for the stage a case is entering, by priority
SLA_MINUTES = {
    "dispatched": {1: 10, 2: 30, 3: 60},
    "handled": {1: 60, 2: 240, 3: 480},
    "verified": {1: 30, 2: 60, 3: 120},
    "closed": {1: 30, 2: 60, 3: 120},
}
# action -> (from statuses, to status)
FLOW = {
    "dispatch": (("filed",), "dispatched"),
    "handle": (("dispatched",), "handled"),
    "verify": (("handled",), "verified"),
    "send_back": (("handled",), "dispatched"),
    "hand_back": (("dispatched",), "filed"),  # the worker cannot do it: back to the desk to dispatch again
    "close": (("verified",), "closed"),
}
OPEN = ("filed", "dispatched", "handled", "verified")
COMPONENT_TYPES = ("manhole_tilt", "street_lamp")


class CaseError(Refused):
    http = 409


@dataclass(frozen=True)
class EventIn:
    event_id: str
    source: str
    type: str
    confidence: float
    ts: datetime
    lon: float
    lat: float


@cache
def _grids(url: str) -> tuple[STRtree | None, list[dict[str, Any]]]:
    with transaction(url) as session:
        rows = cim.grid_rows(session)
        streets = {s["id"]: s for s in cim.street_rows(session)}
    grids = [
        {
            "id": g["id"],
            "code": g["code"],
            "street_id": _street_of(g["code"], streets),
            "shape": shape(orjson.loads(g["geometry"])),
        }
        for g in rows
    ]
    return (STRtree([g["shape"] for g in grids]) if grids else None), grids


def _street_of(grid_code: str, streets: dict[int, dict[str, Any]]) -> int | None:
    return next((sid for sid, s in streets.items() if grid_code.startswith(s["code"])), None)


def place(url: str, lon: float, lat: float) -> tuple[int | None, int | None]:
    """(grid id, street id) containing the point, or Nones outside the gridded zone."""
    tree, grids = _grids(url)
    if tree is None:
        return None, None
    for index in tree.query(Point(lon, lat), predicate="within"):
        g = grids[int(index)]
        return g["id"], g["street_id"]
    return None, None


@cache
def workers(url: str) -> list[dict[str, Any]]:
    """One grid worker (generated) posted at the middle of each grid."""
    _, grids = _grids(url)
    return [{"name": f"网格员 {g['code']}", "lon": g["shape"].centroid.x, "lat": g["shape"].centroid.y} for g in grids]


def nearest_worker(url: str, session, case: dict[str, Any]) -> str | None:
    """The nearest grid worker without a case in hand (dispatched, not yet handled); the nearest one at all
    when everyone is busy, so the case still has an owner."""
    busy = {c["assignee"] for c in operations.cases(session, ("dispatched",), limit=100_000)}
    ranked = sorted(workers(url), key=lambda w: routing.metres(w["lon"], w["lat"], case["lon"], case["lat"]))
    free = [w for w in ranked if w["name"] not in busy]
    return (free or ranked or [{"name": None}])[0]["name"]


def due(status: str, priority: int, at: datetime) -> datetime | None:
    minutes = SLA_MINUTES.get(status, {}).get(priority)
    return at + timedelta(minutes=minutes) if minutes else None


def time_left(case: dict[str, Any], now: datetime) -> float | None:
    """Seconds until the current stage is due; negative when overdue; None when closed."""
    if case["status"] not in OPEN or case["stage_due"] is None:
        return None
    return (case["stage_due"] - now).total_seconds()


def ingest_events(session, url: str, events: list[EventIn], now: datetime) -> list[int]:
    """Store new events and file or join cases in the caller's transaction; returns new case ids."""
    fresh = [e for e in events if e.event_id not in operations.known_event_ids(session, [e.event_id for e in events])]
    created: list[int] = []
    seen: set[str] = set()
    for e in sorted(fresh, key=lambda e: (e.ts, e.event_id)):
        if e.event_id in seen:
            continue
        seen.add(e.event_id)
        operations.add_event(
            session,
            {
                "event_id": e.event_id,
                "source": e.source,
                "type": e.type,
                "confidence": e.confidence,
                "ts": e.ts,
                "lon": e.lon,
                "lat": e.lat,
                "case_id": None,
                "received_at": now,
            },
        )
        threshold = CATEGORIES[e.type][0]
        if e.confidence < threshold:
            continue
        created += _file_or_join(session, url, e, now)
    return created


def _file_or_join(session, url: str, e: EventIn, now: datetime) -> list[int]:
    dlat = CLUSTER_M / 110_540
    dlon = CLUSTER_M / (111_320 * 0.766)  # cos(40°): Beijing
    near = [
        n
        for n in operations.neighbours(
            session,
            e.type,
            e.lon,
            e.lat,
            dlon,
            dlat,
            e.ts - timedelta(seconds=CLUSTER_S),
            e.ts + timedelta(seconds=CLUSTER_S),
        )
        if routing.metres(n["lon"], n["lat"], e.lon, e.lat) <= CLUSTER_M
    ]
    case_ids = sorted({n["case_id"] for n in near})
    if not case_ids:
        grid_id, street_id = place(url, e.lon, e.lat)
        priority = CATEGORIES[e.type][1]
        owner = CATEGORIES[e.type][2]
        row = operations.add_case(
            session,
            {
                "code": f"tmp-{e.event_id}",
                "key_event": e.event_id,
                "category": e.type,
                "status": "filed",
                "priority": priority,
                "lon": e.lon,
                "lat": e.lat,
                "street_id": street_id,
                "grid_id": grid_id,
                "assignee": None if owner == "grid" else owner,
                "filed_at": e.ts,
                "stage_due": due("dispatched", priority, e.ts),
                "closed_at": None,
                "merged_into": None,
            },
        )
        operations.attach(session, [e.event_id], row["id"])
        operations.add_step(
            session,
            {
                "case_id": row["id"],
                "status": "filed",
                "actor": "system",
                "at": e.ts,
                "note": f"auto-filed from {e.source}",
                "photo": None,
                "on_time": True,
            },
        )
        return [row["id"]]
    cases = [operations.case(session, cid) for cid in case_ids]
    keeper = min(cases, key=lambda c: (c["filed_at"], c["key_event"]))
    operations.attach(session, [e.event_id], keeper["id"])
    for other in cases:
        if other["id"] != keeper["id"]:
            operations.move_events(session, other["id"], keeper["id"])
            operations.set_case(session, other["id"], {"merged_into": keeper["id"], "status": "merged"})
    first = operations.first_event(session, keeper["id"])
    if first["event_id"] != keeper["key_event"]:
        operations.set_case(
            session,
            keeper["id"],
            {"key_event": first["event_id"], "filed_at": first["ts"], "lon": first["lon"], "lat": first["lat"]},
        )
    return []


def transition(
    url: str, actor: Actor, case_id: int, action: str, note: str = "", photo: str = "", now: datetime | None = None
) -> dict[str, Any]:
    if action not in FLOW:
        raise CaseError("unknown_action", 400, action=action)
    allowed, target = FLOW[action]
    now = now or stored_now()
    with write_transaction(url) as session:
        current = operations.case(session, case_id, for_update=True)
        if current is None:
            raise CaseError("no_case", 404, case=case_id)
        if current["status"] not in allowed:
            raise CaseError(
                "wrong_status", code=current["code"], status="case.status." + current["status"], action="case." + action
            )
        if action == "handle" and (not note.strip() or not photo.strip()):
            raise CaseError("needs_note")
        if action == "hand_back" and not note.strip():
            raise CaseError("needs_reason")
        if action in ("verify", "send_back"):
            handler = operations.last_actor(session, case_id, "handled")
            if handler == actor.name:
                raise CaseError("same_person")
        on_time = current["stage_due"] is None or now <= current["stage_due"]
        values: dict[str, Any] = {"status": target}
        if action == "dispatch" and CATEGORIES[current["category"]][2] == "grid":
            values["assignee"] = nearest_worker(url, session, current)
        if action == "hand_back":
            values["assignee"] = None
        next_stage = {"filed": "dispatched", "dispatched": "handled", "handled": "verified", "verified": "closed"}.get(
            target
        )
        values["stage_due"] = due(next_stage, current["priority"], now) if next_stage else None
        if target == "closed":
            values["closed_at"] = now
        operations.set_case(session, case_id, values)
        operations.add_step(
            session,
            {
                "case_id": case_id,
                "status": {"send_back": "sent_back", "hand_back": "handed_back"}.get(action, target),
                "actor": actor.name,
                "at": now,
                "note": note.strip()[:500] or None,
                "photo": photo.strip()[:256] or None,
                "on_time": on_time,
            },
        )
        audit.record(
            session,
            actor,
            f"case.{action}",
            f"case:{current['code']}",
            before={"status": current["status"]},
            after={"status": target},
        )
        return current | values


def case_list(url: str, now: datetime | None = None, statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Overdue first (most overdue on top), then by time left; closed cases last."""
    now = now or stored_now()
    with transaction(url) as session:
        rows = operations.cases(session, statuses)
    for r in rows:
        r["time_left_s"] = time_left(r, now)
        r["overdue"] = (r["time_left_s"] or 0) < 0
    return sorted(
        rows, key=lambda r: (r["time_left_s"] is None, r["time_left_s"] if r["time_left_s"] is not None else 0, r["id"])
    )


def detail(url: str, case_id: int) -> dict[str, Any] | None:
    with transaction(url) as session:
        row = operations.case(session, case_id)
        if row is None:
            return None
        left = time_left(row, stored_now())
        return row | {
            "events": operations.case_events(session, case_id),
            "steps": operations.steps(session, case_id),
            "photos": [_photo(p, row) for p in field.photos_of_case(session, case_id)],
            "time_left_s": left,
            "overdue": (left or 0) < 0,
        }


def _photo(photo: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """A case photo for the desk: where to see it, who took it, and how far from the case its GPS says."""
    away = (
        round(routing.metres(photo["gps_lon"], photo["gps_lat"], case["lon"], case["lat"]))
        if photo["gps_lon"] is not None
        else None
    )
    return {
        "id": photo["id"],
        "thumb": f"/photos/{photo['id']}/thumb.jpg",
        "full": f"/photos/{photo['id']}.jpg",
        "by": photo["uploaded_by"],
        "at": photo["uploaded_at"],
        "away_m": away,
    }


def vital_signs(url: str, now: datetime | None = None) -> dict[str, Any]:
    """Open cases, on-time closure rate, cases by category and street, filings per hour."""
    now = now or stored_now()
    with transaction(url) as session:
        rows = operations.cases(session, limit=100_000)
        closed = [r["id"] for r in rows if r["status"] == "closed"]
        late = operations.late_steps(session, closed) if closed else set()
        per_hour = operations.filed_per_hour(session, now - timedelta(hours=24))
        streets = {s["id"]: s["name"] for s in cim.street_rows(session)}
    open_rows = [r for r in rows if r["status"] in OPEN]
    by_category: dict[str, int] = {}
    by_street: dict[str, int] = {}
    for r in open_rows:
        by_category[r["category"]] = by_category.get(r["category"], 0) + 1
        street = streets.get(r["street_id"], "—")
        by_street[street] = by_street.get(street, 0) + 1
    overdue = sum(1 for r in open_rows if (time_left(r, now) or 0) < 0)
    return {
        "open": len(open_rows),
        "overdue": overdue,
        "closed": len(closed),
        "on_time_rate": (len(closed) - len(late)) / len(closed) if closed else None,
        "by_category": by_category,
        "by_street": by_street,
        "per_hour": per_hour,
        "hotspots": [
            {"lon": r["lon"], "lat": r["lat"], "category": r["category"], "code": r["code"]} for r in open_rows
        ],
    }


def partition(url: str) -> dict[str, frozenset[str]]:
    with transaction(url) as session:
        return operations.partition(session)


def component_faults(url: str) -> int:
    """Open alarms on city components (manhole covers, lamps): they become cases too."""
    with transaction(url) as session:
        return sum(1 for a in iot.alarms(session, iot.OPEN, limit=100_000) if a["device_type"] in COMPONENT_TYPES)


VENUE_OVERLOAD = 0.9  # a venue over 90 % of its capacity is flagged
# kind -> (hourly load curve 0..1 over a Beijing day, capacity label)
VENUE_CURVES = {
    "metro_station": [
        0.05,
        0.02,
        0.01,
        0.01,
        0.03,
        0.15,
        0.45,
        0.95,
        1.0,
        0.7,
        0.45,
        0.45,
        0.5,
        0.45,
        0.4,
        0.45,
        0.6,
        0.9,
        1.0,
        0.75,
        0.5,
        0.35,
        0.2,
        0.1,
    ],
    "park": [
        0.02,
        0.01,
        0.01,
        0.01,
        0.03,
        0.15,
        0.35,
        0.4,
        0.35,
        0.35,
        0.4,
        0.45,
        0.45,
        0.5,
        0.55,
        0.6,
        0.65,
        0.7,
        0.6,
        0.45,
        0.3,
        0.15,
        0.06,
        0.03,
    ],
    "hospital": [
        0.3,
        0.25,
        0.25,
        0.25,
        0.25,
        0.3,
        0.45,
        0.7,
        0.95,
        1.0,
        0.95,
        0.85,
        0.6,
        0.75,
        0.9,
        0.9,
        0.8,
        0.65,
        0.5,
        0.45,
        0.4,
        0.35,
        0.3,
        0.3,
    ],
}


def venue_load(url: str, now: datetime | None = None, zone: str = clock.DEFAULT_ZONE) -> list[dict[str, Any]]:
    """Real venues of the detail zone (metro stations, parks, hospitals) with a generated load: a typical day's
    curve for the kind, at the city's hour, varied per venue by a fixed seed. Every value is generated."""
    hour = clock.to_city(now or stored_now(), zone).hour
    with transaction(url) as session:
        venues = [
            (v["name"], "metro_station", v["lon"], v["lat"])
            for v in cim.facility_points(session, "metro_station")
            if v["district_adcode"] == "110108"
        ]
        venues += [
            (v["name"], "hospital", v["lon"], v["lat"])
            for v in cim.facility_points(session, "hospital")
            if v["district_adcode"] == "110108"
        ]
        venues += [
            (f["properties"]["name"], "park", *shape(f["geometry"]).representative_point().coords[0])
            for f in cim.base_features(session, "green")
            if f["properties"]["kind"] == "leisure=park" and f["properties"]["name"]
        ]
    out = []
    for name, kind, lon, lat in venues:
        rng = random.Random(f"{kind}:{name}")
        scale = rng.uniform(0.6, 1.15)
        load = min(1.2, VENUE_CURVES[kind][hour] * scale + rng.uniform(-0.03, 0.03))
        out.append(
            {
                "name": name,
                "kind": kind,
                "lon": lon,
                "lat": lat,
                "load": max(0.0, load),
                "overloaded": load > VENUE_OVERLOAD,
                "curve": [round(min(1.2, c * scale), 3) for c in VENUE_CURVES[kind]],
                "generated": True,
            }
        )
    return sorted(out, key=lambda v: -v["load"])
