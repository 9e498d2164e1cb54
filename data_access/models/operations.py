"""One-network city operations: events, cases, their steps and the photos that prove them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Event(Base):
    """An AI camera detection or a component fault; events that belong together form one case."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(64))  # camera code, or device code for component faults
    type: Mapped[str] = mapped_column(String(32), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    ts: Mapped[datetime] = mapped_column(DateTime)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime)


class Case(Base):
    """案件 of digital urban management: filed → dispatched → handled → verified → closed, on SLA clocks."""

    __tablename__ = "case_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    key_event: Mapped[str] = mapped_column(String(64), unique=True)  # the earliest event of the case
    category: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    priority: Mapped[int] = mapped_column(Integer)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    assignee: Mapped[str | None] = mapped_column(String(128))
    filed_at: Mapped[datetime] = mapped_column(DateTime)
    stage_due: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    merged_into: Mapped[int | None] = mapped_column(Integer)


class CaseStep(Base):
    """One step of a case's timeline: who did what, when, with a note and an after-photo reference."""

    __tablename__ = "case_step"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[str | None] = mapped_column(String(256))
    on_time: Mapped[bool | None] = mapped_column(Boolean)


class Photo(Base):
    """A photo from the field: the file lives under var/photos by its SHA-256, re-encoded without metadata;
    the phone's GPS position and time from its EXIF are kept here as evidence."""

    __tablename__ = "photo"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[str | None] = mapped_column(String(32))
