"""GeoJSON built one way everywhere: the maps, the exports and the API all hand out the same shapes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def feature(geometry: dict[str, Any] | None, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any]:
    return feature({"type": "Point", "coordinates": [lon, lat]}, properties)


def feature_collection(features: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}
