"""Credit commitments (信用承诺制), a component of the application-support platform: for an item that allows
it, the applicant promises in writing what a missing material would prove and gets the service now; the
promise is checked by its date and recorded as kept or broken (a broken one goes to the credit record)."""

from __future__ import annotations

from datetime import date, datetime

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.services import service_items
from cockpit.services.support import audit, support_components
from data_access import services as store
from data_access.db import transaction, write_transaction

STATES = ("pending", "kept", "broken")


def promise(
    url: str, actor: Actor, item_code: str, holder: str, text: str, due_on: date, now: datetime | None = None
) -> dict:
    if not allows(actor.role, "licence.issue"):
        raise Refused("licence.not_allowed", http=403)
    item = service_items.item(url, item_code)
    if not holder.strip() or not text.strip():
        raise Refused("commitment.incomplete")
    now = now or stored_now()
    if due_on <= now.date():
        raise Refused("commitment.past_due")
    with write_transaction(url) as session:
        row = store.add_commitment(
            session,
            {
                "item_code": item["code"],
                "holder": holder.strip()[:200],
                "promise": text.strip()[:1000],
                "due_on": due_on,
                "state": "pending",
                "created_at": now,
            },
        )
        audit.record(session, actor, "commitment.add", f"commitment:{row['id']}", after={"item": item["code"]})
    support_components.record_call(url, actor, "commitments")
    return row


def settle(url: str, actor: Actor, commitment_id: int, state: str) -> dict:
    if not allows(actor.role, "licence.issue"):
        raise Refused("licence.not_allowed", http=403)
    if state not in STATES[1:]:
        raise Refused("commitment.bad_state", states="kept, broken")
    with write_transaction(url) as session:
        found = store.commitment(session, commitment_id, lock=True)
        if found is None:
            raise Refused("commitment.not_found", http=404, commitment=commitment_id)
        if found["state"] != "pending":
            raise Refused("commitment.settled", http=409)
        store.set_commitment(session, commitment_id, state)
        audit.record(session, actor, "commitment.settle", f"commitment:{commitment_id}", after={"state": state})
    support_components.record_call(url, actor, "commitments")
    return found | {"state": state}


def listing(url: str, today: date | None = None) -> list[dict]:
    today = today or stored_now().date()
    with transaction(url) as session:
        rows = store.commitments(session)
    return [r | {"overdue": r["state"] == "pending" and r["due_on"] < today} for r in rows]
