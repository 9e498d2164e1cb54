"""Rainstorm flood simulation (暴雨内涝模拟推演): a storm on the terrain through the flood model
(cockpit.services.cim.flood_model), then what it means for the city — roads under water and those to close,
underpasses, buildings whose entrances flood and the residents behind them, and where to send pumps first.
Every figure is an estimate and says its method.

The storm is a design storm — a Chicago hyetograph (peak at 40 %) from the classic Beijing storm-intensity
formula q = 2001 (1 + 0.811 lg P) / (t + 8)^0.711 L/(s·ha) for a return period P — or the wettest hours the
real UCI Wanliu (Haidian) station recorded in 2013-2017."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import orjson
import shapely
from PIL import Image
from shapely.geometry import Point, shape

from cockpit.refusal import Refused
from cockpit.services.cim import terrain
from cockpit.services.cim.flood_model import STEP_S, run
from cockpit.services.data import housing
from cockpit.services.kernel.spatial_ops import metric
from data_access import bigdata, cim, emergency
from data_access.db import transaction

SLOT_MINUTES = 10
FRAME_MINUTES = 15
SETTLE_MINUTES = 60
WADE_M = 0.15  # deeper water on a road is a risk to cars and people
CLOSE_M = 0.30  # deeper than this, close the road
ENTRANCE_M = 0.15  # deeper than this at the walls, water comes in at the door
GREEN_SOAK_MM_H = 15.0  # lawn and planted ground soak this much away
PEAK_AT = 0.4
STATION = "wanliu_aq"  # the UCI station in Haidian
PUMP_KINDS = ("fire_engine", "rescue_team")
LIMITS = {"hours": (1, 12), "return_years": (1, 100), "drainage_mm_h": (0, 120)}


@dataclass(frozen=True)
class Storm:
    rain_mm_h: list[float]  # one intensity per SLOT_MINUTES
    kind: str  # design | observed
    label: str
    total_mm: float
    peak_mm_h: float
    hours: int
    return_years: float | None = None  # a design storm's
    start: str | None = None  # an observed storm's first hour (Beijing time, ISO)


def _intensity(minutes: float, years: float) -> float:
    """mm/min by the Beijing formula."""
    return 2001 * (1 + 0.811 * math.log10(years)) / (minutes + 8) ** 0.711 / 166.67


def design_storm(return_years: float = 50, hours: int = 6) -> Storm:
    """Chicago hyetograph: the storm whose every window around the peak has the formula's intensity."""
    a = 2001 * (1 + 0.811 * math.log10(return_years)) / 166.67
    b, n, duration = 8.0, 0.711, hours * 60

    def rate(t: float) -> float:
        before = t < PEAK_AT * duration
        x = (PEAK_AT * duration - t) / PEAK_AT if before else (t - PEAK_AT * duration) / (1 - PEAK_AT)
        return a * ((1 - n) * x + b) / (x + b) ** (1 + n)

    slots = []
    for start in range(0, duration, SLOT_MINUTES):
        samples = np.linspace(start, start + SLOT_MINUTES, 11)
        slots.append(float(np.mean([rate(t) for t in samples])) * 60)  # mm/min → mm/h
    total = sum(slots) * SLOT_MINUTES / 60
    label = f"design storm P={return_years:g}a, {hours} h"
    return Storm(
        [round(s, 2) for s in slots], "design", label, round(total, 1), round(max(slots), 1), hours, return_years
    )


