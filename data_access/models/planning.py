"""Multi-plan one map: plan layers, zones, conflicts, opinions, revisions and pre-screening."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class PlanLayer(Base):
    """A plan of multi-plan integration (多规合一): its type, keeping department, approving authority, vintage
    and legal status."""

    __tablename__ = "plan_layer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    title_en: Mapped[str] = mapped_column(String(128))
    department: Mapped[str] = mapped_column(String(64))
    authority: Mapped[str] = mapped_column(String(64))
    vintage: Mapped[str] = mapped_column(String(64))
    legal_status: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)  # 0 as approved; each decided conflict applied adds one
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class PlanZone(Base):
    """A zone of a plan: its code, land use and the limits the plan sets on it."""

    __tablename__ = "plan_zone"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("plan_layer.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    use: Mapped[str] = mapped_column(String(32))
    far_max: Mapped[float | None] = mapped_column(Float)
    height_max: Mapped[float | None] = mapped_column(Float)
    green_min: Mapped[float | None] = mapped_column(Float)
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON, WGS-84


class PlanConflict(Base):
    """A conflict patch (冲突图斑): where two plans (or a plan and what stands) disagree under a rule. Its key
    (rule, both zones, the piece) stays the same between detections, so its status survives them."""

    __tablename__ = "plan_conflict"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    rule: Mapped[str] = mapped_column(String(48))
    left_layer: Mapped[str] = mapped_column(String(32))
    left_code: Mapped[str] = mapped_column(String(64))
    right_layer: Mapped[str] = mapped_column(String(32))
    right_code: Mapped[str] = mapped_column(String(64))
    area_m2: Mapped[float] = mapped_column(Float)
    department: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)  # cockpit.vocab.PLAN_CONFLICT_STATUSES
    geometry: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)
    assigned_to: Mapped[str | None] = mapped_column(String(64))  # the department that leads the settlement
    deadline: Mapped[date | None] = mapped_column(Date)  # for the departments' opinions
    decision: Mapped[str | None] = mapped_column(String(8))  # left | right: the plan that yields the patch
    decided_by: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)
    meets: Mapped[str | None] = mapped_column(Text)  # JSON: the multi-way meeting this patch is part of


class PlanOpinion(Base):
    """A department's opinion on a conflict patch, asked for by its deadline."""

    __tablename__ = "plan_opinion"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conflict_id: Mapped[int] = mapped_column(ForeignKey("plan_conflict.id"), index=True)
    department: Mapped[str] = mapped_column(String(64))
    opinion: Mapped[str] = mapped_column(Text)
    given_by: Mapped[str] = mapped_column(String(128))
    given_at: Mapped[datetime] = mapped_column(DateTime)


class PlanRevision(Base):
    """A zone changed by a decided conflict: the plan's new revision, the zone before and after (GeoJSON)."""

    __tablename__ = "plan_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer_key: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    zone_code: Mapped[str] = mapped_column(String(32))
    conflict_id: Mapped[int] = mapped_column(ForeignKey("plan_conflict.id"))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(128))
    made_at: Mapped[datetime] = mapped_column(DateTime)


class PlanScreening(Base):
    """A project pre-screened on its drawn site (策划生成): the checks found, and the conclusion the
    departments' answers lead to."""

    __tablename__ = "plan_screening"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    use: Mapped[str] = mapped_column(String(32))
    floor_area_m2: Mapped[float] = mapped_column(Float)
    site: Mapped[str] = mapped_column(Text)  # GeoJSON
    area_m2: Mapped[float] = mapped_column(Float)
    checks: Mapped[str] = mapped_column(Text)  # JSON list
    status: Mapped[str] = mapped_column(String(16), index=True)  # cockpit.vocab.SCREENING_STATUSES
    conclusion: Mapped[str | None] = mapped_column(String(16))  # cockpit.vocab.SCREENING_ANSWERS
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(DateTime)


class PlanScreeningRequest(Base):
    """An opinion asked of a department about a pre-screened project, by its deadline."""

    __tablename__ = "plan_screening_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("plan_screening.id"), index=True)
    department: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))  # the check that needs the department
    deadline: Mapped[date] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(String(16))
    opinion: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(128))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
