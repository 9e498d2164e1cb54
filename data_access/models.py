"""Tables of the four platforms. Geometry is GeoJSON text in WGS-84 plus a bounding box for range queries,
so the same schema runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """What `cockpit init` loaded, so a second init knows whether to reload."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class District(Base):
    __tablename__ = "district"
    adcode: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    geometry: Mapped[str] = mapped_column(Text)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)


class Street(Base):
    __tablename__ = "street"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    district_adcode: Mapped[str] = mapped_column(ForeignKey("district.adcode"))
    geometry: Mapped[str] = mapped_column(Text)
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class Grid(Base):
    __tablename__ = "grid"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"))
    geometry: Mapped[str] = mapped_column(Text)
    generated: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)


class BaseFeature(Base):
    """A base-map feature of the detail zone: road, building, water, green, poi or coverage outline."""

    __tablename__ = "base_feature"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer: Mapped[str] = mapped_column(String(16), index=True)
    osm_id: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str | None] = mapped_column(String(64))
    properties: Mapped[str] = mapped_column(Text)
    geometry: Mapped[str] = mapped_column(Text)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)


class Facility(Base):
    """City-wide points the cockpit counts and dispatches to: metro stations, hospitals, shelters."""

    __tablename__ = "facility"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    ref: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(128))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_adcode: Mapped[str | None] = mapped_column(ForeignKey("district.adcode"), index=True)
    properties: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class Station(Base):
    """A real air-quality monitoring station of the UCI Beijing series."""

    __tablename__ = "station"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_adcode: Mapped[str | None] = mapped_column(ForeignKey("district.adcode"))
    source: Mapped[str] = mapped_column(Text)


class AirQualityHour(Base):
    __tablename__ = "air_quality_hour"
    station_code: Mapped[str] = mapped_column(ForeignKey("station.code"), primary_key=True)
    ts: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    pm25: Mapped[float | None] = mapped_column(Float)
    pm10: Mapped[float | None] = mapped_column(Float)
    so2: Mapped[float | None] = mapped_column(Float)
    no2: Mapped[float | None] = mapped_column(Float)
    co: Mapped[float | None] = mapped_column(Float)
    o3: Mapped[float | None] = mapped_column(Float)
    temp: Mapped[float | None] = mapped_column(Float)
    pres: Mapped[float | None] = mapped_column(Float)
    dewp: Mapped[float | None] = mapped_column(Float)
    rain: Mapped[float | None] = mapped_column(Float)
    wd: Mapped[str | None] = mapped_column(String(4))
    wspm: Mapped[float | None] = mapped_column(Float)


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


Index("ix_component_grid", Component.grid_id)
Index("ix_base_feature_bbox", BaseFeature.min_lon, BaseFeature.min_lat)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean)
    demo: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A bearer token for an integration; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is the id, so a stolen
    database does not hand out sessions. Ended by sign-out, reset, disable, idle or absolute expiry."""

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(String(32))
    source_ip: Mapped[str | None] = mapped_column(String(64))


class SignInThrottle(Base):
    """Failed sign-ins counted per account, per address and per pair of both (names only as a hash)."""

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)


class AuditLog(Base):
    """Append-only: the database refuses UPDATE and DELETE; each row carries the previous row's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    source_ip: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Dataset(Base):
    """A catalog record (数据目录) as the government data-sharing rules describe it. `kind` says whether its
    rows are imported (`import`: versions of dataset_record rows) or a table the cockpit keeps (`table`)."""

    __tablename__ = "dataset"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(64))  # 提供部门
    source_department: Mapped[str] = mapped_column(String(64))  # 数源部门
    sharing: Mapped[str] = mapped_column(String(16))  # unconditional | conditional | none
    opening: Mapped[str] = mapped_column(String(16))  # 开放属性: open | conditional | closed
    frequency: Mapped[str] = mapped_column(String(16))
    keywords: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    table_name: Mapped[str | None] = mapped_column(String(64))
    generated: Mapped[bool] = mapped_column(Boolean)
    current_version_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    search_text: Mapped[str] = mapped_column(Text)
    quality: Mapped[float | None] = mapped_column(Float)
    rows: Mapped[int | None] = mapped_column(Integer)


