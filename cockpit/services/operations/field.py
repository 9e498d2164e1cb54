"""The field worker's side of a case (网格员): their own queue, newest and most urgent first, with the way
there; the steps they report from the phone (accept, en route, on scene with the phone's position, handled
with note and photos, ask for help, hand back); and problems they find themselves (直报), which become
events and cases by the same rules as a camera's. Every step is checked here, not on the phone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cockpit.actor import Actor
from cockpit.services.kernel import areas, routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations import operations
from cockpit.services.operations.operations import CATEGORIES, CaseError, EventIn
from cockpit.services.support import audit
from data_access import field
from data_access import operations as cases
from data_access.db import atomic, transaction, write_transaction

FAR_M = 200.0  # on scene further than this from the task's place is flagged for the desk, not refused
STEPS = ("accept", "en_route", "on_scene", "help")  # reported while the case stays dispatched
ACTIONS = (*STEPS, "handle", "hand_back")
NEEDS_NOTE = ("help", "hand_back", "handle")


@dataclass(frozen=True)
class Position:
    lon: float
    lat: float


def in_city(url: str, here: Position | None) -> Position | None:
    """A phone's position is believed only inside the city: a case filed or a unit placed at (0, 0) would sit on
    the desk's map as if it were real."""
    if here is not None and not areas.inside(url, here.lon, here.lat):
        raise CaseError("outside_city", 400)
    return here


def post_of(url: str, worker: str) -> Position | None:
    """Where a grid worker is posted (the middle of their grid): the start of the way when the phone has
    no position to give."""
    spot = next((w for w in operations.workers(url) if w["name"] == worker), None)
    return Position(spot["lon"], spot["lat"]) if spot else None


def queue(url: str, worker: str, here: Position | None, now: datetime | None = None) -> list[dict[str, Any]]:
    """The worker's open tasks as view models: most urgent first (priority, then time left), each with its
    last field step, distance and, for the first, the way there along the roads."""
    now = now or stored_now()
    with transaction(url) as session:
        rows = field.assigned(session, worker, ("dispatched",))
        steps = {r["id"]: [s for s in cases.steps(session, r["id"]) if s["status"] in FIELD_STATUS] for r in rows}
    start = here or post_of(url, worker)
    items = []
    for r in rows:
        left = operations.time_left(r, now)
        last = steps[r["id"]][-1]["status"] if steps[r["id"]] else None
        items.append(
            r
            | {
                "time_left_s": left,
                "overdue": (left or 0) < 0,
                "step": last,
                "next": NEXT.get(last, ("accept",)),
                "distance_m": round(routing.metres(start.lon, start.lat, r["lon"], r["lat"])) if start else None,
            }
        )
    items.sort(key=lambda i: (i["priority"], i["time_left_s"] if i["time_left_s"] is not None else 1e12, -i["id"]))
    if items and start:
        items[0]["route"] = routing.route(url, (start.lon, start.lat), (items[0]["lon"], items[0]["lat"]), "network")
    return items


def extent(items: list[dict[str, Any]], here: Position | None) -> list[list[float]] | None:
    """The map's bounds ([[south, west], [north, east]]): the worker and the way to their first task, with
    a margin, so the phone opens on what matters rather than on the whole city."""
    points = [(i["lon"], i["lat"]) for i in items[:1]] + [
        tuple(p) for p in (items[0].get("route", []) if items else [])
    ]
    if here:
        points.append((here.lon, here.lat))
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    pad = 0.002
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


FIELD_STATUS = ("accepted", "en_route", "on_scene", "help")
NEXT = {
    None: ("accept", "hand_back"),
    "accepted": ("en_route", "on_scene", "help", "hand_back"),
    "en_route": ("on_scene", "help", "hand_back"),
    "on_scene": ("handle", "help", "hand_back"),
    "help": ("on_scene", "handle", "hand_back"),
}
STEP_STATUS = {"accept": "accepted", "en_route": "en_route", "on_scene": "on_scene", "help": "help"}


