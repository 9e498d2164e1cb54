"""Enterprises, their financials, districts' economic indicators, investment-attraction approaches and zombie
reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import Enterprise, EnterpriseFinancial, Indicator, IndustryLead, ZombieReview

CHUNK = 2_000


def _row(model: Any, found: Any) -> dict[str, Any]:
    return {c.key: getattr(found, c.key) for c in model.__table__.columns}


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start : start + CHUNK])


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Enterprise)) or 0)


def replace(
    session: Session, enterprises: list[dict[str, Any]], financials: list[dict[str, Any]], indicators: list[dict]
) -> None:
    for model in (Enterprise, EnterpriseFinancial, Indicator):
        session.execute(delete(model))
    _insert(session, Enterprise, enterprises)
    _insert(session, EnterpriseFinancial, financials)
    _insert(session, Indicator, indicators)


def enterprises(session: Session, beijing: bool | None = None) -> list[dict[str, Any]]:
    query = select(Enterprise).order_by(Enterprise.code)
    if beijing is not None:
        query = query.where(Enterprise.is_beijing.is_(beijing))
    return [_row(Enterprise, r) for r in session.scalars(query)]


def enterprise(session: Session, code: str) -> dict[str, Any] | None:
    found = session.scalars(select(Enterprise).where(Enterprise.code == code)).first()
    return _row(Enterprise, found) if found else None


def financials(session: Session) -> list[dict[str, Any]]:
    query = select(EnterpriseFinancial).order_by(EnterpriseFinancial.code, EnterpriseFinancial.year)
    return [_row(EnterpriseFinancial, r) for r in session.scalars(query)]


def indicator_rows(session: Session, name: str, district: str | None = None) -> list[tuple[str, date, float]]:
    query = select(Indicator.district_adcode, Indicator.month, Indicator.value).where(Indicator.name == name)
    if district:
        query = query.where(Indicator.district_adcode == district)
    return [tuple(r) for r in session.execute(query.order_by(Indicator.month, Indicator.district_adcode))]


def leads(session: Session, node: str | None = None) -> list[dict[str, Any]]:
    query = select(IndustryLead).order_by(IndustryLead.updated_at.desc(), IndustryLead.id.desc())
    if node:
        query = query.where(IndustryLead.node == node)
    return [_row(IndustryLead, r) for r in session.scalars(query)]


def lead(session: Session, node: str, code: str, lock: bool = False) -> dict[str, Any] | None:
    query = select(IndustryLead).where(IndustryLead.node == node, IndustryLead.code == code)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(IndustryLead, found) if found else None


def save_lead(session: Session, values: dict[str, Any]) -> None:
    found = lead(session, values["node"], values["code"], lock=True)
    if found:
        session.execute(update(IndustryLead).where(IndustryLead.id == found["id"]).values(**values))
    else:
        session.execute(insert(IndustryLead), [values])


def reviews(session: Session) -> dict[str, dict[str, Any]]:
    return {r.code: _row(ZombieReview, r) for r in session.scalars(select(ZombieReview))}


def review(session: Session, code: str, lock: bool = False) -> dict[str, Any] | None:
    query = select(ZombieReview).where(ZombieReview.code == code)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(ZombieReview, found) if found else None


def save_review(session: Session, code: str, state: str, note: str, actor: str, at: datetime) -> None:
    values = {"code": code, "state": state, "note": note, "actor": actor, "updated_at": at}
    if review(session, code, lock=True):
        session.execute(update(ZombieReview).where(ZombieReview.code == code).values(**values))
    else:
        session.execute(insert(ZombieReview), [values])
