"""Sunlight analysis (日照分析) of a design against its neighbours, as GB 50180-2018 asks of homes: on the rule
day — 大寒日 (about 20 January) or 冬至日 (about 22 December) — the ground-floor window sills (底层窗台面,
0.9 m up) of neighbouring homes must see the sun for at least the hours the city's climate zone and size set
(Beijing, zone II, a large city: 2 h on 大寒日, counted 08:00–16:00 true solar time; 冬至日: 1 h, 09:00–15:00).

The sun's place comes from the textbook formulas (Cooper's declination, the hour angle of true solar time).
Every building is a prism on its footprint; its shadow on the plane of the sill is exact for any footprint:
the footprint moved along the shadow vector, and each wall swept along it. Each façade of a neighbouring home
that faces the sun's half of the sky is sampled every few metres; a sample is lit at a moment when the sun is
up, in front of its wall, and no shadow covers it. The design is the cause when it takes a sample below the
rule that met it without the design."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry import shape

from cockpit.refusal import Refused
from cockpit.services.cim import cim_scene
from cockpit.services.kernel.geojson import feature, feature_collection
from cockpit.services.kernel.spatial_ops import metric, wgs84

RULE_DAYS = {  # the rule day, its date, the counted true-solar hours, and the hours a home's sill needs
    "dahan": (date(2026, 1, 20), (8.0, 16.0), 2.0),
    "dongzhi": (date(2025, 12, 22), (9.0, 15.0), 1.0),
}
SILL_M = 0.9
STEP_MIN = 6  # minutes between the moments checked
SAMPLE_M = 6.0  # between samples along a façade
OFFSET_M = 0.3  # a sample stands this far out from its wall
LOWEST_SUN_DEG = 3.0  # below this the sun is in the haze: no sunlight counted, no shadow cast


@dataclass(frozen=True)
class Sun:
    minutes: float  # true solar time, minutes after midnight
    altitude: float  # radians
    azimuth: float  # radians clockwise from north


def sun_path(day: date, latitude: float, hours: tuple[float, float], step_min: int = STEP_MIN) -> list[Sun]:
    """The sun at each step of the counted hours (the centre of each step)."""
    n = day.timetuple().tm_yday
    declination = math.radians(23.45 * math.sin(math.radians(360 * (284 + n) / 365)))
    phi = math.radians(latitude)
    out = []
    steps = round((hours[1] - hours[0]) * 60 / step_min)
    for k in range(steps):
        minutes = hours[0] * 60 + (k + 0.5) * step_min
        omega = math.radians(15 * (minutes / 60 - 12))
        sin_alt = math.sin(phi) * math.sin(declination) + math.cos(phi) * math.cos(declination) * math.cos(omega)
        altitude = math.asin(sin_alt)
        cos_az = (math.sin(declination) - sin_alt * math.sin(phi)) / (math.cos(altitude) * math.cos(phi))
        azimuth = math.acos(max(-1.0, min(1.0, cos_az)))
        out.append(Sun(minutes, altitude, azimuth if omega <= 0 else 2 * math.pi - azimuth))
    return out


def shadow_vector(sun: Sun, height: np.ndarray) -> np.ndarray:
    """(east, north) metres the top of a wall of `height` above the plane throws its shadow, away from the sun."""
    length = np.maximum(height, 0) / math.tan(sun.altitude)
    return np.column_stack((-length * math.sin(sun.azimuth), -length * math.cos(sun.azimuth)))


@dataclass(frozen=True)
class Prisms:
    """Buildings as prisms, their rings flattened once so every moment's shadows are made in a few vector calls."""

    heights: np.ndarray
    coords: np.ndarray  # every exterior ring's points, one after another
    ring: np.ndarray  # the building each point belongs to
    starts: np.ndarray  # each wall's first point
    ends: np.ndarray
    wall: np.ndarray  # the building each wall belongs to

    @classmethod
    def of(cls, footprints: np.ndarray, heights: np.ndarray) -> Prisms:
        rings = shapely.get_exterior_ring(np.asarray(footprints, dtype=object))
        coords, index = shapely.get_coordinates(rings, return_index=True)
        same = index[:-1] == index[1:]  # consecutive points of one ring make a wall
        return cls(
            np.asarray(heights, dtype=float), coords, index, coords[:-1][same], coords[1:][same], index[:-1][same]
        )

    def shadows(self, sun: Sun, plane: float = SILL_M) -> np.ndarray:
        """The pieces of the shadows on the plane `plane` metres up: each footprint moved along its shadow
        vector, and a quadrilateral for each wall swept along it."""
        if not len(self.heights):
            return np.array([], dtype=object)
        vectors = shadow_vector(sun, self.heights - plane)
        moved = shapely.polygons(shapely.linearrings(self.coords + vectors[self.ring], indices=self.ring))
        offset = vectors[self.wall]
        quads = np.stack([self.starts, self.ends, self.ends + offset, self.starts + offset, self.starts], axis=1)
        return np.concatenate([moved, shapely.polygons(quads)])


@dataclass(frozen=True)
class Facade:
    points: np.ndarray  # shapely points in metres, OFFSET_M out from the wall
    normal: np.ndarray  # outward normal azimuth of each sample's wall, radians clockwise from north
    building: np.ndarray  # which neighbour each sample belongs to


