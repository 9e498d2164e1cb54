"""The duty officer's alarm queue as a view model: filtered (severity, type, status, device text), gravest
or newest first, each alarm with the steps its status allows; and bulk acknowledgement of what the filter
shows, one audit row per alarm in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cockpit.actor import Actor
from cockpit.services.iot import alarm_grading
from cockpit.services.iot.alarms import SEVERITIES, TRANSITIONS
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import ALARM_STATUSES
from data_access import iot
from data_access.db import transaction, write_transaction

SORTS = ("severity", "newest")
STATUSES = ALARM_STATUSES
QUEUE_LIMIT = 100


@dataclass(frozen=True)
class Filter:
    severities: tuple[int, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("new", "acknowledged")
    text: str = ""
    sort: str = "severity"


@dataclass(frozen=True)
class Item:
    id: int
    severity: int
    status: str
    alarm_type: str
    device_code: str
    device_name: str
    rule_name: str
    rule_name_en: str
    value: float | None
    raised_at: Any
    escalation_level: int
    lon: float
    lat: float
    actions: tuple[str, ...] = field(default_factory=tuple)


def clean(
    severities: list | None, types: list | None, statuses: list | None, text: str | None, sort: str | None
) -> Filter:
    """A filter from what a client sent: unknown values are dropped, never passed on."""
    return Filter(
        tuple(s for s in (severities or []) if s in SEVERITIES),
        tuple(t for t in (types or []) if isinstance(t, str) and len(t) <= 48),
        tuple(s for s in (statuses or []) if s in STATUSES),
        (text or "").strip()[:64] if isinstance(text, str) else "",
        sort if sort in SORTS else "severity",
    )


def as_item(row: dict[str, Any], can_act: bool) -> Item:
    actions = tuple(a for a, (start, _) in TRANSITIONS.items() if row["status"] in start) if can_act else ()
    return Item(
        row["id"],
        row["severity"],
        row["status"],
        row["alarm_type"],
        row["device_code"],
        row["device_name"],
        row["rule_name"],
        row["rule_name_en"],
        row["value"],
        row["raised_at"],
        row["escalation_level"],
        row["lon"],
        row["lat"],
        actions,
    )


def _rows(session: Any, f: Filter, limit: int) -> list[dict[str, Any]]:
    return iot.alarms(
        session,
        f.statuses or None,
        limit,
        severities=f.severities or None,
        types=f.types or None,
        text=f.text,
        newest_first=f.sort == "newest",
    )


def queue(url: str, f: Filter, can_act: bool, limit: int = QUEUE_LIMIT) -> list[Item]:
    with transaction(url) as session:
        return [as_item(r, can_act) for r in _rows(session, f, limit)]


def alarm_types(url: str) -> list[str]:
    """Every alarm type the rules can raise, for the filter."""
    with transaction(url) as session:
        return sorted({alarm_grading.alarm_type(r) for r in iot.rules(session)})


def acknowledge_all(url: str, actor: Actor, f: Filter) -> int:
    """Acknowledge every new alarm the filter shows (up to the queue's length), all in one transaction."""
    now = stored_now()
    with write_transaction(url) as session:
        rows = [r for r in _rows(session, f, QUEUE_LIMIT) if r["status"] == "new"]
        for r in rows:
            values = {"status": "acknowledged", "acknowledged_at": now, "acknowledged_by": actor.name}
            iot.change_alarm(session, r["id"], "acknowledged", values, now)
            after = {"status": "acknowledged", "bulk": True}
            audit.record(session, actor, "alarm.acknowledge", f"alarm:{r['id']}", before={"status": "new"}, after=after)
    return len(rows)
