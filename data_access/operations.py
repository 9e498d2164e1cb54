"""City operations storage (scenario 3): events from cameras and component faults, cases and their steps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from data_access.models import Case, CaseStep, Event

CASE_FIELDS = (
    "id",
    "code",
    "key_event",
    "category",
    "status",
    "priority",
    "lon",
    "lat",
    "street_id",
    "grid_id",
    "assignee",
    "filed_at",
    "stage_due",
    "closed_at",
    "merged_into",
)


def _case(c: Case) -> dict[str, Any]:
    return {f: getattr(c, f) for f in CASE_FIELDS}


def known_event_ids(session: Session, event_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(event_ids), 500):
        found.update(session.scalars(select(Event.event_id).where(Event.event_id.in_(event_ids[start : start + 500]))))
    return found


def add_event(session: Session, values: dict[str, Any]) -> int:
    event = Event(**values)
    session.add(event)
    session.flush()
    return event.id


def neighbours(
    session: Session, event_type: str, lon: float, lat: float, dlon: float, dlat: float, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Events of one type in a box and a time window, already in a case."""
    rows = session.scalars(
        select(Event).where(
            Event.type == event_type,
            Event.case_id.is_not(None),
            Event.lon.between(lon - dlon, lon + dlon),
            Event.lat.between(lat - dlat, lat + dlat),
            Event.ts.between(start, end),
        )
    )
    return [{"event_id": e.event_id, "lon": e.lon, "lat": e.lat, "ts": e.ts, "case_id": e.case_id} for e in rows]


def attach(session: Session, event_ids: list[str], case_id: int) -> None:
    session.execute(update(Event).where(Event.event_id.in_(event_ids)).values(case_id=case_id))


def move_events(session: Session, from_case: int, to_case: int) -> None:
    session.execute(update(Event).where(Event.case_id == from_case).values(case_id=to_case))


def event_case(session: Session, event_id: str) -> int | None:
    return session.scalar(select(Event.case_id).where(Event.event_id == event_id))


def first_event(session: Session, case_id: int) -> dict[str, Any]:
    e = session.scalar(select(Event).where(Event.case_id == case_id).order_by(Event.ts, Event.event_id).limit(1))
    return {"event_id": e.event_id, "ts": e.ts, "lon": e.lon, "lat": e.lat}


def add_case(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    case = Case(**values)
    session.add(case)
    session.flush()
    case.code = f"CASE-{case.filed_at:%Y%m%d}-{case.id:05d}"
    session.flush()
    return _case(case)


def case(session: Session, case_id: int, for_update: bool = False) -> dict[str, Any] | None:
    query = select(Case).where(Case.id == case_id)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    return _case(found) if found else None


def set_case(session: Session, case_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Case).where(Case.id == case_id).values(**values))


def cases(session: Session, statuses: tuple[str, ...] | None = None, limit: int = 500) -> list[dict[str, Any]]:
    query = select(Case).where(Case.merged_into.is_(None)).order_by(Case.filed_at.desc()).limit(limit)
    if statuses:
        query = query.where(Case.status.in_(statuses))
    return [_case(c) for c in session.scalars(query)]


def case_events(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.ts, Event.event_id))
    return [
        {"event_id": e.event_id, "source": e.source, "ts": e.ts, "confidence": e.confidence, "lon": e.lon, "lat": e.lat}
        for e in rows
    ]


def partition(session: Session) -> dict[str, frozenset[str]]:
    """Each live case's key event and the ids of all its events (what must not depend on arrival order)."""
    rows = session.execute(
        select(Case.key_event, Event.event_id).join(Event, Event.case_id == Case.id).where(Case.merged_into.is_(None))
    )
    out: dict[str, set[str]] = {}
    for key, event_id in rows:
        out.setdefault(key, set()).add(event_id)
    return {k: frozenset(v) for k, v in out.items()}


def add_step(session: Session, values: dict[str, Any]) -> None:
    session.add(CaseStep(**values))


def steps(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(CaseStep).where(CaseStep.case_id == case_id).order_by(CaseStep.id))
    return [
        {"status": s.status, "actor": s.actor, "at": s.at, "note": s.note, "photo": s.photo, "on_time": s.on_time}
        for s in rows
    ]


def last_actor(session: Session, case_id: int, status: str) -> str | None:
    return session.scalar(
        select(CaseStep.actor)
        .where(CaseStep.case_id == case_id, CaseStep.status == status)
        .order_by(CaseStep.id.desc())
        .limit(1)
    )


def late_steps(session: Session, case_ids: list[int]) -> set[int]:
    return set(
        session.scalars(select(CaseStep.case_id).where(CaseStep.case_id.in_(case_ids), CaseStep.on_time.is_(False)))
    )


def filed_per_hour(session: Session, since: datetime) -> list[tuple[datetime, int]]:
    """Filings per UTC hour since `since` (hours without filings are absent)."""
    hour = (
        func.strftime("%Y-%m-%d %H:00", Case.filed_at)
        if session.get_bind().dialect.name == "sqlite"
        else func.to_char(Case.filed_at, "YYYY-MM-DD HH24:00")
    )
    rows = session.execute(
        select(hour, func.count())
        .where(Case.filed_at >= since, Case.merged_into.is_(None))
        .group_by(hour)
        .order_by(hour)
    )
    return [(datetime.strptime(h, "%Y-%m-%d %H:%M"), n) for h, n in rows]
