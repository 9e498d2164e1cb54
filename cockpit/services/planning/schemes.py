"""Scheme comparison (方案比选): two or three massing schemes for one site, each with the indicators a planning
review reads — FAR (容积率), building density, green ratio, tallest building, residential and non-residential
floor area, population capacity, jobs, daily trips — checked against the regulatory plan's limits where the site
lies, and the 15-minute life circle: schools, clinics and parks reached on foot from the site by the CIM
isochrones, or provided by the scheme itself. Every figure is an estimate with its assumptions stated. Bad input
(no site, a self-intersecting or empty polygon, coordinates that are not WGS-84, buildings outside the site,
too many of anything) is refused whole."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry import shape

from cockpit.refusal import Refused
from cockpit.services.cim import isochrones
from cockpit.services.kernel import spatial_ops
from cockpit.services.kernel.spatial_ops import metric
from data_access import planning as store
from data_access.db import transaction

STOREY_M = 3.0
PER_CAPITA_M2 = 35.0  # residential floor area per resident
JOB_M2 = 25.0  # non-residential floor area per job
TRIPS_PER_RESIDENT = 2.6  # trips a day
TRIPS_PER_JOB = 2.0
LIFE_CIRCLE_MINUTES = 15
LIFE_CIRCLE = {"school": ("school",), "clinic": ("hospital", "clinic"), "park": ("park",)}
PROVIDES = {"school": "school", "clinic": "clinic"}  # a building of this use serves the life circle itself
POCKET_PARK_M2 = 4_000  # green space in the scheme that counts as a park (a 社区公园's least size)
USES = ("residential", "commercial", "office", "school", "clinic")
MAX_SCHEMES = 3
MAX_BUILDINGS = 300
MAX_SITE_M2 = 5_000_000
SHARE_OF_SITE = 0.05  # a plan zone binds the site when it covers at least this share of it
ASSUMPTIONS = (
    f"population = residential floor area ÷ {PER_CAPITA_M2:g} m² per resident; jobs = other floor area ÷ "
    f"{JOB_M2:g} m² per job; trips = {TRIPS_PER_RESIDENT:g} a day per resident + {TRIPS_PER_JOB:g} per job; "
    f"height = floors × {STOREY_M:g} m; life circle = {LIFE_CIRCLE_MINUTES}-minute walk on the road network"
)


def polygon(geometry: Any, what: str) -> shapely.Geometry:
    """A GeoJSON polygon in WGS-84, valid and not empty, or a refusal that says what is wrong."""
    try:
        shaped = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        raise Refused("planning.bad_polygon", what=what, why="not GeoJSON") from None
    if shaped.geom_type not in ("Polygon", "MultiPolygon") or shaped.is_empty:
        raise Refused("planning.bad_polygon", what=what, why="not a polygon, or empty")
    west, south, east, north = shaped.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise Refused("planning.bad_polygon", what=what, why="coordinates are not WGS-84 longitude/latitude")
    if not shaped.is_valid:
        raise Refused("planning.bad_polygon", what=what, why=shapely.is_valid_reason(shaped)[:80])
    return shaped


def number(value: Any, what: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise Refused("planning.bad_number", what=what, low=low, high=high)
    return float(value)


def limits(url: str, site: shapely.Geometry) -> dict[str, Any]:
    """The strictest limits of the regulatory zones for building (not green or water) covering a real share of the
    site."""
    with transaction(url) as session:
        zones = store.zones(session).get("regulatory", [])
        by_code = store.zone_limits(session, "regulatory")
    area = site.area
    binding = []
    for code, use, geometry in zones:
        if not by_code[code]["far_max"]:  # green and water: open space, no limit on what is built beside it
            continue
        shared = shapely.from_geojson(geometry).intersection(site).area
        if shared >= SHARE_OF_SITE * area:
            binding.append((code, use, by_code[code]))
    if not binding:
        return {"zones": [], "far_max": None, "height_max": None, "green_min": None}
    return {
        "zones": [{"code": c, "use": u} for c, u, _ in binding],
        "far_max": min(lim["far_max"] for _, _, lim in binding if lim["far_max"] is not None),
        "height_max": min(lim["height_max"] for _, _, lim in binding if lim["height_max"] is not None),
        "green_min": max(lim["green_min"] for _, _, lim in binding if lim["green_min"] is not None),
    }


def life_circle(url: str, site: shapely.Geometry) -> dict[str, int]:
    centre = site.representative_point()
    reach = isochrones.isochrones(url, centre.x, centre.y, [LIFE_CIRCLE_MINUTES], "walk")[0]
    area = shape(reach["geometry"])
    return {
        need: sum(len(spatial_ops.within(url, target, area)) for target in targets)
        for need, targets in LIFE_CIRCLE.items()
    }


def _indicators(scheme: dict, site_m2: float, site_metric: shapely.Geometry, limits: dict, near: dict) -> dict:
    name = str(scheme.get("name") or "")[:60] or "—"
    buildings = scheme.get("buildings")
    if not isinstance(buildings, list) or not 0 < len(buildings) <= MAX_BUILDINGS:
        raise Refused("planning.bad_buildings", scheme=name, most=MAX_BUILDINGS)
    footprints, floor_area = [], {"residential": 0.0, "other": 0.0}
    tallest, provides = 0.0, set()
    for n, building in enumerate(buildings, start=1):
        if not isinstance(building, dict):
            raise Refused("planning.bad_buildings", scheme=name, most=MAX_BUILDINGS)
        footprint = metric(polygon(building.get("geometry"), f"{name} #{n}"))
        if not footprint.within(site_metric.buffer(0.5)):
            raise Refused("planning.outside_site", scheme=name, building=n)
        floors = number(building.get("floors"), f"{name} #{n} floors", 1, 100)
        use = building.get("use")
        if use not in USES:
            raise Refused("planning.bad_use", scheme=name, building=n, allowed=", ".join(USES))
        footprints.append(footprint)
        floor_area["residential" if use == "residential" else "other"] += footprint.area * floors
        tallest = max(tallest, floors * STOREY_M)
        if use in PROVIDES:
            provides.add(PROVIDES[use])
    covered = shapely.union_all(np.array(footprints, dtype=object)).area
    green = number(scheme.get("green_m2", 0), f"{name} green_m2", 0, site_m2)
    if green > POCKET_PARK_M2:
        provides.add("park")
    gross = floor_area["residential"] + floor_area["other"]
    residents = floor_area["residential"] / PER_CAPITA_M2
    jobs = floor_area["other"] / JOB_M2
    values = {
        "far": gross / site_m2,
        "density": covered / site_m2,
        "green_ratio": green / site_m2,
        "height_m": tallest,
        "floor_area_m2": gross,
        "residential_m2": floor_area["residential"],
        "non_residential_m2": floor_area["other"],
        "population": residents,
        "jobs": jobs,
        "trips_per_day": residents * TRIPS_PER_RESIDENT + jobs * TRIPS_PER_JOB,
    }
    checks = {
        "far": None if limits["far_max"] is None else values["far"] <= limits["far_max"] + 1e-9,
        "height_m": None if limits["height_max"] is None else values["height_m"] <= limits["height_max"],
        "green_ratio": None if limits["green_min"] is None else values["green_ratio"] >= limits["green_min"] - 1e-9,
    }
    circle = {
        need: {"nearby": near[need], "provided": need in provides, "covered": near[need] > 0 or need in provides}
        for need in LIFE_CIRCLE
    }
    return {
        "name": name,
        "buildings": len(footprints),
        "values": {k: round(v, 3) for k, v in values.items()},
        "checks": checks,
        "passes": all(c is not False for c in checks.values()),
        "life_circle": circle,
    }


def compare(url: str, body: Any) -> dict[str, Any]:
    """The schemes side by side, each with its deltas against the first."""
    if not isinstance(body, dict):
        raise Refused("planning.bad_body")
    site = polygon(body.get("site"), "site")
    site_metric = metric(site)
    site_m2 = site_metric.area
    if site_m2 > MAX_SITE_M2:
        raise Refused("planning.site_too_big", most=MAX_SITE_M2 // 1_000_000)
    schemes = body.get("schemes")
    if not isinstance(schemes, list) or not 2 <= len(schemes) <= MAX_SCHEMES:
        raise Refused("planning.bad_schemes", most=MAX_SCHEMES)
    binding = limits(url, site)
    near = life_circle(url, site)
    compared = [_indicators(s if isinstance(s, dict) else {}, site_m2, site_metric, binding, near) for s in schemes]
    first = compared[0]["values"]
    for scheme in compared:
        scheme["deltas"] = {k: round(v - first[k], 3) for k, v in scheme["values"].items()}
    return {
        "site": {"area_m2": round(site_m2, 1), "limits": binding, "geometry": orjson.loads(shapely.to_geojson(site))},
        "schemes": compared,
        "assumptions": ASSUMPTIONS,
        "estimate": True,
    }
