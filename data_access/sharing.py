"""Storage of the sharing service: department keys (with quota, rate and scope), applications for
conditionally shared datasets, and the counts of a key's reads in a window, taken from the usage register."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import DatasetUsage, ShareApplication, ShareKey


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def add_key(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(ShareKey), [values])


def key(session: Session, token_id: int) -> dict[str, Any] | None:
    found = session.get(ShareKey, token_id)
    return _row(found) if found else None


def keys(session: Session) -> list[dict[str, Any]]:
    return [_row(k) for k in session.scalars(select(ShareKey).order_by(ShareKey.token_id))]


def add_application(session: Session, values: dict[str, Any]) -> int:
    return session.execute(insert(ShareApplication).returning(ShareApplication.id), [values]).scalar_one()


def application(session: Session, application_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = select(ShareApplication).where(ShareApplication.id == application_id)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(found) if found else None


def applications(session: Session, status: str | None, limit: int) -> list[dict[str, Any]]:
    query = select(ShareApplication)
    if status:
        query = query.where(ShareApplication.status == status)
    return [_row(a) for a in session.scalars(query.order_by(ShareApplication.id.desc()).limit(limit))]


def update_application(session: Session, application_id: int, values: dict[str, Any]) -> None:
    session.execute(update(ShareApplication).where(ShareApplication.id == application_id).values(**values))


def reads_since(session: Session, actor: str, since: datetime) -> tuple[int, datetime | None]:
    """How many reads `actor` made since `since`, and when the oldest of them was."""
    query = select(func.count(), func.min(DatasetUsage.at)).where(DatasetUsage.actor == actor, DatasetUsage.at >= since)
    count, oldest = session.execute(query).one()
    return int(count), oldest


def call_counts(session: Session, routes: list[str]) -> dict[str, int]:
    query = select(DatasetUsage.route, func.count()).where(DatasetUsage.route.in_(routes)).group_by(DatasetUsage.route)
    return dict(session.execute(query).all())
