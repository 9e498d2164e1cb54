"""The places the spatial services search (targets): read whole for the embedded engine
(cockpit.services.kernel.spatial_ops), or queried in PostGIS when data_access.spatial.postgis() says so. PostGIS
measures in EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 117E) from the indexes of migration 0015, and
decides "within" by a feature's point on surface, as the embedded engine does (both are GEOS), so the two give
the same answers."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

METRIC = 4547
# target: (table, condition, GeoJSON expression, kind expression)
TARGETS: dict[str, tuple[str, str, str, str]] = {
    "building": ("base_feature", "layer = 'building'", "geometry", "kind"),
    "poi": ("base_feature", "layer = 'poi'", "geometry", "kind"),
    "clinic": ("base_feature", "layer = 'poi' AND kind IN ('hospital', 'clinic', 'doctors')", "geometry", "kind"),
    "school": ("base_feature", "layer = 'poi' AND kind IN ('school', 'kindergarten')", "geometry", "kind"),
    "road": ("base_feature", "layer = 'road'", "geometry", "kind"),
    "park": ("base_feature", "layer = 'green' AND kind IN ('leisure=park', 'leisure=garden')", "geometry", "kind"),
    "hospital": ("facility", "kind = 'hospital'", "ST_AsGeoJSON(geom)", "kind"),
    "shelter": ("facility", "kind = 'shelter'", "ST_AsGeoJSON(geom)", "kind"),
    "metro_station": ("facility", "kind = 'metro_station'", "ST_AsGeoJSON(geom)", "kind"),
}
POINT_TABLES = {"facility"}


def features(session: Session, target: str) -> list[dict[str, Any]]:
    """Every place of a target, geometry as GeoJSON text (for the embedded engine's index)."""
    table, condition, _, kind = TARGETS[target]
    shape = "lon, lat" if table in POINT_TABLES else "geometry"
    rows = session.execute(
        text(f"SELECT id, name, {kind} AS kind, properties, {shape} FROM {table} WHERE {condition} ORDER BY id")
    )
    out = [dict(r._mapping) for r in rows]
    if table in POINT_TABLES:
        for row in out:
            point = {"type": "Point", "coordinates": [row.pop("lon"), row.pop("lat")]}
            row["geometry"] = orjson.dumps(point).decode()
    return out


def stamp(session: Session, target: str) -> tuple[int, int]:
    """Count and highest id: changes whenever the target's places are reloaded."""
    table, condition, _, _ = TARGETS[target]
    count, top = session.execute(text(f"SELECT count(*), max(id) FROM {table} WHERE {condition}")).one()
    return int(count), int(top or 0)


def within(session: Session, target: str, polygon: str, limit: int) -> list[dict[str, Any]]:
    table, condition, geojson, kind = TARGETS[target]
    rows = session.execute(
        text(
            f"WITH area AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:polygon), 4326) AS g) "
            f"SELECT id, name, {kind} AS kind, {geojson} AS geometry FROM {table}, area "
            f"WHERE {condition} AND geom && area.g AND ST_Within(ST_PointOnSurface(geom), area.g) "
            f"ORDER BY id LIMIT :limit"
        ),
        {"polygon": polygon, "limit": limit},
    )
    return [dict(r._mapping) for r in rows]


def near(session: Session, target: str, shape: str, metres: float, limit: int) -> list[dict[str, Any]]:
    """Places within `metres` of a geometry (GeoJSON), nearest first, with their distance in metres."""
    table, condition, geojson, kind = TARGETS[target]
    rows = session.execute(
        text(
            f"WITH origin AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:shape), 4326), {METRIC}) AS g) "
            f"SELECT id, name, {kind} AS kind, {geojson} AS geometry, "
            f"ST_Distance(ST_Transform(geom, {METRIC}), origin.g) AS distance_m FROM {table}, origin "
            f"WHERE {condition} AND ST_DWithin(ST_Transform(geom, {METRIC}), origin.g, :metres) "
            f"ORDER BY distance_m, id LIMIT :limit"
        ),
        {"shape": shape, "metres": metres, "limit": limit},
    )
    return [dict(r._mapping) for r in rows]


def buffer(session: Session, shape: str, metres: float) -> str:
    return session.scalar(
        text(
            f"SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:shape), 4326), "
            f"{METRIC}), :metres), 4326))"
        ),
        {"shape": shape, "metres": metres},
    )
