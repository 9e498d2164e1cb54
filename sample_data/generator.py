"""Seeded generator for what no real source gives: the grids of the detail zone (cut along the generated street
boundaries of sample_data.streets), generated devices
and city components placed on the real roads. Same seed, same city; every row says it was generated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
from shapely.geometry import LineString, box, mapping, shape
from shapely.ops import unary_union

from cockpit.profile import METER_TYPES

SCALES = {"small": 1, "medium": 10, "large": 60}
DEVICES_PER_TYPE = 40
COMPONENTS_PER_UNIT = 2_000

DETAIL_ZONE_DISTRICT = "110108"  # 海淀区: all three OSM coverage boxes lie in it
GRID_DEG = 0.004  # about 340 m x 445 m at Beijing's latitude

# type -> (Chinese name, owner department)
DEVICE_TYPES = {
    "water_level": ("积水监测仪", "区水务局"),
    "manhole_tilt": ("井盖倾斜传感器", "区市政市容委"),
    "street_lamp": ("路灯控制器", "区城管委"),
    "noise": ("噪声监测仪", "区生态环境局"),
    "camera": ("视频监控摄像机", "区公安分局"),
}

METERED_BUILDINGS_PER_UNIT = 40
METERED_USES = {"yes", "residential", "apartments", "dormitory", "house", "bungalow", "commercial", "office"}

# GB/T 30428-style component classes: (major, minor) -> name
COMPONENT_CLASSES = {
    ("01", "01"): "上水井盖",
    ("01", "02"): "污水井盖",
    ("01", "03"): "雨水箅子",
    ("01", "04"): "电力井盖",
    ("01", "05"): "通信井盖",
    ("01", "06"): "消防栓",
    ("01", "07"): "路灯",
    ("02", "01"): "交通信号灯",
    ("02", "02"): "交通标志牌",
    ("02", "03"): "公交站亭",
    ("02", "04"): "隔离护栏",
    ("03", "01"): "垃圾箱",
    ("03", "02"): "公共厕所",
    ("04", "01"): "行道树",
    ("04", "02"): "座椅",
}
DRIVABLE = {
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
    "tertiary_link",
}


@dataclass(frozen=True)
class GeneratedCity:
    streets: list[dict[str, Any]]
    grids: list[dict[str, Any]]
    devices: list[dict[str, Any]]
    components: list[dict[str, Any]]


def _source(seed: int) -> str:
    return f"generated (cockpit seeded generator, seed={seed})"


def grids(coverage: list[dict[str, Any]], streets: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """The detail zone cut into cells of GRID_DEG, each cell split where street boundaries cross it; a grid's
    code is its street's 9-digit code and a 3-digit serial."""
    zone = unary_union([shape(f["geometry"]) for f in coverage])
    rows: list[dict[str, Any]] = []
    for street in (s for s in streets if s["district_adcode"] == DETAIL_ZONE_DISTRICT):
        area = shape(orjson.loads(street["geometry"])).intersection(zone)
        if area.is_empty:
            continue
        minx, miny, maxx, maxy = zone.bounds
        serial = 0
        for y in np.arange(miny, maxy, GRID_DEG):
            for x in np.arange(minx, maxx, GRID_DEG):
                cell = box(x, y, x + GRID_DEG, y + GRID_DEG).intersection(area)
                if cell.is_empty or cell.area < (GRID_DEG**2) * 0.05:
                    continue
                serial += 1
                rows.append(
                    {
                        "id": len(rows) + 1,
                        "code": f"{street['code']}{serial:03d}",
                        "street_id": street["id"],
                        "geometry": orjson.dumps(mapping(cell), option=orjson.OPT_SERIALIZE_NUMPY).decode(),
                        "generated": True,
                        "source": _source(seed),
                    }
                )
    return rows


def _points_on_roads(rng: np.random.Generator, roads: list[LineString], n: int) -> np.ndarray:
    """n points spread over the roads in proportion to length, a few metres off the centre line."""
    lengths = np.array([r.length for r in roads])
    picks = rng.choice(len(roads), size=n, p=lengths / lengths.sum())
    where = rng.random(n)
    out = np.empty((n, 2))
    for i, (road_index, fraction) in enumerate(zip(picks, where, strict=True)):
        point = roads[road_index].interpolate(fraction, normalized=True)
        out[i] = (point.x, point.y)
    out += rng.normal(0.0, 0.00003, size=out.shape)
    return np.round(out, 6)


