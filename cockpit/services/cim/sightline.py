"""Sightline check (视线通廊) of a design against the plan. Beijing's regulatory plans protect views from public
spaces to landmarks; no open source publishes those corridors, so they are generated on the real geography —
from named OpenStreetMap parks of the detail zone to the largest named public buildings within reach (the CIM's
heights), kept where they cross the areas the development plan changes, and labelled as generated. In a
corridor nothing may rise above the line from a standing eye in the park to the landmark's top: at distance d
along a corridor of length D the allowed height is eye + (H − eye)·d/D, checked at each building's nearest
point to the viewpoint."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
import shapely
import shapely.ops
from shapely.geometry import LineString, Point, shape

from cockpit.services.cim import cim_scene
from cockpit.services.kernel.geojson import feature, feature_collection
from cockpit.services.kernel.spatial_ops import metric, wgs84
from data_access import cim
from data_access import projects as project_store
from data_access.db import transaction

EYE_M = 1.6
WIDTH_M = 60.0  # the corridor's protected width
REACH_M = 2500.0  # a landmark farther than this from the park is not a view the plan protects
LANDMARKS = 12  # the largest named public buildings
MOST = 4  # corridors kept
NOT_LANDMARKS = ("school", "kindergarten", "commercial", "retail", "industrial", "warehouse")
LEAST_LANDMARK_M = 15.0  # lower than this, a building is no landmark seen over others


@dataclass(frozen=True)
class Corridor:
    code: str
    park: str
    landmark: str
    eye: tuple[float, float]  # lon, lat
    target: tuple[float, float]
    target_m: float  # the landmark's height

    def axis(self) -> LineString:
        return metric(LineString([self.eye, self.target]))

    def allowed(self, along_m: float) -> float:
        return EYE_M + (self.target_m - EYE_M) * along_m / self.axis().length

    def area(self):
        return self.axis().buffer(WIDTH_M / 2, cap_style="flat")


def _landmarks(url: str) -> list[dict[str, Any]]:
    found = [
        f
        for f in cim_scene.building_features(url)
        if f["properties"]["name"]
        and not f["properties"]["residential"]
        and f["properties"]["use"] not in NOT_LANDMARKS
        and f["properties"]["height"] >= LEAST_LANDMARK_M
    ]
    found.sort(key=lambda f: -metric(shape(f["geometry"])).area)
    return found[:LANDMARKS]


@cache
def corridors(url: str) -> tuple[Corridor, ...]:
    with transaction(url) as session:
        parks = [r for r in cim.base_rows(session, "green") if r["kind"] == "leisure=park" and r["name"]]
        sites = [metric(shapely.from_geojson(p["site"])) for p in project_store.projects(session)]
    candidates = []
    for park in parks:
        eye = shape(orjson.loads(park["geometry"])).representative_point()
        for landmark in _landmarks(url):
            top = shape(landmark["geometry"]).representative_point()
            corridor = Corridor(
                "",
                park["name"],
                landmark["properties"]["name"],
                (eye.x, eye.y),
                (top.x, top.y),
                float(landmark["properties"]["height"]),
            )
            length = corridor.axis().length
            if not 200 < length <= REACH_M:
                continue
            crossed = sum(corridor.area().intersects(s) for s in sites)
            candidates.append((-crossed, length, corridor))
    candidates.sort(key=lambda c: (c[0], c[1]))
    kept: list[Corridor] = []
    for _crossed, _length, c in candidates:  # each park and each landmark once: different views
        if len(kept) < MOST and all(c.park != k.park and c.landmark != k.landmark for k in kept):
            kept.append(Corridor(f"VC-{len(kept) + 1:02d}", c.park, c.landmark, c.eye, c.target, c.target_m))
    return tuple(kept)


def check(url: str, design: dict[str, Any]) -> list[dict[str, Any]]:
    """Each corridor the design's buildings stand in: the tallest building against the height the sightline
    allows where it enters the corridor."""
    out = []
    for corridor in corridors(url):
        area, axis = corridor.area(), corridor.axis()
        worst = None
        for f in design["features"]:
            inside = metric(shape(f["geometry"])).intersection(area)
            if inside.is_empty:
                continue
            nearest = shapely.ops.nearest_points(inside, metric(Point(corridor.eye)))[0]
            allowed = corridor.allowed(axis.project(nearest))
            height = float(f["properties"]["height"])
            if worst is None or height - allowed > worst["height_m"] - worst["allowed_m"]:
                worst = {"height_m": height, "allowed_m": round(allowed, 1)}
        if worst is not None:
            out.append(
                {
                    "code": corridor.code,
                    "park": corridor.park,
                    "landmark": corridor.landmark,
                    "passes": worst["height_m"] <= worst["allowed_m"],
                    **worst,
                }
            )
    return out


def geojson(url: str) -> dict[str, Any]:
    """The corridors on the map, in lon/lat."""
    return feature_collection(
        [
            feature(
                orjson.loads(shapely.to_geojson(wgs84(c.area()))),
                {"name": f"{c.code} {c.park} → {c.landmark}", "generated": True},
            )
            for c in corridors(url)
        ]
    )
