"""12345 tickets and their steps, halls' and channels' days, issued e-licences, credit commitments and the
notification outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import ChannelDay, Commitment, IssuedLicence, Notification, Ticket, TicketEvent


def _row(model: Any, found: Any) -> dict[str, Any]:
    return {c.key: getattr(found, c.key) for c in model.__table__.columns}


def ticket_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Ticket)) or 0)


def add_ticket(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    ticket = Ticket(**values)
    session.add(ticket)
    session.flush()
    if not ticket.code:
        ticket.code = f"12345-{ticket.created_at:%Y%m%d}-{ticket.id:06d}"
        session.flush()
    return _row(Ticket, ticket)


def ticket(session: Session, ticket_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = select(Ticket).where(Ticket.id == ticket_id)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(Ticket, found) if found else None


def set_ticket(session: Session, ticket_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))


def tickets(
    session: Session, statuses: tuple[str, ...] | None = None, since: datetime | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    query = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if since:
        query = query.where(Ticket.created_at >= since)
    return [_row(Ticket, r) for r in session.scalars(query.limit(limit))]


def near(session: Session, lon: float, lat: float, dlon: float, dlat: float, since: datetime) -> list[dict]:
    query = select(Ticket).where(
        Ticket.lon.between(lon - dlon, lon + dlon),
        Ticket.lat.between(lat - dlat, lat + dlat),
        Ticket.created_at >= since,
        Ticket.merged_into.is_(None),
    )
    return [_row(Ticket, r) for r in session.scalars(query)]


def add_event(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(TicketEvent), [values])


def events(session: Session, ticket_id: int) -> list[dict[str, Any]]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    return [_row(TicketEvent, r) for r in session.scalars(query)]


def replace_channel_days(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(delete(ChannelDay))
    if rows:
        session.execute(insert(ChannelDay), rows)


def channel_days(session: Session) -> list[dict[str, Any]]:
    query = select(ChannelDay).order_by(ChannelDay.day, ChannelDay.hall, ChannelDay.channel)
    return [_row(ChannelDay, r) for r in session.scalars(query)]


def add_licence(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    found = IssuedLicence(**values)
    session.add(found)
    session.flush()
    return _row(IssuedLicence, found)


def licence(session: Session, licence_id: int) -> dict[str, Any] | None:
    found = session.get(IssuedLicence, licence_id)
    return _row(IssuedLicence, found) if found else None


def licence_by_number(session: Session, number: str) -> dict[str, Any] | None:
    found = session.scalars(select(IssuedLicence).where(IssuedLicence.number == number)).first()
    return _row(IssuedLicence, found) if found else None


def licences(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    query = select(IssuedLicence).order_by(IssuedLicence.id.desc()).limit(limit)
    return [_row(IssuedLicence, r) for r in session.scalars(query)]


def add_commitment(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    found = Commitment(**values)
    session.add(found)
    session.flush()
    return _row(Commitment, found)


def commitment(session: Session, commitment_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = select(Commitment).where(Commitment.id == commitment_id)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(Commitment, found) if found else None


def set_commitment(session: Session, commitment_id: int, state: str) -> None:
    session.execute(update(Commitment).where(Commitment.id == commitment_id).values(state=state))


def commitments(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    query = select(Commitment).order_by(Commitment.id.desc()).limit(limit)
    return [_row(Commitment, r) for r in session.scalars(query)]


def notify(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(Notification), [values])


def notifications(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    query = select(Notification).order_by(Notification.id.desc()).limit(limit)
    return [_row(Notification, r) for r in session.scalars(query)]


def mark_sent(session: Session, notification_id: int, state: str, at: datetime | None) -> None:
    session.execute(update(Notification).where(Notification.id == notification_id).values(state=state, sent_at=at))


def due_commitments(session: Session, today: date) -> list[dict[str, Any]]:
    query = select(Commitment).where(Commitment.state == "pending", Commitment.due_on < today)
    return [_row(Commitment, r) for r in session.scalars(query)]
