"""City-wide IoT sensing: devices, readings, quarantine, rules, alarms and commands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Device(Base):
    __tablename__ = "device"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(32), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_adcode: Mapped[str | None] = mapped_column(ForeignKey("district.adcode"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    owner_department: Mapped[str] = mapped_column(String(64))
    online: Mapped[bool] = mapped_column(Boolean)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime)
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)
    last_values: Mapped[str | None] = mapped_column(Text)
    last_seq: Mapped[int | None] = mapped_column(Integer)


class Component(Base):
    """A city component (城市部件) coded after GB/T 30428: adcode + major + minor + serial."""

    __tablename__ = "component"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    major: Mapped[str] = mapped_column(String(2))
    minor: Mapped[str] = mapped_column(String(2))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_adcode: Mapped[str] = mapped_column(ForeignKey("district.adcode"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


Index("ix_component_grid", Component.grid_id)


class Reading(Base):
    """One telemetry message; (device, seq) is unique, which is what makes storage exactly-once."""

    __tablename__ = "reading"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    seq: Mapped[int] = mapped_column(Integer)
    ts: Mapped[datetime] = mapped_column(DateTime)
    values: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("device_id", "seq", name="uq_reading_device_seq"),)


class Quarantine(Base):
    """Input that was refused, kept with the reason so nothing is lost and nothing is trusted."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    source: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(256))
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class Rule(Base):
    __tablename__ = "rule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    device_type: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # threshold | rate | offline
    metric: Mapped[str | None] = mapped_column(String(32))
    op: Mapped[str] = mapped_column(String(2))
    threshold: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[int] = mapped_column(Integer)
    severity: Mapped[int] = mapped_column(Integer)
    escalate_after_s: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    device_code: Mapped[str | None] = mapped_column(String(64), index=True)  # one device's own rule


class RuleState(Base):
    """Since when a device has been breaching a rule, for 'sustained for' conditions."""

    __tablename__ = "rule_state"
    rule_id: Mapped[int] = mapped_column(ForeignKey("rule.id"), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True)
    breach_since: Mapped[datetime | None] = mapped_column(DateTime)
    last_value: Mapped[float | None] = mapped_column(Float)
    last_ts: Mapped[datetime | None] = mapped_column(DateTime)


class Alarm(Base):
    __tablename__ = "alarm"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rule.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    severity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)  # new | acknowledged | resolved | closed
    value: Mapped[float | None] = mapped_column(Float)
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(128))
    escalation_level: Mapped[int] = mapped_column(Integer)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    alarm_type: Mapped[str] = mapped_column(String(48), server_default="")  # metric, metric.rate or offline
    active_rules: Mapped[str] = mapped_column(Text, server_default="[]")  # JSON ids of the rules now breached
    __table_args__ = (
        Index(
            "uq_alarm_open_per_device_type",
            "device_id",
            "alarm_type",
            unique=True,
            sqlite_where=text("status IN ('new', 'acknowledged')"),
            postgresql_where=text("status IN ('new', 'acknowledged')"),
        ),
    )


class AlarmEvent(Base):
    """Every alarm change in order: the cursor server push follows across workers and processes."""

    __tablename__ = "alarm_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alarm_id: Mapped[int] = mapped_column(ForeignKey("alarm.id"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime)
    severity: Mapped[int | None] = mapped_column(Integer)


class Command(Base):
    """Reverse control: pending until the device acknowledges over MQTT, or times out."""

    __tablename__ = "command"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | acknowledged | failed | timed_out
    issued_by: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(Text)


class IdempotencyKey(Base):
    """A mutation's key, the fingerprint of its request (method, route, body) and its answer, written in the
    same transaction as the change, so a replay returns the first result and a crash leaves neither."""

    __tablename__ = "idempotency_key"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    client: Mapped[str] = mapped_column(String(128), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    response: Mapped[str] = mapped_column(Text)
    status_code: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
