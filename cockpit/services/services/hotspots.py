"""Hotspots (热点) and proactive items (未诉先办, 每月一题): where one kind of matter keeps being reported in one
street over the last WINDOW_DAYS days (at least LEAST tickets), the street takes it on before the next call —
one click makes it an operations case (scenario 3), placed at the tickets' centre, and links the tickets. The
largest is the month's topic (每月一题)."""

from __future__ import annotations

from datetime import datetime, timedelta

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.profile import DEPARTMENTS
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations import operations
from cockpit.services.support import audit, privacy
from data_access import cim
from data_access import operations as case_store
from data_access import services as store
from data_access.db import transaction, write_transaction

CATEGORY_KEYS = tuple(DEPARTMENTS)
WINDOW_DAYS = 30
LEAST = 4


def find(url: str, now: datetime | None = None) -> list[dict]:
    now = now or stored_now()
    with transaction(url) as session:
        rows = store.tickets(session, since=now - timedelta(days=WINDOW_DAYS))
        names = {s["code"]: s["name"] for s in cim.street_rows(session)}
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["street_code"] and r["lon"] is not None and r["status"] != "merged":
            groups.setdefault((r["street_code"], r["category"]), []).append(r)
    out = []
    for (street, category), group in groups.items():
        if len(group) < LEAST:
            continue
        out.append(
            {
                "key": f"{street}-{CATEGORY_KEYS.index(category)}",  # ASCII: Dash matches pattern ids as JSON
                "street": street,
                "street_name": names.get(street, street),
                "category": category,
                "tickets": len(group),
                "ids": [r["id"] for r in group],
                "titles": [privacy.mask_text(r["title"]) for r in group[:3]],
                "lon": round(sum(r["lon"] for r in group) / len(group), 6),
                "lat": round(sum(r["lat"] for r in group) / len(group), 6),
                "case_id": next((r["case_id"] for r in group if r["case_id"]), None),
            }
        )
    ranked = sorted(out, key=lambda h: -h["tickets"])
    for place, h in enumerate(ranked):
        h["topic"] = place == 0  # 每月一题: the month's largest matter, taken on city-wide
    return ranked


def to_case(url: str, actor: Actor, key: str, now: datetime | None = None) -> dict:
    """The hotspot as an operations case (未诉先办), its tickets linked to it; audited with the case."""
    if not allows(actor.role, "case.handle"):
        raise Refused("ticket.not_allowed", http=403)
    now = now or stored_now()
    found = next((h for h in find(url, now) if h["key"] == key), None)
    if found is None:
        raise Refused("hotspot.not_found", http=404)
    if found["case_id"]:
        raise Refused("hotspot.has_case", http=409, case=found["case_id"])
    event = operations.EventIn(
        f"hotline-{found['street']}-{found['category']}-{now:%Y%m%d%H%M}"[:64],
        f"12345:{actor.name}",
        "hotline",
        1.0,
        now,
        found["lon"],
        found["lat"],
    )
    with write_transaction(url) as session:
        filed = operations.ingest_events(session, url, [event], now)
        case_id = filed[0] if filed else case_store.event_case(session, event.event_id)
        for ticket_id in found["ids"]:
            store.set_ticket(session, ticket_id, {"case_id": case_id})
        audit.record(session, actor, "hotspot.case", f"case:{case_id}", after={"hotspot": key, "tickets": found["ids"]})
    return found | {"case_id": case_id}
