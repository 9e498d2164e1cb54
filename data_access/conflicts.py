"""Storage of data conflicts (数据打架): found again on every detection run without duplicates (one row per
comparison, kind, attribute and the two records' keys), listed, counted per dataset, and moved through
their ticket states by the service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from data_access.models import DataConflict

OPEN = ("open", "assigned")


def _row(obj: DataConflict) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def known(session: Session, comparison: str) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    rows = session.scalars(select(DataConflict).where(DataConflict.comparison == comparison))
    return {(r.kind, r.attribute, r.left_key, r.right_key): _row(r) for r in rows}


def add(session: Session, values: dict[str, Any]) -> int:
    made = DataConflict(**values)
    session.add(made)
    session.flush()
    return made.id


def update_conflict(session: Session, conflict_id: int, values: dict[str, Any]) -> None:
    session.execute(update(DataConflict).where(DataConflict.id == conflict_id).values(**values))


def conflict(session: Session, conflict_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = select(DataConflict).where(DataConflict.id == conflict_id)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(found) if found else None


def listing(
    session: Session, status: str | None, dataset_id: int | None, limit: int, after: int = 0
) -> list[dict[str, Any]]:
    query = select(DataConflict).where(DataConflict.id > after)
    if status:
        query = query.where(DataConflict.status == status)
    if dataset_id:
        query = query.where(
            or_(DataConflict.left_dataset_id == dataset_id, DataConflict.right_dataset_id == dataset_id)
        )
    return [_row(c) for c in session.scalars(query.order_by(DataConflict.id).limit(limit))]


def counts(session: Session) -> dict[str, int]:
    query = select(DataConflict.status, func.count()).group_by(DataConflict.status)
    return dict(session.execute(query).all())


def disputed_records(session: Session, dataset_id: int) -> int:
    """How many of a dataset's records stand in an unresolved conflict (on either side)."""
    left = select(DataConflict.left_key).where(
        DataConflict.left_dataset_id == dataset_id, DataConflict.status.in_(OPEN), DataConflict.left_key != ""
    )
    right = select(DataConflict.right_key).where(
        DataConflict.right_dataset_id == dataset_id, DataConflict.status.in_(OPEN), DataConflict.right_key != ""
    )
    keys = {k for (k,) in session.execute(left)} | {k for (k,) in session.execute(right)}
    return len(keys)
