"""One-stop government services and 12345: tickets, channels, licences, commitments, notifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Ticket(Base):
    """A 12345 ticket (工单): what the caller said, where, how the router or a person routed it, and the 接诉即办
    clocks (contact and handling due), the callback's verdict, returns (退单) and reopenings."""

    __tablename__ = "ticket"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # sample_data.services.CHANNELS or open311
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    caller_name: Mapped[str | None] = mapped_column(String(64))
    caller_phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    district_adcode: Mapped[str | None] = mapped_column(String(6))
    street_code: Mapped[str | None] = mapped_column(String(16), index=True)
    category: Mapped[str] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(64), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    routed_by: Mapped[str] = mapped_column(String(16))  # router | person
    status: Mapped[str] = mapped_column(String(16), index=True)  # cockpit.vocab.TICKET_STATUSES
    priority: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str | None] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(Integer)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    contact_due: Mapped[datetime] = mapped_column(DateTime)
    handle_due: Mapped[datetime] = mapped_column(DateTime)
    contacted_at: Mapped[datetime | None] = mapped_column(DateTime)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[str | None] = mapped_column(String(16))  # satisfied | basic | unsatisfied
    returns: Mapped[int] = mapped_column(Integer)
    reopened: Mapped[int] = mapped_column(Integer)
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class TicketEvent(Base):
    """One step of a ticket: who did what, with which note (a return's reason, a transfer's target)."""

    __tablename__ = "ticket_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class ChannelDay(Base):
    """A hall's or channel's day: how many were served, mean waiting and handling minutes (generated)."""

    __tablename__ = "channel_day"
    __table_args__ = (UniqueConstraint("hall", "channel", "day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    volume: Mapped[int] = mapped_column(Integer)
    wait_min: Mapped[float] = mapped_column(Float)
    handle_min: Mapped[float] = mapped_column(Float)


class IssuedLicence(Base):
    """An e-licence the cockpit issued when a service item completed: its payload and Ed25519 signature."""

    __tablename__ = "issued_licence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    item_code: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON that was signed
    signature: Mapped[str] = mapped_column(String(128))  # hex
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean)


class Commitment(Base):
    """A credit commitment (信用承诺): an applicant promises what an item's materials would prove, by a date."""

    __tablename__ = "commitment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_code: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(200))
    promise: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))  # pending | kept | broken
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Notification(Base):
    """The notification outbox: in-app always; SMS and e-mail when their adapter is set."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # in_app | sms | email
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(16))  # queued | sent | failed | in_app
