"""A unit's crew on the field page (处置人员): the dispatches of their unit, and the stages they report from
the phone (en route, on scene, returning, back), stamped when they report them. A dispatch whose crew has
reported is no longer moved by the simulation; its stages feed the incident's timeline and response times
like any other."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from cockpit.actor import Actor
from cockpit.services.emergency.emergency import DispatchError
from cockpit.services.kernel import areas, routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations.field import Position
from cockpit.services.support import audit
from data_access import emergency as store
from data_access.db import transaction, write_transaction

STAGES = ("en_route", "on_scene", "returning", "finished")
UNIT_STATUS = {"en_route": "en_route", "on_scene": "on_scene", "returning": "returning", "finished": "available"}


DEMO_KIND = "ambulance"


def demo_unit(url: str) -> str | None:
    """The unit the demo crew account stands for: the first ambulance of the sample city."""
    with transaction(url) as session:
        units = sorted(store.resources(session, (DEMO_KIND,)), key=lambda r: r["code"])
    return units[0]["name"] if units else None


def assignments(url: str, crew: str) -> list[dict[str, Any]]:
    """The unit's active dispatches as view models: the incident, the stage and the stages that may follow."""
    with transaction(url) as session:
        active = [d for d in store.dispatches(session, active_only=True) if d["resource_name"] == crew]
        incidents = {d["incident_id"]: store.incident(session, d["incident_id"]) for d in active}
    out = []
    for d in active:
        incident = incidents[d["incident_id"]]
        done = STAGES.index(d["stage"]) + 1 if d["stage"] in STAGES else 0
        out.append(
            {
                "id": d["id"],
                "incident": incident,
                "stage": d["stage"],
                "next": STAGES[done:][:1],
                "route": orjson.loads(d["route"]),
                "eta_s": d["eta_s"],
            }
        )
    return out


def report(
    url: str, actor: Actor, crew: str, dispatch_id: int, stage: str, here: Position | None, now: datetime | None = None
) -> dict[str, Any]:
    """The next stage of the crew's own dispatch, in order; DispatchError names what is wrong."""
    if stage not in STAGES:
        raise DispatchError("unknown_stage", stage=stage)
    if here is not None and not areas.inside(url, here.lon, here.lat):
        raise DispatchError("outside_city")  # N13: an ambulance placed at (0, 0) on the desk's map
    now = now or stored_now()
    with write_transaction(url) as session:
        mine = next((d for d in store.dispatches(session, active_only=True) if d["id"] == dispatch_id), None)
        if mine is None or mine["resource_name"] != crew:
            raise DispatchError("not_your_dispatch", 404, dispatch=dispatch_id)
        expected = STAGES[STAGES.index(mine["stage"]) + 1] if mine["stage"] in STAGES else STAGES[0]
        if stage != expected:
            raise DispatchError("stage_order", stage="stage." + stage, expected="stage." + expected)
        values: dict[str, Any] = {"stage": stage, f"{stage}_at": now, "reported_by": actor.name}
        if stage == "finished":
            values["status"] = "finished"
        store.update_dispatch(session, dispatch_id, values)
        route = orjson.loads(mine["route"])
        spot = (here.lon, here.lat) if here else tuple(route[-1] if stage == "on_scene" else route[0])
        store.set_resource(session, mine["resource_id"], {"status": UNIT_STATUS[stage], "lon": spot[0], "lat": spot[1]})
        incident = store.incident(session, mine["incident_id"])
        away = round(routing.metres(spot[0], spot[1], incident["lon"], incident["lat"])) if here else None
        audit.record(
            session,
            actor,
            "dispatch.stage",
            f"dispatch:{dispatch_id}",
            before={"stage": mine["stage"]},
            after={"stage": stage, "away_m": away},
        )
    return mine | values
