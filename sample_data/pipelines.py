"""Underground pipelines (地下管线) of the detail zone, made by the seeded generator: no source publishes them.
Each network runs under the real roads of the classes that carry it, offset to its side of the carriageway as
Chinese municipal practice lays them (power and communications under the pavement, water and gas beside the
kerb, drainage under the carriageway), with a depth, a diameter and a year. Every feature says it was generated."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, mapping, shape

TO_METRIC = Transformer.from_crs(4326, 4547, always_xy=True)
TO_WGS84 = Transformer.from_crs(4547, 4326, always_xy=True)
# network: (road classes it runs under, offset from the centre line in metres, depth range m, diameters mm)
NETWORKS: dict[str, tuple[frozenset[str], float, tuple[float, float], tuple[int, ...]]] = {
    "water_supply": (
        frozenset({"primary", "secondary", "tertiary", "residential", "unclassified"}),
        4.0,
        (1.2, 1.8),
        (150, 200, 300, 600),
    ),
    "drainage": (
        frozenset({"primary", "secondary", "tertiary", "residential", "living_street"}),
        0.0,
        (2.0, 4.5),
        (400, 600, 800, 1200),
    ),
    "gas": (frozenset({"primary", "secondary", "tertiary", "residential"}), -4.0, (1.0, 1.5), (100, 150, 200, 300)),
    "power": (frozenset({"primary", "secondary", "tertiary"}), 7.0, (0.8, 1.2), (150, 200)),
}
MATERIALS = {"water_supply": "球墨铸铁", "drainage": "钢筋混凝土", "gas": "PE", "power": "电缆排管"}


def _project(line: LineString, transformer: Transformer) -> LineString:
    return shapely.transform(line, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def pipelines(roads: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed + 315)
    source = f"generated (seed {seed}) under the real OpenStreetMap roads"
    out = []
    for road in roads:
        kind = road["properties"].get("kind") or road["properties"].get("highway")
        line = shape(road["geometry"])
        if line.geom_type != "LineString" or line.length == 0:
            continue
        metric = _project(line, TO_METRIC)
        for network, (classes, offset, (shallow, deep), diameters) in NETWORKS.items():
            if kind not in classes:
                continue
            laid = metric.offset_curve(offset) if offset else metric
            if laid.is_empty or laid.geom_type != "LineString":
                continue
            out.append(
                {
                    "type": "Feature",
                    "geometry": mapping(_project(laid, TO_WGS84)),
                    "properties": {
                        "network": network,
                        "material": MATERIALS[network],
                        "diameter_mm": int(rng.choice(diameters)),
                        "depth_m": round(float(rng.uniform(shallow, deep)), 1),
                        "year": int(rng.integers(1985, 2024)),
                        "road": road["properties"].get("name"),
                        "generated": True,
                        "source": source,
                    },
                }
            )
    return out
