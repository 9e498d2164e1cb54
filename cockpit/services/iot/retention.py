"""How long readings are kept: `cockpit retention` (run daily by the systemd timer in deploy/) keeps the
months the setting asks for. On PostgreSQL it drops whole monthly partitions and makes the coming months'
partitions ahead of time; on SQLite it deletes the old rows. Each run writes one audit row in its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cockpit.actor import Actor
from cockpit.services.support import audit
from data_access import partitions
from data_access.db import write_transaction

AHEAD_MONTHS = 3


@dataclass(frozen=True)
class Kept:
    cutoff: date
    dropped_months: list[str]
    deleted: int
    added_months: list[str]


def month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def keep(url: str, actor: Actor, months: int, today: date) -> Kept:
    """Keep the current month and the `months` - 1 before it; returns what went and what was made."""
    if months < 1:
        raise ValueError("retention keeps at least one month")
    cutoff = month_start(today, months - 1)
    dropped, added = [], []
    deleted = 0
    with write_transaction(url) as session:
        if partitions.partitioned(session):
            have = partitions.months(session)
            for first in have:
                if first < cutoff:
                    deleted += partitions.drop_month(session, first)
                    dropped.append(f"{first:%Y-%m}")
            first = month_start(today)
            for _ in range(AHEAD_MONTHS + 1):
                if first not in have:
                    partitions.add_month(session, first)
                    added.append(f"{first:%Y-%m}")
                first = partitions.next_month(first)
        deleted += partitions.delete_before(session, datetime.combine(cutoff, datetime.min.time()))
        audit.record(
            session,
            actor,
            "readings.retention",
            "reading",
            after={"months": months, "cutoff": cutoff.isoformat(), "dropped": dropped, "deleted": deleted},
        )
    return Kept(cutoff, dropped, deleted, added)
