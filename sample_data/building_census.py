"""The housing and construction commission's 2026 building census (建筑普查) of the detail zone, made by the
seeded generator so the CIM platform's model comparison has a second vintage to compare the OpenStreetMap
buildings with: most buildings as mapped, with floors counted, some demolished since, some extended or raised,
and new ones on open ground. No such census is published; every feature says it was generated."""

from __future__ import annotations

from typing import Any

import numpy as np
from shapely import affinity
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

SHARES = {"demolished": 0.03, "raised": 0.05, "extended": 0.04}
NEW_BUILDINGS = 15
USES = ("residential", "office", "school", "commercial")


def census(
    buildings: list[dict[str, Any]],
    floors: dict[int, int],
    areas: list[BaseGeometry],
    obstacles: list[BaseGeometry],
    seed: int,
) -> dict[str, Any]:
    """A FeatureCollection: `buildings` are the base features (id, osm_id, name, kind, geometry), `floors` the
    floors the cockpit shows for each, `areas` where new buildings may rise clear of `obstacles` (roads, water)."""
    rng = np.random.default_rng(seed + 2026)
    source = f"generated (seed {seed}) from the OpenStreetMap buildings"
    features = []
    for building in buildings:
        draw = rng.random(3)
        if draw[0] < SHARES["demolished"]:
            continue
        footprint = shape(building["geometry"])
        storeys = floors[building["id"]]
        state = "现状"
        if draw[1] < SHARES["raised"]:
            storeys += int(rng.integers(2, 8))
            state = "加层"
        if draw[2] < SHARES["extended"]:
            footprint = affinity.scale(footprint, 1.25, 1.25)
            state = "扩建"
        features.append(
            _feature(building["osm_id"], building["name"], building["kind"], footprint, storeys, state, source)
        )
    taken = unary_union(
        [shape(b["geometry"]).buffer(0.0002) for b in buildings] + [o.buffer(0.0001) for o in obstacles]
    )
    placed = 0
    for _ in range(2000):
        if placed >= NEW_BUILDINGS or not areas:
            break
        area = areas[int(rng.integers(len(areas)))]
        west, south, east, north = area.bounds
        x, y = rng.uniform(west, east), rng.uniform(south, north)
        size = rng.uniform(0.0002, 0.0004)
        candidate = box(x, y, x + size, y + size * 0.7)
        if not area.contains(candidate) or candidate.intersects(taken):
            continue
        taken = taken.union(candidate.buffer(0.0002))
        placed += 1
        kind = USES[int(rng.integers(len(USES)))]
        features.append(_feature(None, None, kind, candidate, int(rng.integers(4, 25)), "新建", source))
    return {"type": "FeatureCollection", "features": features}


def _feature(osm_id, name, kind, footprint, storeys: int, state: str, source: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": mapping(footprint),
        "properties": {
            "osm_id": osm_id,
            "名称": name,
            "用途": kind,
            "层数": storeys,
            "高度": storeys * 3.0,
            "状态": state,
            "来源": source,
        },
    }
