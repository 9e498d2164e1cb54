"""Pre-screened projects (策划生成) and the opinions asked of departments about them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from data_access.models import PlanScreening, PlanScreeningRequest


def _row(model: Any, found: Any) -> dict[str, Any]:
    return {c.key: getattr(found, c.key) for c in model.__table__.columns}


def add(session: Session, values: dict[str, Any], requests: list[dict[str, Any]]) -> int:
    screening_id = session.execute(insert(PlanScreening).returning(PlanScreening.id), [values]).scalar_one()
    if requests:
        session.execute(insert(PlanScreeningRequest), [r | {"screening_id": screening_id} for r in requests])
    return int(screening_id)


def screenings(session: Session, limit: int) -> list[dict[str, Any]]:
    query = select(PlanScreening).order_by(PlanScreening.id.desc()).limit(limit)
    return [_row(PlanScreening, r) for r in session.scalars(query)]


def screening(session: Session, screening_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = select(PlanScreening).where(PlanScreening.id == screening_id)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(PlanScreening, found) if found else None


def requests(session: Session, screening_id: int) -> list[dict[str, Any]]:
    query = (
        select(PlanScreeningRequest)
        .where(PlanScreeningRequest.screening_id == screening_id)
        .order_by(PlanScreeningRequest.id)
    )
    return [_row(PlanScreeningRequest, r) for r in session.scalars(query)]


def answer(session: Session, request_id: int, values: dict[str, Any]) -> None:
    session.execute(update(PlanScreeningRequest).where(PlanScreeningRequest.id == request_id).values(**values))


def conclude(session: Session, screening_id: int, values: dict[str, Any]) -> None:
    session.execute(update(PlanScreening).where(PlanScreening.id == screening_id).values(**values))
