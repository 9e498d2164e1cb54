"""The city itself: boundaries, grids, base features, facilities and air-quality stations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


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


Index("ix_base_feature_bbox", BaseFeature.min_lon, BaseFeature.min_lat)


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