def _grid_of(points: np.ndarray, grids: list[dict[str, Any]]) -> list[int | None]:
    frame = gpd.GeoDataFrame(
        {"grid_id": [g["id"] for g in grids]},
        geometry=[shape(orjson.loads(g["geometry"])) for g in grids],
    )
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(points[:, 0], points[:, 1]))
    joined = gpd.sjoin(pts, frame, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [None if np.isnan(g) else int(g) for g in joined["grid_id"].astype(float)]


def generate(
    roads: list[dict[str, Any]],
    coverage: list[dict[str, Any]],
    streets: list[dict[str, Any]],
    scale: str,
    seed: int,
) -> GeneratedCity:
    """Build the generated part of the sample city from the real roads, coverage boxes and streets."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    rng = np.random.default_rng(seed)
    areas = [shape(f["geometry"]) for f in coverage]
    lines = []
    for road in roads:
        if road["properties"].get("highway") not in DRIVABLE:
            continue
        geom = shape(road["geometry"])
        for area in areas:
            part = geom.intersection(area)
            lines.extend(g for g in getattr(part, "geoms", [part]) if isinstance(g, LineString) and g.length)
    grid_rows = grids(coverage, streets, seed)
    adcode = DETAIL_ZONE_DISTRICT
    units = SCALES[scale]

    devices = []
    for d_type, (name, department) in DEVICE_TYPES.items():
        points = _points_on_roads(rng, lines, DEVICES_PER_TYPE * units)
        online = rng.random(len(points)) > 0.03
        for serial, ((lon, lat), grid_id, is_online) in enumerate(
            zip(points, _grid_of(points, grid_rows), online, strict=True), start=1
        ):
            devices.append(
                {
                    "code": f"{adcode}-{d_type}-{serial:05d}",
                    "name": f"{name} {serial:05d}",
                    "type": d_type,
                    "lon": float(lon),
                    "lat": float(lat),
                    "district_adcode": adcode,
                    "grid_id": grid_id,
                    "owner_department": department,
                    "online": bool(is_online),
                    "last_seen": None,
                    "generated": True,
                    "source": _source(seed),
                }
            )

    classes = sorted(COMPONENT_CLASSES)
    n_components = COMPONENTS_PER_UNIT * units
    points = _points_on_roads(rng, lines, n_components)
    class_picks = rng.choice(len(classes), size=n_components)
    serials: dict[tuple[str, str], int] = {}
    components = []
    for (lon, lat), grid_id, pick in zip(points, _grid_of(points, grid_rows), class_picks, strict=True):
        major, minor = classes[pick]
        serials[(major, minor)] = serials.get((major, minor), 0) + 1
        components.append(
            {
                "code": f"{adcode}{major}{minor}{serials[(major, minor)]:06d}",
                "major": major,
                "minor": minor,
                "lon": float(lon),
                "lat": float(lat),
                "district_adcode": adcode,
                "grid_id": grid_id,
                "generated": True,
                "source": _source(seed),
            }
        )
    return GeneratedCity(streets, grid_rows, devices, components)


def meters(
    buildings: list[dict[str, Any]], grid_rows: list[dict[str, Any]], scale: str, seed: int
) -> list[dict[str, Any]]:
    """A water, a power and a gas meter inside each of a seeded choice of the real buildings (homes, offices and
    shops, not schools or stations): the building card finds them by its footprint, as a utility's meter
    register would place them by address."""
    rng = np.random.default_rng(seed + 2)
    candidates = [f for f in buildings if f["properties"].get("building") in METERED_USES]
    n = min(len(candidates), METERED_BUILDINGS_PER_UNIT * SCALES[scale])
    chosen = sorted(rng.choice(len(candidates), size=n, replace=False))
    points = np.array(
        [shape(candidates[i]["geometry"]).representative_point().coords[0] for i in chosen], dtype=float
    ).round(6)
    out = []
    for serial, ((lon, lat), grid_id) in enumerate(zip(points, _grid_of(points, grid_rows), strict=True), start=1):
        for m_type, (name, owner) in METER_TYPES.items():
            out.append(
                {
                    "code": f"{DETAIL_ZONE_DISTRICT}-{m_type}-{serial:05d}",
                    "name": f"{name} {serial:05d}",
                    "type": m_type,
                    "lon": float(lon),
                    "lat": float(lat),
                    "district_adcode": DETAIL_ZONE_DISTRICT,
                    "grid_id": grid_id,
                    "owner_department": owner,
                    "online": bool(rng.random() > 0.02),
                    "last_seen": None,
                    "generated": True,
                    "source": _source(seed),
                }
            )
    return out


RESOURCE_SCALES = {"small": 1, "medium": 5, "large": 17}
# kind -> (units per scale step, Chinese name, base name pattern)
UNIT_KINDS = {
    "fire_engine": (24, "消防车", "消防救援站（生成）"),
    "ambulance": (40, "救护车", "急救站（生成）"),
    "police_car": (40, "警车", "派出所（生成）"),
    "rescue_team": (10, "救援队", "救援队驻地（生成）"),
    "supply_depot": (6, "物资储备库", "物资储备库（生成）"),
}


def resources(
    roads: list[dict[str, Any]],
    coverage: list[dict[str, Any]],
    anchors: list[tuple[float, float, str | None]],
    hospitals: list[dict[str, Any]],
    shelters: list[dict[str, Any]],
    scale: str,
    seed: int,
) -> list[dict[str, Any]]:
    """Units at generated bases: half on the detail zone's real roads (where routing works), half beside real
    metro stations across the city; plus the real hospitals and shelters with generated capacities."""
    rng = np.random.default_rng(seed + 1)
    areas = [shape(f["geometry"]) for f in coverage]
    lines = []
    for road in roads:
        if road["properties"].get("highway") in DRIVABLE:
            geom = shape(road["geometry"])
            for area in areas:
                part = geom.intersection(area)
                lines.extend(g for g in getattr(part, "geoms", [part]) if isinstance(g, LineString) and g.length)
    out = []
    step = RESOURCE_SCALES[scale]
    for kind, (per_step, name, base) in UNIT_KINDS.items():
        n = per_step * step
        local = _points_on_roads(rng, lines, n // 2)
        far = [anchors[i] for i in rng.choice(len(anchors), size=n - n // 2)]
        places = [(float(x), float(y), "110108") for x, y in local] + [
            (round(lon + float(rng.normal(0, 0.002)), 6), round(lat + float(rng.normal(0, 0.002)), 6), adcode)
            for lon, lat, adcode in far
        ]
        for serial, (lon, lat, adcode) in enumerate(places, start=1):
            out.append(
                _resource(
                    f"{kind}-{serial:04d}",
                    kind,
                    f"{name} {serial:04d}",
                    base,
                    lon,
                    lat,
                    1 if kind != "supply_depot" else int(rng.integers(200, 2000)),
                    adcode,
                    True,
                    _source(seed),
                )
            )
    for h in hospitals:
        out.append(
            _resource(
                f"hospital-{h['ref']}",
                "hospital",
                h["name"],
                h["name"],
                h["lon"],
                h["lat"],
                int(rng.integers(20, 200)),
                h["district_adcode"],
                False,
                f"{h['source']}; free beds generated (seed={seed})",
            )
        )
    for s in shelters:
        out.append(
            _resource(
                f"shelter-{s['ref']}",
                "shelter",
                f"应急避难场所 {s['ref']}",
                f"避难场所 {s['ref']}",
                s["lon"],
                s["lat"],
                int(rng.integers(200, 5000)),
                s["district_adcode"],
                False,
                f"{s['source']}; capacity generated (seed={seed})",
            )
        )
    return out


def _resource(
    code: str,
    kind: str,
    name: str,
    base: str,
    lon: float,
    lat: float,
    capacity: int,
    adcode: str | None,
    generated: bool,
    source: str,
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": kind,
        "name": name,
        "base_name": base,
        "home_lon": lon,
        "home_lat": lat,
        "lon": lon,
        "lat": lat,
        "capacity": capacity,
        "occupancy": 0,
        "status": "available",
        "district_adcode": adcode,
        "generated": generated,
        "source": source,
    }
