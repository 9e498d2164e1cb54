"""Where a point lies in the city's own geography: district, street and grid by point-in-polygon over what
`cockpit init` loaded (STRtree per level, built once per database), and the city's extent from its districts,
so nothing about the sample city is a constant in code."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import orjson
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.strtree import STRtree

from data_access import cim
from data_access.db import transaction


@dataclass(frozen=True)
class Place:
    district_adcode: str | None
    street_code: str | None
    grid_code: str | None


@dataclass(frozen=True)
class Level:
    codes: list[str]
    shapes: list[BaseGeometry]
    tree: STRtree

    def find(self, point: Point) -> str | None:
        for index in self.tree.query(point, predicate="within"):
            return self.codes[int(index)]
        return None


def _level(rows: list[tuple[str, str]]) -> Level:
    shapes = [shape(orjson.loads(geometry)) for _, geometry in rows]
    return Level([code for code, _ in rows], shapes, STRtree(shapes))


@cache
def levels(url: str) -> tuple[Level, Level, Level]:
    """(districts, streets, grids); `cockpit init` runs in another process, so a reload means a restart."""
    with transaction(url) as session:
        districts = [(d["adcode"], d["geometry"]) for d in cim.districts(session)]
        streets = [(s["code"], s["geometry"]) for s in cim.street_rows(session)]
        grids = [(g["code"], g["geometry"]) for g in cim.grid_rows(session)]
    return _level(districts), _level(streets), _level(grids)


def locate(url: str, lon: float, lat: float) -> Place:
    district, street, grid = levels(url)
    point = Point(lon, lat)
    return Place(district.find(point), street.find(point), grid.find(point))


def inside(url: str, lon: float, lat: float) -> bool:
    """Whether a position given from outside (a phone, a caller) lies in one of the city's districts."""
    return all(isinstance(v, int | float) and math.isfinite(v) for v in (lon, lat)) and (
        locate(url, lon, lat).district_adcode is not None
    )


@cache
def names(url: str) -> dict[str, str]:
    """District and street names by code."""
    with transaction(url) as session:
        found = {d["adcode"]: d["name"] for d in cim.districts(session)}
        return found | {s["code"]: s["name"] for s in cim.street_rows(session)}


@cache
def extent(url: str) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the loaded city."""
    district, _, _ = levels(url)
    return unary_union(district.shapes).bounds


def leaflet(bounds: tuple[float, float, float, float]) -> list[list[float]]:
    west, south, east, north = bounds
    return [[south, west], [north, east]]


def city_bounds(url: str) -> list[list[float]]:
    return leaflet(extent(url))


@cache
def detail_bounds(url: str) -> list[list[float]]:
    """Where the city is gridded (the detail zone); the whole city when it has no grids."""
    _, _, grids = levels(url)
    return leaflet(unary_union(grids.shapes).bounds) if grids.shapes else city_bounds(url)