def act(
    url: str,
    actor: Actor,
    worker: str,
    case_id: int,
    action: str,
    note: str = "",
    here: Position | None = None,
    photo_ids: tuple[int, ...] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """One step from the field on the worker's own case; CaseError names what is wrong."""
    if action not in ACTIONS:
        raise CaseError("unknown_action", 400, action=action)
    if action in NEEDS_NOTE and not note.strip():
        raise CaseError("needs_reason" if action != "handle" else "needs_note")
    if action == "handle" and not photo_ids:
        raise CaseError("needs_note")
    in_city(url, here)
    now = now or stored_now()
    with atomic(url) as session:  # the photos, the step and, for handle or hand back, the transition: together
        current = cases.case(session, case_id, for_update=True)
        if current is None or current["assignee"] != worker:
            raise CaseError("not_yours", 404, case=case_id)
        if current["status"] != "dispatched":
            raise CaseError(
                "wrong_status", code=current["code"], status="case.status." + current["status"], action="case." + action
            )
        linked = field.attach_photos(session, list(photo_ids), case_id, actor.name)
        if linked != len(set(photo_ids)):
            raise CaseError("photo_unknown")
        if action == "handle":
            return operations.transition(
                url, actor, case_id, "handle", note, ",".join(f"photo:{p}" for p in photo_ids), now
            )
        if action == "hand_back":
            return operations.transition(url, actor, case_id, "hand_back", note, "", now)
        away = round(routing.metres(here.lon, here.lat, current["lon"], current["lat"])) if here else None
        far = away is not None and away > FAR_M
        flag = f"{away} m" if away is not None else ""
        cases.add_step(
            session,
            {
                "case_id": case_id,
                "status": STEP_STATUS[action],
                "actor": actor.name,
                "at": now,
                "note": " · ".join(p for p in (note.strip()[:500], f"far: {flag}" if far else flag) if p) or None,
                "photo": ",".join(f"photo:{p}" for p in photo_ids) or None,
                "on_time": not far if action == "on_scene" else None,
            },
        )
        audit.record(
            session,
            actor,
            f"case.{action}",
            f"case:{current['code']}",
            after={"lon": here.lon if here else None, "lat": here.lat if here else None, "away_m": away},
        )
        return current | {"step": STEP_STATUS[action], "away_m": away, "far": far}


def report(
    url: str, actor: Actor, key: str, category: str, here: Position, note: str, photo_ids: tuple[int, ...]
) -> dict[str, Any]:
    """直报: a problem found in the field becomes an event, and a case by the same rules as a camera's."""
    if category not in CATEGORIES:
        raise CaseError("unknown_category", 400, category=category)
    in_city(url, here)
    now = stored_now()
    key = key or uuid.uuid4().hex  # without a key each report is its own problem, never a step of another's
    event = EventIn(f"field-{actor.name}-{key}"[:64], f"field:{actor.name}", category, 1.0, now, here.lon, here.lat)
    with write_transaction(url) as session:
        filed = operations.ingest_events(session, url, [event], now)
        case_id = filed[0] if filed else cases.event_case(session, event.event_id)
        if case_id is None:
            raise CaseError("not_filed", 400)
        if field.attach_photos(session, list(photo_ids), case_id, actor.name) != len(set(photo_ids)):
            raise CaseError("photo_unknown")  # another's photo, or one that is evidence of another case already
        cases.add_step(
            session,
            {
                "case_id": case_id,
                "status": "reported",
                "actor": actor.name,
                "at": now,
                "note": note.strip()[:500] or None,
                "photo": ",".join(f"photo:{p}" for p in photo_ids) or None,
                "on_time": None,
            },
        )
        audit.record(session, actor, "case.report", f"case:{case_id}", after={"category": category})
        return cases.case(session, case_id) or {}
