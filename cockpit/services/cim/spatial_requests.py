"""A spatial request, from the API or the page, checked and answered as GeoJSON: the geometry from GeoJSON or
lon/lat, numbers that are numbers, and one FeatureCollection whatever the operation."""

from __future__ import annotations

import numpy as np
import orjson
import shapely
from shapely.geometry.base import BaseGeometry

from cockpit.refusal import Refused
from cockpit.services.cim import isochrones
from cockpit.services.kernel import areas, spatial_ops
from cockpit.services.kernel.geojson import feature_collection

OPERATIONS = ("buffer", "within", "nearest", "isochrone", "coverage")


MAX_VERTICES = 10_000


def shape_of(body: dict) -> BaseGeometry:
    """The request's geometry: GeoJSON under "geometry", or a point from "lon"/"lat"."""
    if "geometry" in body:
        try:
            geometry = shapely.from_geojson(orjson.dumps(body["geometry"]))
        except (shapely.errors.GEOSException, TypeError, ValueError, orjson.JSONEncodeError):
            raise Refused("spatial.bad_geometry") from None
        if geometry is None or geometry.is_empty or shapely.get_num_coordinates(geometry) > MAX_VERTICES:
            raise Refused("spatial.bad_geometry")
        bounds = geometry.bounds
        if not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
            raise Refused("spatial.bad_geometry")
        return geometry
    lon, lat = body.get("lon"), body.get("lat")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        raise Refused("spatial.bad_geometry")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise Refused("spatial.bad_geometry")
    return shapely.Point(lon, lat)


def _number(body: dict, name: str, default: float) -> float:
    value = body.get(name, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or not np.isfinite(value):
        raise Refused("spatial.bad_number", name=name)
    return float(value)


def answer(url: str, operation: str, body: dict) -> dict:
    """One spatial request (API or page) to its GeoJSON FeatureCollection."""
    if operation == "buffer":
        target = body.get("target")
        features = spatial_ops.buffer(
            url, shape_of(body), _number(body, "metres", 500), str(target) if target else None
        )
    elif operation == "within":
        features = spatial_ops.within(url, str(body.get("target", "building")), shape_of(body))
    elif operation == "nearest":
        k = _number(body, "k", 5)
        if not k.is_integer():
            raise Refused("spatial.bad_k")
        features = spatial_ops.nearest(url, str(body.get("target", "building")), shape_of(body), int(k))
    elif operation == "isochrone":
        point = shape_of(body)
        if point.geom_type != "Point":
            raise Refused("spatial.bad_geometry")
        minutes = body.get("minutes", [5, 10, 15])
        minutes = minutes if isinstance(minutes, list) else [minutes]
        features = isochrones.isochrones(url, point.x, point.y, minutes, str(body.get("mode", "walk")))
    elif operation == "coverage":
        minutes = body.get("minutes", 15)
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            raise Refused("spatial.bad_minutes")
        return isochrones.coverage(url, str(body.get("facility", "hospital")), minutes, str(body.get("mode", "walk")))
    else:
        raise Refused("spatial.bad_operation", http=404, operation=operation[:40])
    return feature_collection(features)


def rows(features: list[dict]) -> list[dict]:
    """A row per feature for a CSV: its properties, a representative point and the geometry as WKT."""
    out = []
    for feature in features:
        try:
            shape = shapely.from_geojson(orjson.dumps(feature["geometry"]))
            properties = dict(feature.get("properties") or {})
            point = shape.representative_point()  # an invalid ring can make GEOS refuse here too
            if point.is_empty:
                raise ValueError("empty")
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
            raise Refused("spatial.bad_geometry") from None
        out.append(properties | {"lon": round(point.x, 6), "lat": round(point.y, 6), "wkt": shape.wkt})
    columns = list(dict.fromkeys(key for row in out for key in row))
    return [{c: row.get(c) for c in columns} for row in out]


def grid_around(url: str, point: list[float] | None) -> dict:
    """The area a page's "within" searches: the grid the picked point lies in, else a 500 m square around it."""
    if not point or len(point) != 2:
        raise Refused("spatial.bad_geometry")
    place = areas.locate(url, point[0], point[1])
    grids = areas.levels(url)[2]
    if place.grid_code in grids.codes:
        return orjson.loads(shapely.to_geojson(grids.shapes[grids.codes.index(place.grid_code)]))
    square = spatial_ops.wgs84(spatial_ops.metric(shapely.Point(point)).buffer(250, cap_style="square"))
    return orjson.loads(shapely.to_geojson(square))
