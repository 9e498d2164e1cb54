"""Industry overview: enterprises, their financials, indicators, leads and zombie reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Enterprise(Base):
    """An enterprise (企业): a listed company (real register; a Beijing one placed by the generator's rule) or a
    generated small or medium one. power_index is this month's power use against the firm's own normal."""

    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(32), index=True)
    province: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(32))
    is_beijing: Mapped[bool] = mapped_column(Boolean, index=True)
    listed: Mapped[bool] = mapped_column(Boolean)
    district_adcode: Mapped[str | None] = mapped_column(String(6), index=True)
    park: Mapped[str | None] = mapped_column(String(32))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    employees: Mapped[float | None] = mapped_column(Float)
    reg_capital_wan: Mapped[float | None] = mapped_column(Float)
    main_business: Mapped[str] = mapped_column(Text)
    list_date: Mapped[str | None] = mapped_column(String(10))
    power_index: Mapped[float | None] = mapped_column(Float)
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class EnterpriseFinancial(Base):
    """An enterprise's annual financials in CNY (the listed companies' are real, 2022–2024)."""

    __tablename__ = "enterprise_financial"
    __table_args__ = (UniqueConstraint("code", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    year: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[float | None] = mapped_column(Float)
    operating_profit: Mapped[float | None] = mapped_column(Float)
    total_profit: Mapped[float | None] = mapped_column(Float)
    net_profit: Mapped[float | None] = mapped_column(Float)
    total_assets: Mapped[float | None] = mapped_column(Float)
    fixed_assets: Mapped[float | None] = mapped_column(Float)
    roe_pct: Mapped[float | None] = mapped_column(Float)
    bps: Mapped[float | None] = mapped_column(Float)
    eps: Mapped[float | None] = mapped_column(Float)


class Indicator(Base):
    """A district's economic indicator (经济指标) for one month."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("name", "district_adcode", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    district_adcode: Mapped[str] = mapped_column(String(6))
    month: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)


class IndustryLead(Base):
    """An investment-attraction approach (招商线索) to an enterprise for a chain node, and how far it has come."""

    __tablename__ = "industry_lead"
    __table_args__ = (UniqueConstraint("node", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))  # cockpit.vocab.LEAD_STAGES
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ZombieReview(Base):
    """The review of a zombie flag (僵尸企业核查): its state, the last note and who wrote it."""

    __tablename__ = "zombie_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[str] = mapped_column(String(16))  # cockpit.vocab.ZOMBIE_STATES
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
