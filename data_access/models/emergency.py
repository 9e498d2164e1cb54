"""Emergency one-click dispatch: incidents, resources, plans and dispatches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Incident(Base):
    """突发事件: reported by hand or by the live simulation; level 1 (特别重大) to 4 (一般)."""

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_adcode: Mapped[str | None] = mapped_column(ForeignKey("district.adcode"))
    street_code: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    reporter: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | dispatched | closed
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class Resource(Base):
    """应急资源: units and depots (generated) and the real hospitals and shelters."""

    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    name: Mapped[str] = mapped_column(String(128))
    base_name: Mapped[str] = mapped_column(String(128))
    home_lon: Mapped[float] = mapped_column(Float)
    home_lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    capacity: Mapped[int] = mapped_column(Integer)
    occupancy: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    district_adcode: Mapped[str | None] = mapped_column(ForeignKey("district.adcode"))
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class Plan(Base):
    """预案 (run card): for an incident type and level, how many units of a kind, and the target time."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_type: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    count: Mapped[int] = mapped_column(Integer)
    target_minutes: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("incident_type", "level", "kind", name="uq_plan_type_level_kind"),)


class Dispatch(Base):
    """调度指令: one unit to one incident. The database itself allows one active dispatch per unit."""

    __tablename__ = "dispatch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    status: Mapped[str] = mapped_column(String(16))  # active | finished
    stage: Mapped[str] = mapped_column(String(16))  # dispatched | en_route | on_scene | returning | finished
    eta_s: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16))  # network | straight
    route: Mapped[str] = mapped_column(Text)
    dispatched_by: Mapped[str] = mapped_column(String(128))
    dispatched_at: Mapped[datetime] = mapped_column(DateTime)
    en_route_at: Mapped[datetime | None] = mapped_column(DateTime)
    on_scene_at: Mapped[datetime | None] = mapped_column(DateTime)
    returning_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    reported_by: Mapped[str | None] = mapped_column(String(128))  # the crew reports its stages from the field
    __table_args__ = (
        Index(
            "uq_dispatch_active_resource",
            "resource_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )
