"""The big-data platform: datasets, versions, records, quality, usage, conflicts and sharing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


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
