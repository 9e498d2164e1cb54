"""Spatial queries, done by PostGIS on PostgreSQL (geometry columns with GiST indexes, migration 0010) and by
shapely and pyproj on the embedded SQLite default, with the same answers: within, within metres (geodesic,
as PostGIS geography measures it), nearest by `<->` and intersects."""

from __future__ import annotations

from typing import Any

import orjson
from pyproj import Geod
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.orm import Session
from sqlalchemy.types import UserDefinedType

from data_access.models import District, Resource

POINT_TABLES = ("facility", "station", "device", "component", "incident", "resource", "event", "case_file")
SHAPE_TABLES = ("district", "street", "grid", "base_feature")
WGS84 = Geod(ellps="WGS84")


class Geometry(UserDefinedType):
    """PostGIS's column type, so reading the database's schema knows it (the columns are never mapped)."""

    cache_ok = True

    def __init__(self, *subtype: Any, **_kw: Any) -> None:
        self.subtype = subtype  # ("Point", 4326) as the database reports it

    def get_col_spec(self, **_kw: Any) -> str:
        return "geometry"


ischema_names.setdefault("geometry", Geometry)


def postgis(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def resources_covered_by(session: Session, area: BaseGeometry) -> set[int]:
    """Resources inside `area`, its edge included."""
    if postgis(session):
        query = text("SELECT id FROM resource WHERE ST_Covers(ST_GeomFromText(:wkt, 4326), geom)")
        return set(session.scalars(query, {"wkt": area.wkt}))
    prepared = prep(area)
    return {rid for rid, lon, lat in _resource_points(session) if prepared.covers(Point(lon, lat))}


def resources_in_district(session: Session, adcode: str) -> set[int]:
    if postgis(session):
        query = text(
            "SELECT r.id FROM resource r JOIN district d ON ST_Covers(d.geom, r.geom) WHERE d.adcode = :adcode"
        )
        return set(session.scalars(query, {"adcode": adcode}))
    geometry = session.scalar(select(District.geometry).where(District.adcode == adcode))
    return resources_covered_by(session, shape(orjson.loads(geometry))) if geometry else set()


def resources_within_metres(session: Session, lon: float, lat: float, metres: float) -> set[int]:
    """Resources at most `metres` from the point on the ellipsoid: a buffer in metres, not in degrees."""
    if postgis(session):
        query = text(
            "SELECT id FROM resource WHERE ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :metres, true)"
        )
        return set(session.scalars(query, {"lon": lon, "lat": lat, "metres": metres}))
    rows = _resource_points(session)
    if not rows:
        return set()
    _, _, distances = WGS84.inv([lon] * len(rows), [lat] * len(rows), [r[1] for r in rows], [r[2] for r in rows])
    return {row[0] for row, distance in zip(rows, distances, strict=True) if distance <= metres}


def nearest_resources(session: Session, lon: float, lat: float, limit: int, kind: str, room: bool) -> list[int]:
    """Ids of the nearest resources of a kind, with room left (capacity above occupancy) or without; nearest
    by `<->` on the GiST index in PostGIS, by the same planar distance here."""
    free = Resource.capacity > Resource.occupancy
    if postgis(session):
        query = text(
            "SELECT id FROM resource WHERE kind = :kind AND (capacity > occupancy) = :room "
            "ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), id LIMIT :limit"
        )
        return list(session.scalars(query, {"kind": kind, "room": room, "lon": lon, "lat": lat, "limit": limit}))
    query = select(Resource.id, Resource.lon, Resource.lat).where(Resource.kind == kind, free if room else ~free)
    rows = session.execute(query).all()
    rows.sort(key=lambda r: ((r.lon - lon) ** 2 + (r.lat - lat) ** 2, r.id))
    return [r.id for r in rows[:limit]]


def districts_intersecting(session: Session, area: BaseGeometry) -> list[dict[str, Any]]:
    """The districts an area touches, by code: who else to call about what happens there."""
    if postgis(session):
        query = text(
            "SELECT adcode, name FROM district WHERE ST_Intersects(geom, ST_GeomFromText(:wkt, 4326)) ORDER BY adcode"
        )
        return [dict(r._mapping) for r in session.execute(query, {"wkt": area.wkt})]
    rows = session.execute(select(District.adcode, District.name, District.geometry).order_by(District.adcode))
    prepared = prep(area)
    return [{"adcode": r.adcode, "name": r.name} for r in rows if prepared.intersects(shape(orjson.loads(r.geometry)))]


def _resource_points(session: Session) -> list[tuple[int, float, float]]:
    return [tuple(r) for r in session.execute(select(Resource.id, Resource.lon, Resource.lat))]
