"""12345 tickets under 接诉即办 (every call answered, routed, handled and assessed).

A ticket is routed by the NLP router (below its threshold it waits in a person's triage queue), placed by the
big-data platform's address service, checked against open tickets within 50 m and DUPLICATE_DAYS days whose
text is alike (merged into the first), and clocked: contact within CONTACT_HOURS and handling within
HANDLE_DAYS by category (urgent words make it priority 1: a day). Every step is audited with the change, in one
transaction, and tells the department or the caller through the notification outbox."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sklearn.metrics.pairwise import cosine_similarity

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.profile import CHANNELS, DEPARTMENTS
from cockpit.refusal import Refused
from cockpit.services.data import geocoder
from cockpit.services.kernel import routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.services import ticket_router
from cockpit.services.support import audit, notifications, privacy, rate, support_components
from cockpit.vocab import SATISFACTION, TICKET_ACTIONS, TICKET_OPEN
from data_access import services as store
from data_access.db import transaction, write_transaction

CONTACT_HOURS = {1: 2, 2: 24}
URGENT_HANDLE_DAYS = 1
HANDLE_DAYS = {  # by category (接诉即办 practice: matters a department can settle alone are quicker)
    "城乡建设": 15,
    "劳动和社会保障": 15,
    "教育文体": 10,
    "卫生计生": 7,
    "交通运输": 10,
    "商贸旅游": 10,
    "环境保护": 10,
}
URGENT = re.compile("紧急|危险|隐患|倒塌|坍塌|起火|着火|漏气|燃气|受伤|被困|断水|断电")
DUPLICATE_M = 50
DUPLICATE_DAYS = 7
DUPLICATE_SIMILARITY = 0.3
INTAKE_CHANNELS = (*CHANNELS, "open311")
GEOCODE_LEAST = 0.6
INTAKE_PER_MINUTE = 60  # one desk or one integration's token; a burst beyond is refused with the wait
# what the ticket's columns hold (PostgreSQL refuses a longer value; SQLite would keep it silently)
LONGEST = {"text": ticket_router.MAX_TEXT, "title": 200, "address": 200, "caller_name": 64, "phone": 32}


def handle_time(priority: int, category: str) -> timedelta:
    return timedelta(days=URGENT_HANDLE_DAYS if priority == 1 else HANDLE_DAYS[category])


def _similar(a: str, b: str) -> float:
    features = ticket_router.model().named_steps["features"]
    vectors = features.transform([a, b])
    return float(cosine_similarity(vectors[0], vectors[1])[0, 0])


def _locate(url: str, text: str, address: str | None, lon: float | None, lat: float | None) -> dict:
    """Where the ticket is: the point given, the address service's best match for the address given (above
    GEOCODE_LEAST), or else the most precise place the text itself names."""
    if lon is not None and lat is not None:
        found = geocoder.reverse(url, lon, lat)
        return _place(found, lon, lat, address or found.address)
    if address:
        matches = [m for m in geocoder.geocode(url, address, 1) if m.score >= GEOCODE_LEAST]
        if matches:
            return _place(matches[0], matches[0].lon, matches[0].lat, matches[0].address)
    named = None if address else geocoder.mentioned(url, text)
    if named:
        return _place(named, named.lon, named.lat, named.address)
    return {"lon": None, "lat": None, "street_code": None, "district_adcode": None, "address": address}


def _place(found: geocoder.Match, lon: float, lat: float, address: str | None) -> dict:
    return {"lon": lon, "lat": lat, "street_code": found.street, "district_adcode": found.district, "address": address}


def _duplicate_of(session, text: str, lon: float | None, lat: float | None, now: datetime) -> int | None:
    if lon is None or lat is None:
        return None
    dlat, dlon = DUPLICATE_M / 110_540, DUPLICATE_M / (111_320 * 0.766)
    near = [
        t
        for t in store.near(session, lon, lat, dlon, dlat, now - timedelta(days=DUPLICATE_DAYS))
        if t["status"] in TICKET_OPEN
        and t["lon"] is not None
        and routing.metres(t["lon"], t["lat"], lon, lat) <= DUPLICATE_M
    ]
    for t in sorted(near, key=lambda t: t["created_at"]):
        if _similar(t["text"], text) >= DUPLICATE_SIMILARITY:
            return t["id"]
    return None


def intake(
    url: str,
    actor: Actor,
    channel: str,
    text: str,
    title: str | None = None,
    address: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    caller_name: str | None = None,
    caller_phone: str | None = None,
    now: datetime | None = None,
    generated: bool = False,
    source: str = "",
) -> dict:
    """Take a ticket in from any channel: route, place, merge a duplicate, start the clocks."""
    if not allows(actor.role, "ticket.intake"):
        raise Refused("ticket.not_allowed", http=403)
    if channel not in INTAKE_CHANNELS:
        raise Refused("ticket.bad_channel", channel=channel, channels=", ".join(INTAKE_CHANNELS))
    given = {"text": text, "title": title, "address": address, "caller_name": caller_name, "phone": caller_phone}
    for field, value in given.items():
        if value and len(value) > LONGEST[field]:  # stored whole or refused: never cut without a word
            raise Refused("ticket.field_too_long", field=field, most=LONGEST[field])
    if not generated:
        rate.take(url, actor, "ticket_intake", INTAKE_PER_MINUTE)
    routed = ticket_router.route(text)
    support_components.record_call(url, actor, "router")
    now = now or stored_now()
    place = _locate(url, text, address, lon, lat)
    priority = 1 if URGENT.search(text) else 2
    with write_transaction(url) as session:
        merged = _duplicate_of(session, text, place["lon"], place["lat"], now)
        status = "merged" if merged else "triage" if routed.triage else "dispatched"
        department = None if status == "triage" else routed.department
        row = store.add_ticket(
            session,
            {
                "code": "",
                "channel": channel,
                "title": (title or text)[:60].strip(),
                "text": text.strip(),
                "caller_name": caller_name or None,
                "caller_phone": caller_phone or None,
                **place,
                "category": routed.category,
                "department": department,
                "confidence": routed.confidence,
                "routed_by": "router",
                "status": status,
                "priority": priority,
                "item_code": None,
                "case_id": None,
                "merged_into": merged,
                "created_at": now,
                "contact_due": now + timedelta(hours=CONTACT_HOURS[priority]),
                "handle_due": now + handle_time(priority, routed.category),
                "contacted_at": None,
                "handled_at": None,
                "closed_at": None,
                "resolved": None,
                "satisfaction": None,
                "returns": 0,
                "reopened": 0,
                "generated": generated,
                "source": source or f"{channel} intake by {actor.name}",
            },
        )
        note = f"→ {department}" if department else f"merged into {merged}" if merged else "triage"
        store.add_event(
            session,
            {
                "ticket_id": row["id"],
                "at": now,
                "actor": actor.name,
                "action": "received",
                "department": department,
                "note": note,
            },
        )
        if department:
            notifications.queue(session, "in_app", department, f"新工单 {row['code']}", row["title"], now)
        audit.record(
            session,
            actor,
            "ticket.intake",
            f"ticket:{row['id']}",
            after={"status": status, "category": routed.category, "confidence": routed.confidence},
        )
    return masked(row) | {"routing": routed.answer()}


def transition(
    url: str,
    actor: Actor,
    ticket_id: int,
    action: str,
    note: str = "",
    category: str | None = None,
    resolved: bool | None = None,
    satisfaction: str | None = None,
    now: datetime | None = None,
) -> dict:
    if not allows(actor.role, "ticket.handle"):
        raise Refused("ticket.not_allowed", http=403)
    if action not in TICKET_ACTIONS:
        raise Refused("ticket.bad_action", action=action, actions=", ".join(TICKET_ACTIONS))
    if action in ("route", "transfer") and category not in DEPARTMENTS:
        raise Refused("ticket.bad_category", categories="、".join(DEPARTMENTS))
    if action in ("return", "transfer", "reopen") and not note.strip():
        raise Refused("ticket.reason_needed")
    if action == "callback" and (satisfaction not in SATISFACTION or not isinstance(resolved, bool)):
        raise Refused("ticket.bad_callback", values="、".join(SATISFACTION))
    starts, leads_to = TICKET_ACTIONS[action]
    now = now or stored_now()
    with write_transaction(url) as session:
        found = store.ticket(session, ticket_id, lock=True)
        if found is None:
            raise Refused("ticket.not_found", http=404, ticket=ticket_id)
        if found["status"] not in starts:
            raise Refused("ticket.bad_move", http=409, before=f"tstatus.{found['status']}", action=f"taction.{action}")
        values: dict = {"status": leads_to}
        if action in ("route", "transfer"):
            values |= {
                "category": category,
                "department": DEPARTMENTS[category],
                "routed_by": "person",
                "handle_due": found["created_at"] + handle_time(found["priority"], category),
            }
        elif action == "contact":
            values["contacted_at"] = now
        elif action == "handle":
            values["handled_at"] = now
        elif action == "return":
            values |= {"department": None, "returns": found["returns"] + 1}
        elif action == "callback":
            values |= {"closed_at": now, "resolved": resolved, "satisfaction": satisfaction}
        elif action == "reopen":
            values |= {
                "reopened": found["reopened"] + 1,
                "closed_at": None,
                "resolved": None,
                "satisfaction": None,
                "handled_at": None,
                "handle_due": now + handle_time(found["priority"], found["category"]),
            }
        store.set_ticket(session, ticket_id, values)
        department = values.get("department", found["department"])
        store.add_event(
            session,
            {
                "ticket_id": ticket_id,
                "at": now,
                "actor": actor.name,
                "action": action,
                "department": department,
                "note": note.strip()[:500] or None,
            },
        )
        if department and action in ("route", "transfer", "reopen"):
            notifications.queue(session, "in_app", department, f"工单 {found['code']}", found["title"], now)
        if action in ("handle", "callback") and found["caller_phone"]:
            notifications.queue(
                session,
                "sms",
                found["caller_phone"],
                f"工单 {found['code']}",
                "您反映的问题已办理" if action == "handle" else "感谢您的评价",
                now,
            )
        audit.record(
            session,
            actor,
            f"ticket.{action}",
            f"ticket:{ticket_id}",
            before={"status": found["status"]},
            after=values | {"note": note[:500]},
        )
        changed = store.ticket(session, ticket_id)
        return masked(changed) if changed else {}


def link(url: str, actor: Actor, ticket_id: int, item_code: str | None = None, case_id: int | None = None) -> dict:
    """Tie a ticket to the service item it is about or the operations case it became."""
    if not allows(actor.role, "ticket.handle"):
        raise Refused("ticket.not_allowed", http=403)
    with write_transaction(url) as session:
        found = store.ticket(session, ticket_id, lock=True)
        if found is None:
            raise Refused("ticket.not_found", http=404, ticket=ticket_id)
        values = {k: v for k, v in (("item_code", item_code), ("case_id", case_id)) if v is not None}
        store.set_ticket(session, ticket_id, values)
        audit.record(session, actor, "ticket.link", f"ticket:{ticket_id}", after=values)
        changed = store.ticket(session, ticket_id)
        return masked(changed) if changed else {}


def masked(ticket: dict) -> dict:
    """A ticket as every reader gets it: the caller's name and phone, and the personal data in the title and
    text, masked. Clear text only through `unmask`, with a reason and its audit row."""
    return ticket | {
        "text": privacy.mask_text(ticket["text"]),
        "title": privacy.mask_text(ticket["title"]),
        "address": privacy.mask_text(ticket["address"]),
        "caller_name": privacy.mask_name(ticket["caller_name"]) if ticket["caller_name"] else None,
        "caller_phone": privacy.mask_phone(ticket["caller_phone"]) if ticket["caller_phone"] else None,
    }


def _stored(url: str, ticket_id: int) -> dict:
    with transaction(url) as session:
        found = store.ticket(session, ticket_id)
        if found is None:
            raise Refused("ticket.not_found", http=404, ticket=ticket_id)
        return found | {"events": store.events(session, ticket_id)}


def detail(url: str, ticket_id: int) -> dict:
    return masked(_stored(url, ticket_id))


def unmask(url: str, actor: Actor, ticket_id: int, reason: str) -> dict[str, str | None]:
    """The caller's own words, name and phone in clear, for a role that may unmask and with a reason (the audit
    row is written before they are returned)."""
    found = _stored(url, ticket_id)
    text = privacy.unmask(url, actor, f"ticket:{ticket_id}", "caller", found["text"], reason)
    return {"text": text, "caller_name": found["caller_name"], "caller_phone": found["caller_phone"]}


def queue(url: str, statuses: tuple[str, ...] | None = None, limit: int = 200) -> list[dict]:
    with transaction(url) as session:
        return [masked(r) for r in store.tickets(session, statuses, limit=limit)]


def desk_queue(url: str, shown: str | None, now: datetime, limit: int) -> list[dict]:
    """The desk's ticket list for its filter: triage or closed as they are, overdue among the open ones, else
    every open ticket; newest first, at most `limit`."""
    if shown in ("triage", "closed"):
        return queue(url, (shown,), limit)
    rows = queue(url, TICKET_OPEN, 2000)
    if shown == "overdue":
        rows = [r for r in rows if overdue(r, now)]
    return rows[:limit]


def overdue(ticket: dict, now: datetime) -> str | None:
    """Which clock has run out on an open ticket: contact or handling."""
    if ticket["status"] in ("triage", "dispatched") and now > ticket["contact_due"]:
        return "contact"
    if ticket["status"] in TICKET_OPEN and ticket["handled_at"] is None and now > ticket["handle_due"]:
        return "handle"
    return None


def similarity(a: str, b: str) -> float:
    """How alike two texts are to the router's eyes (cosine of their TF-IDF), for tests and the bench."""
    return round(_similar(a, b), 3)