class DatasetVersion(Base):
    """One import of a dataset. Its rows are written while `status` is `loading` and become the dataset's
    current version in one transaction at the end, so readers see a version whole or not at all."""

    __tablename__ = "dataset_version"
    __table_args__ = (UniqueConstraint("dataset_id", "number", name="uq_dataset_version_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # loading | ready | failed
    format: Mapped[str] = mapped_column(String(16))
    source_name: Mapped[str] = mapped_column(String(255))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    source_bytes: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str | None] = mapped_column(String(32))
    crs: Mapped[str | None] = mapped_column(String(64))
    transforms: Mapped[str] = mapped_column(Text)  # JSON list of the steps applied, for the lineage graph
    rows: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)
    progress: Mapped[float] = mapped_column(Float)
    message: Mapped[str | None] = mapped_column(Text)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class DatasetField(Base):
    __tablename__ = "dataset_field"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("dataset_version.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    nulls: Mapped[int] = mapped_column(Integer)
    invalid: Mapped[int] = mapped_column(Integer)
    example: Mapped[str | None] = mapped_column(Text)


class DatasetRecord(Base):
    """One imported row: its typed values as JSON, its geometry as GeoJSON with a bounding box, and a point
    (the geometry's representative point) for maps; a point source stores only the point. Bounding boxes are
    filtered, not indexed: a B-tree on random coordinates cost a third of an import's time (bench/import.py),
    and a bbox page walks a version's rows in id order until it is full."""

    __tablename__ = "dataset_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("dataset_version.id"), index=True)
    data: Mapped[str] = mapped_column(Text)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    geometry: Mapped[str | None] = mapped_column(Text)


class ImportProblem(Base):
    """A source row an import could not take, kept with the reason and the row as it was read."""

    __tablename__ = "import_problem"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("dataset_version.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)


class DatasetQuality(Base):
    """A quality measurement; the history is the trend."""

    __tablename__ = "dataset_quality"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    measured_at: Mapped[datetime] = mapped_column(DateTime)
    completeness: Mapped[float | None] = mapped_column(Float)
    validity: Mapped[float | None] = mapped_column(Float)
    timeliness: Mapped[float | None] = mapped_column(Float)
    uniqueness: Mapped[float | None] = mapped_column(Float)
    consistency: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)


class DatasetUsage(Base):
    """The usage register: who read which dataset through the sharing API, for what, how many records."""

    __tablename__ = "dataset_usage"
    __table_args__ = (Index("ix_dataset_usage_actor_at", "actor", "at"),)  # a key's reads in a window: its quota
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str | None] = mapped_column(String(32))
    purpose: Mapped[str | None] = mapped_column(String(200))
    route: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


class DataConflict(Base):
    """数据打架: two departments' datasets disagree about one entity (or one has it and the other does not).
    Both values are kept as they are, never overwritten; the ticket records who decided which one stands."""

    __tablename__ = "data_conflict"
    __table_args__ = (
        UniqueConstraint("comparison", "kind", "attribute", "left_key", "right_key", name="uq_data_conflict_subject"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comparison: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # value | missing
    attribute: Mapped[str] = mapped_column(String(128))
    left_dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    right_dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    left_key: Mapped[str] = mapped_column(String(128))
    right_key: Mapped[str] = mapped_column(String(128))
    left_value: Mapped[str | None] = mapped_column(Text)  # JSON
    right_value: Mapped[str | None] = mapped_column(Text)  # JSON
    measure: Mapped[float | None] = mapped_column(Float)  # metres apart, relative difference, or name similarity
    rule: Mapped[str] = mapped_column(Text)
    entity: Mapped[str | None] = mapped_column(String(200))  # a readable name of what they disagree about
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), index=True)
    department: Mapped[str | None] = mapped_column(String(64))
    proposed: Mapped[str | None] = mapped_column(String(8))  # left | right: by authority, then recency
    winner: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(128))


class ShareKey(Base):
    """What makes an API token a department's sharing key: its department, its quota and rate, and (for
    conditional sharing) the one dataset an approved application opened to it."""

    __tablename__ = "share_key"
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"), primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("dataset.id"))
    application_id: Mapped[int | None] = mapped_column(Integer)
    daily_quota: Mapped[int] = mapped_column(Integer)
    per_minute: Mapped[int] = mapped_column(Integer)


class ShareApplication(Base):
    """A department's application to read a conditionally shared dataset: applied → approved (a key scoped
    to the dataset is issued) or rejected."""

    __tablename__ = "share_application"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    department: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)
    applicant: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Simulation(Base):
    """模拟推演: one run of a simulation (flood, evacuation) with its parameters, state and summary; the
    results are estimates and say their method."""

    __tablename__ = "simulation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # flood | evacuation
    params: Mapped[str] = mapped_column(Text)  # JSON
    status: Mapped[str] = mapped_column(String(16))  # running | done | failed
    summary: Mapped[str | None] = mapped_column(Text)  # JSON
    message: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class SimulationFrame(Base):
    """One moment of a simulation for the time slider: an image over the terrain (flood depth) or a state
    (evacuation progress) as JSON."""

    __tablename__ = "simulation_frame"
    simulation_id: Mapped[int] = mapped_column(ForeignKey("simulation.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    minute: Mapped[int] = mapped_column(Integer)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str | None] = mapped_column(Text)


class TerrainGrid(Base):
    """An imported elevation model (GeoTIFF or SRTM HGT) resampled onto the detail zone's terrain grid; the
    newest row is the terrain, and without one the terrain is generated."""

    __tablename__ = "terrain_grid"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)  # the file and its coordinate system
    west: Mapped[float] = mapped_column(Float)
    south: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    cell_m: Mapped[float] = mapped_column(Float)
    rows: Mapped[int] = mapped_column(Integer)
    cols: Mapped[int] = mapped_column(Integer)
    heights: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian, row 0 at the south edge
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)


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
