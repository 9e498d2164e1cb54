"""Simulation runs (模拟推演): checked and recorded at once (with the audit row), then run in a `cockpit
simulation` child process so a minute of arithmetic never holds a web worker; the page and the API follow the
run by its row and read its frames for the time slider. A failure leaves the run `failed` with the reason."""

from __future__ import annotations

import orjson

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.cim import flood
from cockpit.services.emergency import evacuation
from cockpit.services.kernel import child
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import simulations as store
from data_access.db import transaction, write_transaction

KINDS = ("flood", "evacuation")


def _checked(url: str, kind: str, params: dict) -> dict:
    if kind == "flood":
        return flood.check(url, params)
    if kind == "evacuation":
        return evacuation.check(params)
    raise Refused("simulation.bad_kind", http=404, kind=kind[:40])


def start(url: str, actor: Actor, kind: str, params: dict, wait: bool = False) -> dict:
    checked = _checked(url, kind, params)
    with write_transaction(url) as session:
        made = store.start(
            session,
            {
                "kind": kind,
                "params": orjson.dumps(checked).decode(),
                "status": "running",
                "created_by": actor.name,
                "created_at": stored_now(),
            },
        )
        audit.record(session, actor, "simulation.run", f"simulation:{made}", after={"kind": kind} | checked)
    if wait:
        execute(url, made)
    else:
        child.start(url, "simulation", str(made))
    return status(url, made)


def execute(url: str, simulation_id: int) -> None:
    with transaction(url) as session:
        run = store.get(session, simulation_id)
    if run is None or run["status"] != "running":
        return
    params = orjson.loads(run["params"])
    try:
        if run["kind"] == "flood":
            outcome = flood.simulate(url, params)
            summary = outcome.summary
            frames = [
                {"simulation_id": simulation_id, "number": n, "minute": minute, "image": png, "state": None}
                for n, (minute, png) in enumerate(outcome.frames)
            ]
        else:
            summary, states = evacuation.simulate(url, params)
            frames = [
                {
                    "simulation_id": simulation_id,
                    "number": n,
                    "minute": minute,
                    "image": None,
                    "state": orjson.dumps(state).decode(),
                }
                for n, (minute, state) in enumerate(states)
            ]
    except Exception as error:  # any failure is the run's outcome, said on its row
        message = error.say("en") if isinstance(error, Refused) else f"{type(error).__name__}: {error}"
        with write_transaction(url) as session:
            store.finish(
                session, simulation_id, {"status": "failed", "message": message[:500], "finished_at": stored_now()}
            )
        return
    with write_transaction(url) as session:
        store.add_frames(session, frames)
        store.finish(
            session,
            simulation_id,
            {"status": "done", "summary": orjson.dumps(summary).decode(), "finished_at": stored_now()},
        )


def status(url: str, simulation_id: int) -> dict:
    with transaction(url) as session:
        run = store.get(session, simulation_id)
        frames = store.frame_minutes(session, simulation_id) if run else []
    if run is None:
        raise Refused("simulation.unknown", http=404, simulation=simulation_id)
    suffix = "png" if run["kind"] == "flood" else "json"
    return {
        "id": run["id"],
        "kind": run["kind"],
        "status": run["status"],
        "params": orjson.loads(run["params"]),
        "message": run["message"],
        "created_by": run["created_by"],
        "created_at": run["created_at"].isoformat() + "Z",
        "result": orjson.loads(run["summary"]) if run["summary"] else None,
        "frames": [
            {"number": n, "minute": m, "url": f"/api/v1/simulations/{simulation_id}/frames/{n}.{suffix}"}
            for n, m in frames
        ],
    }


def frame(url: str, simulation_id: int, number: int) -> tuple[bytes, str]:
    with transaction(url) as session:
        found = store.frame(session, simulation_id, number)
    if found is None:
        raise Refused("simulation.no_frame", http=404, simulation=simulation_id, number=number)
    if found["image"] is not None:
        return found["image"], "image/png"
    return found["state"].encode(), "application/json"


def recent(url: str, kind: str | None = None, limit: int = 20) -> list[dict]:
    with transaction(url) as session:
        return store.recent(session, kind, limit)
