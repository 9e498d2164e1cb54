"""Parametric massing (参数化体块), the way CityEngine turns a lot and a few rules into buildings: a drawn site,
set back from its edge, filled with south-facing slabs in rows, as Beijing lays out homes for winter sun. A
planner moves four numbers (floors, building density, share of homes, green ratio) and gets a scheme the
comparison can measure; the slabs are an estimate of what the numbers allow, not a design."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import shapely
from shapely.geometry import box

from cockpit.refusal import Refused
from cockpit.services.kernel.spatial_ops import metric, wgs84
from cockpit.services.planning import schemes

SETBACK_M = 8.0  # from the site's edge (道路红线后退)
DEPTH_M = 14.0  # a slab's depth, north to south
LENGTH_M = 60.0  # longest slab before a gap
GAP_M = 8.0  # between slabs in a row (fire access)
SUNLIGHT_RATIO = 1.6  # rows of homes stand this many times their height apart (Beijing's 日照间距系数)
LEAST_M2 = 200.0  # smaller pieces are left as open ground
RANGES = (  # each number a scheme is made of: least, most, and the step a planner moves it by
    ("floors", 1, 60, 1),
    ("density", 0.05, 0.6, 0.01),  # building footprint ÷ site area
    ("residential", 0, 1, 0.05),  # share of the floor area that is homes
    ("green", 0, 0.7, 0.01),  # green area ÷ site area
)
STARTING = (  # the three schemes a drawn site starts with: tall homes, a mid-rise mix, towers with offices
    {"floors": 18, "density": 0.22, "residential": 1.0, "green": 0.35},
    {"floors": 9, "density": 0.3, "residential": 0.7, "green": 0.3},
    {"floors": 30, "density": 0.18, "residential": 0.5, "green": 0.4},
)


@dataclass(frozen=True)
class Rules:
    floors: int
    density: float
    residential: float
    green: float


def rules(values: dict[str, Any], name: str) -> Rules:
    """The numbers of a scheme, each in its range, or a refusal that names the one out of range."""
    given = {key: schemes.number(values.get(key), f"{name} {key}", low, high) for key, low, high, _ in RANGES}
    return Rules(int(given.pop("floors")), **given)


def _row(inner: shapely.Geometry, south: float, west: float, east: float) -> list[shapely.Geometry]:
    """One row of slabs: the strip across the site, cut into slabs no longer than LENGTH_M with gaps."""
    pieces = []
    x = west
    while x < east:
        piece = box(x, south, min(x + LENGTH_M, east), south + DEPTH_M).intersection(inner)
        for part in getattr(piece, "geoms", [piece]):
            if part.geom_type == "Polygon" and part.area >= LEAST_M2:
                pieces.append(part)
        x += LENGTH_M + GAP_M
    return pieces


def buildings(site: shapely.Geometry, given: Rules) -> tuple[list[dict[str, Any]], float]:
    """The scheme's buildings (GeoJSON footprints in WGS-84, floors, use) and its green area in m²."""
    site_m = metric(site)
    inner = site_m.buffer(-SETBACK_M)
    if inner.is_empty:
        raise Refused("planning.site_too_small", setback=SETBACK_M)
    height = given.floors * schemes.STOREY_M
    # rows far enough apart for the density asked of the whole site, never closer than winter sun allows homes
    pitch = DEPTH_M * inner.area / (given.density * site_m.area)
    if given.residential > 0:
        pitch = max(pitch, DEPTH_M + SUNLIGHT_RATIO * height)
    west, south, east, north = inner.bounds
    slabs: list[shapely.Geometry] = []
    y = south
    while y + DEPTH_M <= north + DEPTH_M / 2:
        slabs.extend(_row(inner, y, west, east))
        y += pitch
    if not slabs:
        raise Refused("planning.nothing_fits")
    total = sum(s.area for s in slabs)
    out, homes = [], 0.0
    for slab in slabs:  # homes from the south, the rest (offices) to the north, by floor area
        use = "residential" if homes + slab.area / 2 <= given.residential * total else "office"
        homes += slab.area if use == "residential" else 0
        out.append({"geometry": orjson.loads(shapely.to_geojson(wgs84(slab))), "floors": given.floors, "use": use})
    return out, given.green * site_m.area


def scheme(site: shapely.Geometry, name: str, given: Rules) -> dict[str, Any]:
    made, green = buildings(site, given)
    return {"name": name, "buildings": made, "green_m2": green}