def facades(footprints: np.ndarray) -> Facade:
    """Samples along every wall that faces the southern half of the sky (east through south to west)."""
    points, normals, owners = [], [], []
    for n, footprint in enumerate(footprints):
        ring = shapely.get_exterior_ring(shapely.orient_polygons(footprint))  # outer ring anticlockwise
        xy = np.asarray(shapely.get_coordinates(ring))
        for (x0, y0), (x1, y1) in pairwise(xy):
            length = math.hypot(x1 - x0, y1 - y0)
            if length < 1.0:
                continue
            nx_, ny_ = (y1 - y0) / length, -(x1 - x0) / length  # outward for an anticlockwise ring
            normal = math.atan2(nx_, ny_) % (2 * math.pi)
            if not math.pi / 2 <= normal <= 3 * math.pi / 2:
                continue
            count = max(1, int(length // SAMPLE_M))
            for k in range(count):
                f = (k + 0.5) / count
                points.append((x0 + f * (x1 - x0) + OFFSET_M * nx_, y0 + f * (y1 - y0) + OFFSET_M * ny_))
                normals.append(normal)
                owners.append(n)
    return Facade(shapely.points(np.array(points).reshape(-1, 2)), np.array(normals), np.array(owners, dtype=int))


def lit_minutes(samples: Facade, standing: Prisms, design: Prisms, suns: list[Sun]) -> tuple[np.ndarray, np.ndarray]:
    """Minutes of sun at each sample without the design and with it."""
    without = np.zeros(len(samples.points))
    with_design = np.zeros(len(samples.points))
    for sun in suns:
        if math.degrees(sun.altitude) < LOWEST_SUN_DEG:
            continue
        lit = np.cos(samples.normal - sun.azimuth) > 0  # the sun in front of the wall
        for shade, total in ((standing, without), (design, with_design)):
            pieces = shade.shadows(sun)
            if len(pieces):
                lit[shapely.STRtree(pieces).query(samples.points, predicate="intersects")[0]] = False
            total += lit * STEP_MIN
    return without, with_design


REACH_MOST_M = 800.0  # a design's shadow is followed this far at most


def analyse(url: str, design: dict[str, Any], day_key: str, latitude: float | None = None) -> dict[str, Any]:
    """A design (GeoJSON footprints with heights, WGS-84) against the standing homes around it: each home's
    worst window sill without and with the design, the verdict, and the design's shadows hour by hour."""
    if day_key not in RULE_DAYS:
        raise Refused("sunlight.bad_day", allowed=", ".join(RULE_DAYS))
    day, hours, needed = RULE_DAYS[day_key]
    proposed = [f for f in design.get("features", []) if f.get("geometry")]
    if not proposed:
        raise Refused("sunlight.no_design")
    design_m = metric(np.array([shape(f["geometry"]) for f in proposed], dtype=object))
    design_h = np.array([float(f["properties"]["height"]) for f in proposed])
    plot = shapely.union_all(design_m)
    centre = wgs84(plot.centroid)
    suns = [s for s in sun_path(day, latitude or centre.y, hours) if math.degrees(s.altitude) >= LOWEST_SUN_DEG]
    lowest = min(s.altitude for s in suns)
    reach = min(REACH_MOST_M, float(design_h.max()) / math.tan(lowest))
    features = cim_scene.building_features(url)
    standing = metric(np.array([shape(f["geometry"]) for f in features], dtype=object))
    heights = np.array([float(f["properties"]["height"]) for f in features])
    homes_flag = np.array([bool(f["properties"]["residential"]) for f in features])
    distance = shapely.distance(standing, plot)
    kept = ~shapely.intersects(standing, plot)  # what stands on the design's own plot makes way for it
    homes = np.flatnonzero(kept & homes_flag & (distance <= reach))
    walls = np.flatnonzero(kept & (distance <= reach + 200))
    samples = facades(standing[homes])
    without, with_design = lit_minutes(
        samples, Prisms.of(standing[walls], heights[walls]), Prisms.of(design_m, design_h), suns
    )
    inside = shapely.STRtree(standing[walls]).query(samples.points, predicate="within")[0]
    open_air = np.ones(len(samples.points), dtype=bool)
    open_air[inside] = False  # a sample on a wall another building stands against is no window
    met = without >= needed * 60
    rows = []
    for k, n in enumerate(homes):
        mine = (samples.building == k) & open_air
        if not mine.any():
            continue
        lost = mine & met & (with_design < needed * 60)
        judged = mine & met if (mine & met).any() else mine  # the windows that met the rule, when any did
        rows.append(
            {
                "id": features[n]["properties"]["id"],
                "name": features[n]["properties"]["name"],
                "hours_without": round(float(without[judged].min()) / 60, 2),
                "hours_with": round(float(with_design[judged].min()) / 60, 2),
                "verdict": "caused" if lost.any() else ("passes" if (mine & met).any() else "already"),
                "windows": int(mine.sum()),
                "windows_lost": int(lost.sum()),
                "geometry": features[n]["geometry"],
            }
        )
    rows.sort(key=lambda r: (r["verdict"] != "caused", r["hours_with"]))
    hourly = [s for s in suns if abs(s.minutes % 60 - STEP_MIN / 2) < 1e-6]
    shade = [
        feature(orjson.loads(
                shapely.to_geojson(wgs84(shapely.union_all(Prisms.of(design_m, design_h).shadows(s, 0.0))))
            ), {"hour": int(s.minutes // 60)})
        for s in hourly
    ]
    return {
        "day": day_key,
        "date": day.isoformat(),
        "hours": list(hours),
        "needed_h": needed,
        "reach_m": round(reach),
        "homes": rows,
        "caused": sum(r["verdict"] == "caused" for r in rows),
        "already": sum(r["verdict"] == "already" for r in rows),
        "shadows": feature_collection(shade),
        "samples": len(samples.points),
    }
