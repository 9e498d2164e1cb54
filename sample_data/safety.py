"""The public-safety scenario's geography: key areas (重点区域) are the real metro stations, hospitals, schools
and campuses of the OSM detail zone; their cameras are generated at the real subway entrances of a station, or
at the area's gates (points 60 m from it on the compass), and labelled generated. The city's road cameras
(the seeded generator's) also see vehicles."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

# a key area's kind -> (the OSM POI categories it comes from, capacity in people per 10 minutes, radius in metres)
KEY_AREAS = {
    "metro": (("metro_station",), 400, 200.0),
    "hospital": (("hospital",), 250, 150.0),
    "school": (("school", "kindergarten"), 200, 120.0),
    "campus": (("university",), 300, 300.0),
}
ENTRANCE_M = 450  # a subway entrance this close to a station of its name belongs to it
GATE_M = 60.0
MAX_CAMERAS = 4
CJK = re.compile(r"[\u4e00-\u9fff]")
SOURCE = "generated (cockpit seeded generator, seed={seed}) at a real OSM place: {place}"


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * math.cos(math.radians(a[1])) * 111_320
    dy = (a[1] - b[1]) * 110_540
    return math.hypot(dx, dy)


def _kind(category: str | None) -> str | None:
    return next((kind for kind, (categories, _, _) in KEY_AREAS.items() if category in categories), None)


def _entrances(
    station: dict[str, Any], stations: list[dict[str, Any]], entrances: list[dict[str, Any]]
) -> list[tuple[str, tuple[float, float]]]:
    """The subway entrances nearer this station than any other, within ENTRANCE_M (OSM often leaves an
    entrance's station unnamed)."""
    here = tuple(station["geometry"]["coordinates"])
    found = []
    for entrance in entrances:
        point = tuple(entrance["geometry"]["coordinates"])
        nearest = min(stations, key=lambda s: _metres(point, s["geometry"]["coordinates"]))
        if nearest is station and _metres(here, point) <= ENTRANCE_M:
            name = entrance["properties"].get("name") or ""
            found.append((name if CJK.search(name) else f"{len(found) + 1}号口", point))
    return sorted(found)[:MAX_CAMERAS]


def _gates(rng: np.random.Generator, here: tuple[float, float]) -> list[tuple[str, tuple[float, float]]]:
    turn = rng.uniform(0, math.pi / 2)
    out = []
    for i, label in enumerate(("北门", "东门", "南门")):
        angle = turn + i * math.pi / 2
        dx = GATE_M * math.sin(angle) / (math.cos(math.radians(here[1])) * 111_320)
        dy = GATE_M * math.cos(angle) / 110_540
        out.append((label, (here[0] + dx, here[1] + dy)))
    return out


def key_areas(
    pois: list[dict[str, Any]], adcode: str, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(areas, camera devices, camera sites) from the real POIs; the same seed gives the same cameras."""
    rng = np.random.default_rng(seed + 17)
    entrances = [p for p in pois if p["properties"].get("category") == "subway_entrance"]
    stations = [p for p in pois if p["properties"].get("category") == "metro_station"]
    areas: list[dict[str, Any]] = []
    devices: list[dict[str, Any]] = []
    sites: list[dict[str, Any]] = []
    seen: set[str] = set()
    for poi in pois:
        props = poi["properties"]
        kind = _kind(props.get("category"))
        name = props.get("name")
        if kind is None or not name or name in seen or poi["geometry"]["type"] != "Point":
            continue
        seen.add(name)
        here = tuple(poi["geometry"]["coordinates"])
        code = f"KA-{len(areas) + 1:03d}"
        _, capacity, radius = KEY_AREAS[kind]
        areas.append(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "lon": here[0],
                "lat": here[1],
                "radius_m": radius,
                "capacity": capacity,
                "source": f"OpenStreetMap ({props.get('osm_id') or props.get('src')}), © OpenStreetMap contributors",
            }
        )
        spots = (_entrances(poi, stations, entrances) if kind == "metro" else []) or _gates(rng, here)
        for label, (lon, lat) in spots:
            serial = len(devices) + 1
            camera = f"{adcode}-camera-K{serial:04d}"
            devices.append(
                {
                    "code": camera,
                    "name": f"{name} {label} 人像抓拍机",
                    "type": "camera",
                    "lon": round(float(lon), 6),
                    "lat": round(float(lat), 6),
                    "district_adcode": adcode,
                    "grid_id": None,
                    "owner_department": "区公安分局",
                    "online": bool(rng.random() > 0.03),
                    "last_seen": None,
                    "generated": True,
                    "source": SOURCE.format(seed=seed, place=f"{name} {label}"),
                }
            )
            sites.append({"camera_code": camera, "area_code": code, "sees": "person"})
    return areas, devices, sites
