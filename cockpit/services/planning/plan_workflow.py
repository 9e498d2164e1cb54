"""Settling a conflict patch the way a city's 多规合一 coordination office does: the patch is assigned to the
department that leads it with a deadline for the other departments' opinions, the departments answer, and a
leader decides which plan yields. The decision is applied at once: the yielding plan's zone gives up the patch
(its geometry minus the patch) in a new revision of that plan, with the zone before and after kept; the next
detection no longer finds the patch and settles it. Each step is audited in its own transaction with the
change; the role is checked here, whoever calls."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import shapely

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.planning import planning
from cockpit.services.support import audit
from cockpit.vocab import PLAN_CONFLICT_TRANSITIONS
from data_access import planning as store
from data_access.db import write_transaction

OPINION_DAYS = 10  # the departments' time to answer unless the assignment says otherwise
PERMISSION = {"assign": "planning.coordinate", "opine": "planning.coordinate", "decide": "planning.decide"}
SIDES = ("left", "right")
IMMOVABLE = ("building",)  # what stands is not a plan: a decision cannot make it yield


def _text(value: str | None, most: int) -> str | None:
    return (value or "").strip()[:most] or None


def transition(
    url: str,
    actor: Actor,
    conflict_id: int,
    action: str,
    *,
    department: str | None = None,
    deadline: date | None = None,
    opinion: str | None = None,
    yielding: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    if action not in PLAN_CONFLICT_TRANSITIONS:
        raise Refused("unknown_action", action=str(action)[:20])
    if not allows(actor.role, PERMISSION[action]):
        raise Refused("planning.not_allowed", http=403, action=f"planning.action.{action}")
    starts, leads_to = PLAN_CONFLICT_TRANSITIONS[action]
    now = stored_now()
    with write_transaction(url) as session:
        found = store.conflict(session, conflict_id, lock=True)
        if found is None:
            raise Refused("planning.no_conflict", http=404, conflict=conflict_id)
        if found["status"] not in starts:
            raise Refused(
                "planning.wrong_status",
                http=409,
                action=f"planning.action.{action}",
                status=f"planning.status.{found['status']}",
            )
        change: dict[str, Any] = {"status": leads_to}
        after: dict[str, Any] = {"status": leads_to}
        if action == "assign":
            lead = _text(department, 64)
            if not lead:
                raise Refused("planning.needs_department")
            due = deadline or (now.date() + timedelta(days=OPINION_DAYS))
            if due < now.date():
                raise Refused("planning.past_deadline", deadline=due.isoformat())
            change |= {"assigned_to": lead, "deadline": due}
            after |= {"assigned_to": lead, "deadline": due.isoformat()}
        elif action == "opine":
            said, who = _text(opinion, 2000), _text(department, 64)
            if not said or not who:
                raise Refused("planning.needs_opinion")
            store.add_opinion(
                session,
                {
                    "conflict_id": conflict_id,
                    "department": who,
                    "opinion": said,
                    "given_by": actor.name,
                    "given_at": now,
                },
            )
            after |= {"department": who, "opinion": said}
        else:
            after |= _decide(session, actor, found, yielding, _text(reason, 500), now)
            change |= {"decision": yielding, "decided_by": actor.name, "reason": _text(reason, 500)}
        store.set_conflict(session, conflict_id, change)
        audit.record(
            session, actor, f"planning.{action}", f"plan_conflict:{conflict_id}", before=found["status"], after=after
        )
    if action == "decide":
        planning.detect(url, actor)
    return after


def _decide(session, actor: Actor, found: dict, yielding: str | None, reason: str | None, now) -> dict[str, Any]:
    """The yielding plan's zone minus the patch, as the plan's next revision."""
    if yielding not in SIDES:
        raise Refused("planning.bad_side", side=str(yielding)[:10])
    if not reason:
        raise Refused("planning.needs_reason")
    layer, code = found[f"{yielding}_layer"], found[f"{yielding}_code"]
    if layer in IMMOVABLE:
        raise Refused("planning.cannot_yield", layer=f"planning.layer.{layer}")
    zone = store.zone(session, layer, code)
    if zone is None:
        raise Refused("planning.no_zone", http=404, zone=code)
    before = shapely.from_geojson(zone["geometry"])
    patch = shapely.from_geojson(found["geometry"])
    rest = shapely.make_valid(shapely.difference(before, patch.buffer(1e-7)))
    revision = store.next_revision(session, layer)
    kept = planning.geojson(rest)
    store.set_zone_geometry(session, zone["id"], kept)
    store.add_revision(
        session,
        {
            "layer_key": layer,
            "revision": revision,
            "zone_code": code,
            "conflict_id": found["id"],
            "before": zone["geometry"],
            "after": kept,
            "made_by": actor.name,
            "made_at": now,
        },
    )
    return {"yielding": layer, "zone": code, "revision": revision, "reason": reason}
