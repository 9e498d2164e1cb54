"""The offline base map: every overview layer as a GeoJSON FeatureCollection drawn from the sample city,
so the wall needs no tile server. Layers are served by URL so the page itself stays small."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from shapely.geometry import mapping, shape

from cockpit.services.data import air
from cockpit.services.kernel.geojson import feature_collection, point
from data_access import cim, iot
from data_access.db import transaction

DISTRICT_TOLERANCE = 0.0004  # degrees; about 40 m, invisible at city zoom, 8x fewer vertices


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return feature_collection(features)


def _points(rows: list[dict[str, Any]], props: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    return _collection(
        [
            point(r["lon"], r["lat"], props(r))
            for r in rows
        ]
    )


def districts(url: str) -> dict[str, Any]:
    with transaction(url) as session:
        features = cim.district_features(session)
    for f in features:
        f["geometry"] = mapping(shape(f["geometry"]).simplify(DISTRICT_TOLERANCE, preserve_topology=True))
    return _collection(features)


def base_layer(layer: str) -> Callable[[str], dict[str, Any]]:
    def build(url: str) -> dict[str, Any]:
        with transaction(url) as session:
            return _collection(cim.base_features(session, layer))

    return build


def grids(url: str) -> dict[str, Any]:
    with transaction(url) as session:
        return _collection(cim.grid_features(session))


def facilities(kind: str) -> Callable[[str], dict[str, Any]]:
    def build(url: str) -> dict[str, Any]:
        with transaction(url) as session:
            rows = cim.facility_points(session, kind)
        return _points(rows, lambda r: {"name": r["name"] or r["ref"], "kind": kind})

    return build


def devices(url: str) -> dict[str, Any]:
    with transaction(url) as session:
        rows = iot.device_points(session)
    return _points(
        rows,
        lambda r: {
            "name": r["name"],
            "code": r["code"],
            "type": r["type"],
            "online": r["online"],
            "generated": r["generated"],
        },
    )


def device_status(url: str) -> dict[str, Any]:
    with transaction(url) as session:
        rows = iot.device_points_with_status(session)
    return _points(
        rows,
        lambda r: {
            "name": r["name"],
            "code": r["code"],
            "type": r["type"],
            "generated": r["generated"],
            "status": "alarm" if r["alarm"] else ("online" if r["online"] else "offline"),
        },
    )


def components(url: str) -> dict[str, Any]:
    with transaction(url) as session:
        rows = iot.component_points(session)
    return _points(rows, lambda r: {"name": r["code"]})


def stations(url: str) -> dict[str, Any]:
    current = air.current_air(url)
    return _points(
        current["stations"],
        lambda r: {"name": r["name"], "aqi": r["aqi"], "color": r["color"]},
    )


LAYERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "districts": districts,
    "coverage": base_layer("coverage"),
    "green": base_layer("green"),
    "water": base_layer("water"),
    "buildings": base_layer("building"),
    "roads": base_layer("road"),
    "grids": grids,
    "metro": facilities("metro_station"),
    "hospitals": facilities("hospital"),
    "shelters": facilities("shelter"),
    "stations": stations,
    "devices": devices,
    "device_status": device_status,
    "components": components,
}
LIVE_LAYERS = {"device_status", "stations"}  # change with the live city: short cache
# the desk's own registers: a field worker's map shows the city, not where every sensor and camera stands
DESK_LAYERS = {"devices", *LIVE_LAYERS}


def layer_json(url: str, layer: str) -> bytes:
    """The layer as compact JSON bytes; KeyError for a layer that does not exist."""
    return orjson.dumps(LAYERS[layer](url))
