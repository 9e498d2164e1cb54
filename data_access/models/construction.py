"""Construction lifecycle: projects and their scheduled tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Project(Base):
    """A construction project (项目建设) from approval to operation: its stage and the dates each was reached,
    owner, contractor, budget and spending, site and designed buildings (GeoJSON)."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(32), index=True)  # cockpit.vocab.PROJECT_STAGES
    stage_dates: Mapped[str] = mapped_column(Text)  # JSON: stage -> ISO date reached
    owner: Mapped[str] = mapped_column(String(200))
    contractor: Mapped[str] = mapped_column(String(200))
    budget_wan: Mapped[float] = mapped_column(Float)  # 万元
    spent_wan: Mapped[float] = mapped_column(Float)
    street_code: Mapped[str | None] = mapped_column(String(16))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    site: Mapped[str] = mapped_column(Text)
    design: Mapped[str] = mapped_column(Text)  # FeatureCollection: footprints with floors and use
    plan_code: Mapped[str | None] = mapped_column(String(64))  # the development plan's project it carries out
    start_on: Mapped[date] = mapped_column(Date)  # day 0 of the schedule
    baseline_at: Mapped[datetime | None] = mapped_column(DateTime)  # when the baseline was frozen
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class ProjectTask(Base):
    """A task of a project's schedule: duration in working days, links to its predecessors (JSON), the frozen
    baseline (days from the project's start) and what actually happened."""

    __tablename__ = "project_task"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    duration_days: Mapped[float] = mapped_column(Float)
    links: Mapped[str] = mapped_column(Text)  # JSON: [{"predecessor", "kind", "lag"}]
    baseline_start: Mapped[float | None] = mapped_column(Float)
    baseline_finish: Mapped[float | None] = mapped_column(Float)
    actual_start: Mapped[date | None] = mapped_column(Date)
    actual_finish: Mapped[date | None] = mapped_column(Date)
    percent: Mapped[float] = mapped_column(Float)