def observed_storm(url: str, hours: int = 6) -> Storm:
    with transaction(url) as session:
        series = bigdata.rain_series(session, STATION)
    if not series:
        raise Refused("flood.no_rain")
    rain = np.array([r or 0.0 for _, r in series])
    windows = np.convolve(rain, np.ones(hours), mode="valid")
    start = int(np.argmax(windows))
    hourly = rain[start : start + hours].tolist()
    slots = [float(h) for h in hourly for _ in range(60 // SLOT_MINUTES)]
    when = series[start][0]
    label = f"observed at Wanliu (Haidian), {when:%Y-%m-%d %H}:00 +{hours} h"
    return Storm(
        slots, "observed", label, round(float(sum(hourly)), 1), round(max(hourly), 1), hours, start=when.isoformat()
    )


def _bounded(params: dict, name: str, default: float) -> float:
    value = params.get(name, default)
    low, high = LIMITS[name]
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise Refused("flood.bad_param", name=name, low=low, high=high)
    return float(value)


def storm_of(url: str, params: dict) -> Storm:
    hours = int(_bounded(params, "hours", 6))
    if params.get("storm", "design") == "observed":
        return observed_storm(url, hours)
    if params.get("storm", "design") != "design":
        raise Refused("flood.bad_storm")
    return design_storm(_bounded(params, "return_years", 50), hours)


def check(url: str, params: dict) -> dict:
    """The parameters as the run will use them; a bad one is refused before anything starts."""
    storm = storm_of(url, params)
    return {
        "storm": storm.kind,
        "hours": int(_bounded(params, "hours", 6)),
        "return_years": _bounded(params, "return_years", 50),
        "drainage_mm_h": _bounded(params, "drainage_mm_h", 36),
    }


@dataclass(frozen=True)
class Outcome:
    summary: dict
    frames: list[tuple[int, bytes]]  # (minute, PNG of the depth over the terrain's bounds)


def simulate(url: str, params: dict) -> Outcome:
    storm = storm_of(url, params)
    drainage = _bounded(params, "drainage_mm_h", 36)
    grid = terrain.grid(url)
    soak = np.where(_inside(url, grid, "green"), GREEN_SOAK_MM_H, 0.0)
    result = run(
        grid.heights,
        grid.cell_m,
        storm.rain_mm_h,
        drainage,
        slot_minutes=SLOT_MINUTES,
        frame_minutes=FRAME_MINUTES,
        soak_mm_h=soak,
        extra_minutes=SETTLE_MINUTES,
    )
    land = np.where(_inside(url, grid, "water"), 0.0, result.max_depth)  # a lake is not a flood
    impacts = _impacts(url, grid, land)
    summary = {
        "storm": storm.__dict__ | {"rain_mm_h": storm.rain_mm_h},
        "drainage_mm_h": drainage,
        "terrain": {"source": grid.source, "generated": grid.generated, "cell_m": grid.cell_m},
        "step_s": STEP_S,
        "soak_mm_h": GREEN_SOAK_MM_H,
        "bounds": [grid.west, grid.south, grid.east, grid.north],
        "balance_m3": {
            "rain": round(result.rain_m3),
            "drained": round(result.drained_m3),
            "soaked": round(result.soaked_m3),
            "left_the_area": round(result.outflow_m3),
            "standing": round(result.stored_m3),
        },
        "max_depth_m": round(float(land.max()), 2),
        "flooded_km2": round(float((land > WADE_M).sum()) * grid.cell_m**2 / 1e6, 3),
        "steps": result.steps,
        "frame_minutes": result.frame_minutes,
        "method": (
            f"weighted cellular automaton after Guidolin et al. 2016 on a {grid.cell_m:g} m grid, "
            f"{STEP_S:g} s steps, Manning n=0.035, drainage {drainage:g} mm/h, green ground soaks "
            f"{GREEN_SOAK_MM_H:g} mm/h"
        ),
        "estimate": True,
    } | impacts
    return Outcome(summary, [(m, depth_png(d)) for m, d in zip(result.frame_minutes, result.frames, strict=True)])


def _inside(url: str, grid: terrain.Grid, layer: str) -> np.ndarray:
    """Cells whose centre lies in a base layer's areas (green, water)."""
    with transaction(url) as session:
        areas = [shape(f["geometry"]) for f in cim.base_features(session, layer)]
    if not areas:
        return np.zeros(grid.shape, dtype=bool)
    lon, lat = grid.cell_centres()
    return shapely.contains_xy(shapely.union_all(areas), lon, lat)


def _cell(grid: terrain.Grid, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, cols = grid.shape
    r = ((lat - grid.south) / (grid.north - grid.south) * rows).astype(int)
    c = ((lon - grid.west) / (grid.east - grid.west) * cols).astype(int)
    inside = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
    return np.clip(r, 0, rows - 1), np.clip(c, 0, cols - 1), inside


def _depth_along(grid: terrain.Grid, depth: np.ndarray, line) -> np.ndarray:
    """Depth every cell's width along a line (shapely samples the points in one call)."""
    steps = max(2, int(metric(line).length / grid.cell_m) + 1)
    points = shapely.get_coordinates(shapely.line_interpolate_point(line, np.linspace(0, 1, steps), normalized=True))
    r, c, inside = _cell(grid, points[:, 0], points[:, 1])
    return np.where(inside, depth[r, c], 0.0)


def _impacts(url: str, grid: terrain.Grid, depth: np.ndarray) -> dict:
    with transaction(url) as session:
        roads = cim.base_rows(session, "road")
        buildings = cim.base_rows(session, "building")
        units = emergency.resources(session, PUMP_KINDS)
    under = {
        (round(p.x, 5), round(p.y, 5))
        for p in terrain.underpasses(
            [{"properties": orjson.loads(r["properties"]), "geometry": orjson.loads(r["geometry"])} for r in roads]
        )
    }
    flooded_roads = []
    for road in roads:
        line = shape(orjson.loads(road["geometry"]))
        along = _depth_along(grid, depth, line)
        wet = along > WADE_M
        if not wet.any():
            continue
        length = metric(line).length
        deepest = float(along.max())
        at = line.interpolate(float(np.argmax(along)) / max(1, len(along) - 1), normalized=True)
        near_under = any(abs(at.x - x) < 0.0006 and abs(at.y - y) < 0.0006 for x, y in under)
        flooded_roads.append(
            {
                "id": road["id"],
                "name": road["name"],
                "kind": road["kind"],
                "flooded_m": round(length * float(wet.mean())),
                "max_depth_m": round(deepest, 2),
                "close": deepest > CLOSE_M,
                "underpass": near_under,
                "lon": round(at.x, 6),
                "lat": round(at.y, 6),
            }
        )
    flooded_roads.sort(key=lambda r: -r["max_depth_m"])
    entrances, residents = [], 0
    for building in buildings:
        footprint = shape(orjson.loads(building["geometry"]))
        ring = footprint.exterior if footprint.geom_type == "Polygon" else footprint.boundary
        at_walls = float(_depth_along(grid, depth, ring).max())
        if at_walls <= ENTRANCE_M:
            continue
        tags = orjson.loads(building["properties"] or "{}")
        area = float(metric(footprint).area)
        _, residential, _, _, homes = housing.estimate(building["id"], tags, building["kind"], area)
        people = housing.residents(homes) if residential else 0
        residents += people
        point = footprint.representative_point()
        entrances.append(
            {
                "id": building["id"],
                "name": building["name"],
                "depth_m": round(at_walls, 2),
                "residents": people,
                "lon": round(point.x, 6),
                "lat": round(point.y, 6),
            }
        )
    entrances.sort(key=lambda b: -b["depth_m"])
    closures = [r for r in flooded_roads if r["close"]]
    return {
        "roads": flooded_roads,
        "closures": [
            {
                "road": r["name"],
                "kind": r["kind"],
                "depth_m": r["max_depth_m"],
                "lon": r["lon"],
                "lat": r["lat"],
                "underpass": r["underpass"],
            }
            for r in closures
        ],
        "underpasses_flooded": sum(r["underpass"] for r in flooded_roads),
        "buildings": entrances,
        "residents_affected": residents,
        "dispatches": _dispatches(grid, depth, units),
        "generated": ["terrain", "residents"],
    }


def _dispatches(grid: terrain.Grid, depth: np.ndarray, units: list[dict], count: int = 5) -> list[dict]:
    """The deepest ponds (at least 150 m apart) and the nearest pump-carrying unit to each."""
    lon, lat = grid.cell_centres()
    work = np.where(depth > CLOSE_M, depth, 0.0).astype(np.float64)
    out = []
    for _ in range(count):
        if work.max() <= 0:
            break
        r, c = np.unravel_index(int(np.argmax(work)), work.shape)
        here = Point(float(lon[r, c]), float(lat[r, c]))
        near = np.hypot((lon - here.x) * 85_000, (lat - here.y) * 111_000) < 150
        volume = float(depth[near & (depth > WADE_M)].sum()) * grid.cell_m**2
        unit = min(units, key=lambda u: (u["lon"] - here.x) ** 2 + (u["lat"] - here.y) ** 2, default=None)
        out.append(
            {
                "lon": round(here.x, 6),
                "lat": round(here.y, 6),
                "depth_m": round(float(depth[r, c]), 2),
                "volume_m3": round(volume),
                "unit": unit["name"] if unit else None,
                "unit_kind": unit["kind"] if unit else None,
            }
        )
        work[near] = 0
    return out


RAMP = [
    (0.03, (160, 210, 255, 90)),
    (WADE_M, (80, 160, 255, 160)),
    (CLOSE_M, (30, 90, 220, 200)),
    (0.6, (40, 40, 170, 220)),
    (1.0, (90, 20, 140, 235)),
]


def depth_png(depth: np.ndarray) -> bytes:
    """Water depth as a transparent-where-dry image, north up, in the flood ramp."""
    image = np.zeros((*depth.shape, 4), dtype=np.uint8)
    for threshold, colour in RAMP:
        image[depth >= threshold] = colour
    buffer = io.BytesIO()
    Image.fromarray(image[::-1], "RGBA").save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()
