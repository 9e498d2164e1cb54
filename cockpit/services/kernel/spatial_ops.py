"""Spatial services the scenarios call (空间分析服务): buffer, within, nearest. PostGIS answers on PostgreSQL
(data_access.spatial_search); on the embedded default a shapely STRtree over the target's places, projected
once to EPSG:4547 and kept per process until the places change. Both measure in the same plane and decide
"within" by the point on surface, so they give the same answers (tests/test_spatial.py compares them)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import orjson
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from cockpit.refusal import Refused
from cockpit.services.kernel.geojson import feature
from data_access import spatial, spatial_search
from data_access.db import transaction

TARGETS = tuple(spatial_search.TARGETS)
MAX_METRES = 20_000
MAX_FEATURES = 5_000
TO_METRIC = Transformer.from_crs(4326, spatial_search.METRIC, always_xy=True)
TO_WGS84 = Transformer.from_crs(spatial_search.METRIC, 4326, always_xy=True)


def metric(geometry: BaseGeometry | np.ndarray) -> BaseGeometry | np.ndarray:
    """WGS-84 to EPSG:4547 metres; an array of geometries is done in one call."""
    return shapely.transform(geometry, lambda xy: np.column_stack(TO_METRIC.transform(xy[:, 0], xy[:, 1])))


def wgs84(geometry: BaseGeometry | np.ndarray) -> BaseGeometry | np.ndarray:
    return shapely.transform(geometry, lambda xy: np.column_stack(TO_WGS84.transform(xy[:, 0], xy[:, 1])))


@dataclass(frozen=True)
class Places:
    """One target's places for the embedded engine: WGS-84 shapes, their points on surface, metric shapes and
    an STRtree over each."""

    rows: tuple[dict, ...]
    shapes: np.ndarray
    points: np.ndarray
    metric: np.ndarray
    point_tree: shapely.STRtree
    metric_tree: shapely.STRtree


@lru_cache(maxsize=16)
def _places(url: str, target: str, stamp: tuple[int, int]) -> Places:
    with transaction(url) as session:
        rows = spatial_search.features(session, target)
    shapes = shapely.from_geojson([r["geometry"] for r in rows]) if rows else np.array([], dtype=object)
    points = shapely.point_on_surface(shapes)
    projected = metric(shapes)
    return Places(
        tuple({k: r[k] for k in ("id", "name", "kind", "properties")} for r in rows),
        shapes,
        points,
        projected,
        shapely.STRtree(points),
        shapely.STRtree(projected),
    )


def places(url: str, target: str) -> Places:
    with transaction(url) as session:
        return _places(url, target, spatial_search.stamp(session, target))


def _target(target: str) -> str:
    if target not in spatial_search.TARGETS:
        raise Refused("spatial.bad_target", target=str(target)[:40], allowed=", ".join(TARGETS))
    return target


def _feature(row: dict, geometry: str | BaseGeometry, target: str, distance: float | None = None) -> dict:
    shape = orjson.loads(geometry) if isinstance(geometry, str) else orjson.loads(shapely.to_geojson(geometry))
    properties = {"id": row["id"], "name": row["name"], "kind": row["kind"], "target": target}
    if distance is not None:
        properties["distance_m"] = round(float(distance), 2)
    return feature(shape, properties)


def within(url: str, target: str, polygon: BaseGeometry, limit: int = MAX_FEATURES) -> list[dict]:
    """Places whose point on surface lies in the polygon."""
    target = _target(target)
    if polygon.geom_type not in ("Polygon", "MultiPolygon") or not polygon.is_valid:
        raise Refused("spatial.bad_polygon")
    with transaction(url) as session:
        if spatial.postgis(session):
            rows = spatial_search.within(session, target, shapely.to_geojson(polygon), limit)
            return [_feature(r, r["geometry"], target) for r in rows]
    found = places(url, target)
    hits = np.sort(found.point_tree.query(polygon, predicate="contains"))[:limit]
    return [_feature(found.rows[i], found.shapes[i], target) for i in hits]


def near(url: str, target: str, origin: BaseGeometry, metres: float, limit: int = MAX_FEATURES) -> list[dict]:
    """Places within `metres` of a geometry, nearest first (ties by id)."""
    target = _target(target)
    if not 0 < metres <= MAX_METRES:
        raise Refused("spatial.bad_metres", most=MAX_METRES)
    with transaction(url) as session:
        if spatial.postgis(session):
            rows = spatial_search.near(session, target, shapely.to_geojson(origin), metres, limit)
            return [_feature(r, r["geometry"], target, r["distance_m"]) for r in rows]
    found = places(url, target)
    projected = metric(origin)
    hits = found.metric_tree.query(projected, predicate="dwithin", distance=metres)
    distances = shapely.distance(found.metric[hits], projected) if len(hits) else np.array([])
    order = sorted(zip(distances.tolist(), (found.rows[i]["id"] for i in hits), hits, strict=True))[:limit]
    return [_feature(found.rows[i], found.shapes[i], target, d) for d, _, i in order]


def nearest(url: str, target: str, origin: BaseGeometry, k: int) -> list[dict]:
    """The k nearest places: searched within a radius doubled until k are inside it, so the answer is exact."""
    if not 1 <= k <= 100:
        raise Refused("spatial.bad_k")
    radius = 250.0
    while True:
        found = near(url, target, origin, radius, k)
        if len(found) >= k or radius >= MAX_METRES:
            return found
        radius = min(MAX_METRES, radius * 4)


def buffer(url: str, origin: BaseGeometry, metres: float, target: str | None = None) -> list[dict]:
    """The buffer polygon, then the places of `target` within it (nearest first)."""
    if not 0 < metres <= MAX_METRES:
        raise Refused("spatial.bad_metres", most=MAX_METRES)
    with transaction(url) as session:
        if spatial.postgis(session):
            drawn = orjson.loads(spatial_search.buffer(session, shapely.to_geojson(origin), metres))
        else:
            drawn = orjson.loads(shapely.to_geojson(wgs84(metric(origin).buffer(metres, quad_segs=8))))  # as PostGIS
    area = feature(drawn, {"role": "buffer", "metres": metres})
    return [area, *(near(url, target, origin, metres) if target else [])]
