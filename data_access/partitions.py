"""The monthly partitions of readings on PostgreSQL (migration 0011), and deleting old readings on SQLite."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from data_access.models import Reading

MONTH = re.compile(r"reading_(\d{4})(\d{2})")


def partitioned(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months(session: Session) -> list[date]:
    """The first day of every month that has a partition, oldest first."""
    names = session.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'reading'::regclass"
        )
    )
    found = [MONTH.fullmatch(n) for n in names]
    return sorted(date(int(m[1]), int(m[2]), 1) for m in found if m)


def add_month(session: Session, first: date) -> None:
    """A partition for the month starting `first`; readings of that month that fell into the default
    partition meanwhile move into it (PostgreSQL refuses the new partition while they sit there)."""
    bounds = {"start": first, "end": next_month(first)}
    session.execute(text("CREATE TEMP TABLE moving (LIKE reading) ON COMMIT DROP"))
    session.execute(
        text(
            "WITH gone AS (DELETE FROM reading_default WHERE ts >= :start AND ts < :end RETURNING *) "
            "INSERT INTO moving SELECT * FROM gone"
        ),
        bounds,
    )
    session.execute(
        text(
            f"CREATE TABLE reading_{first:%Y%m} PARTITION OF reading "
            f"FOR VALUES FROM ('{bounds['start']}') TO ('{bounds['end']}')"
        )
    )
    session.execute(text("INSERT INTO reading SELECT * FROM moving"))
    session.execute(text("DROP TABLE moving"))


def drop_month(session: Session, first: date) -> int:
    """Drop a whole month at once; returns how many readings it held."""
    name = f"reading_{first:%Y%m}"
    held = session.scalar(text(f"SELECT count(*) FROM {name}"))
    session.execute(text(f"DROP TABLE {name}"))
    return held


def delete_before(session: Session, cutoff: datetime) -> int:
    """Readings older than the cutoff outside any dropped month (SQLite's one table, PostgreSQL's default)."""
    return session.execute(delete(Reading).where(Reading.ts < cutoff)).rowcount
