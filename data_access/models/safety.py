"""Public safety: key areas, cameras, person files, sightings, tags, watch list, searches, lost persons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class KeyArea(Base):
    """A key area (重点区域): a metro station, hospital, school or campus from the real POIs, with its capacity."""

    __tablename__ = "key_area"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)
    capacity: Mapped[int] = mapped_column(Integer)  # people per 10 minutes before it counts as crowded
    source: Mapped[str] = mapped_column(Text)


class CameraSite(Base):
    """What the safety scenario knows of a camera device: the key area it watches, if any."""

    __tablename__ = "camera_site"
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True)
    key_area_id: Mapped[int | None] = mapped_column(ForeignKey("key_area.id"), index=True)
    sees: Mapped[str] = mapped_column(String(16))  # person | vehicle | both


class PersonFile(Base):
    """一人一档: a cluster of person sightings by feature vector; no identity unless an officer links one."""

    __tablename__ = "person_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)  # float32 unit vector
    sightings: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime, index=True)
    attributes: Mapped[str] = mapped_column(Text)  # the latest sighting's attributes (JSON)
    identity: Mapped[str | None] = mapped_column(String(64))  # linked by an officer, with the case in the audit


class Sighting(Base):
    """抓拍: what a camera's analytics reported (attributes, a feature vector or a plate), never an image."""

    __tablename__ = "sighting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sighting_id: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    ts: Mapped[datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)
    plate: Mapped[str | None] = mapped_column(String(16))
    vehicle_type: Mapped[str | None] = mapped_column(String(8))
    colour: Mapped[str | None] = mapped_column(String(8))
    upper: Mapped[str | None] = mapped_column(String(8))
    lower: Mapped[str | None] = mapped_column(String(8))
    age_band: Mapped[str | None] = mapped_column(String(8))
    bag: Mapped[bool | None] = mapped_column(Boolean)
    hat: Mapped[bool | None] = mapped_column(Boolean)
    feature: Mapped[bytes | None] = mapped_column(LargeBinary)
    person_file_id: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        # partial: a person's sighting leaves the plate index alone, a vehicle's the file index
        Index(
            "ix_sighting_plate_ts",
            "plate",
            "ts",
            sqlite_where=text("plate IS NOT NULL"),
            postgresql_where=text("plate IS NOT NULL"),
        ),
        Index(
            "ix_sighting_file_ts",
            "person_file_id",
            "ts",
            sqlite_where=text("person_file_id IS NOT NULL"),
            postgresql_where=text("person_file_id IS NOT NULL"),
        ),
        Index("ix_sighting_device_ts", "device_id", "ts"),
    )


class SafetyTag(Base):
    """标签库: a tag on a vehicle (by plate) or a person file, by an officer."""

    __tablename__ = "safety_tag"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(40), index=True)  # vehicle:<plate> | person:<file id>
    tag: Mapped[str] = mapped_column(String(32))
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(DateTime)


class WatchEntry(Base):
    """布控: a plate or a person file watched under a case until a time."""

    __tablename__ = "watch_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(40), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    case_no: Mapped[str] = mapped_column(String(32))
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    until: Mapped[datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean)


class SafetySearch(Base):
    """Every search of people or vehicles: who, under which legal basis and case, what and how many found."""

    __tablename__ = "safety_search"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # person | vehicle | lost_person | trajectory | export
    legal_basis: Mapped[str] = mapped_column(String(32))
    case_no: Mapped[str] = mapped_column(String(32))
    criteria: Mapped[str | None] = mapped_column(Text)  # emptied when the case's artefacts are deleted
    found: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class LostPerson(Base):
    """走失人员: a report and its search; the personal parts are deleted at closure by the retention job."""

    __tablename__ = "lost_person"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    case_no: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str | None] = mapped_column(Text)  # attributes (JSON)
    name: Mapped[str | None] = mapped_column(String(64))
    guardian_name: Mapped[str | None] = mapped_column(String(64))
    guardian_phone: Mapped[str | None] = mapped_column(String(32))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    person_file_id: Mapped[int | None] = mapped_column(Integer)
    confirmed: Mapped[str | None] = mapped_column(Text)  # the sighting ids an officer confirmed (JSON)
    incident_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    found_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime)


class UnmaskGrant(Base):
    """A time-limited unmask: one officer, one subject, a reason, until a time."""

    __tablename__ = "unmask_grant"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer: Mapped[str] = mapped_column(String(128), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class SafetyCase(Base):
    """A case in the register: opened by a supervisor, under one legal basis; only its officers search for it."""

    __tablename__ = "safety_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    legal_basis: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    opened_by: Mapped[str] = mapped_column(String(128))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    generated: Mapped[bool] = mapped_column(Boolean, default=False)


class SafetyCaseOfficer(Base):
    """An officer assigned to a case, by whom and when."""

    __tablename__ = "safety_case_officer"
    case_id: Mapped[int] = mapped_column(ForeignKey("safety_case.id"), primary_key=True)
    officer: Mapped[str] = mapped_column(String(128), primary_key=True)
    assigned_by: Mapped[str] = mapped_column(String(128))
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
