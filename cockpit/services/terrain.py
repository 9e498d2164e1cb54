"""The terrain the CIM platform stands on and the flood model runs over. No real elevation model is in the
sample data, so until one is imported the terrain is generated over the detail zone and says so: the Beijing
plain falling gently from the north-west hills to the south-east (about 1.5 m per km, as it does in Haidian),
a seeded low undulation of a few metres, and the real water bodies a metre and a half below their banks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
from shapely.geometry import shape

from cockpit.services.spatial_ops import metric
from data_access import cim
from data_access.db import transaction

CELL_M = 10.0
SEED = 7
PLAIN_M = 55.0  # height of the detail zone's north-west corner
FALL_PER_KM = 1.5


@dataclass(frozen=True)
class Grid:
    heights: np.ndarray  # metres, row 0 at the south edge
    west: float
    south: float
    east: float
    north: float
    cell_m: float
    source: str
    generated: bool

    @property
    def shape(self) -> tuple[int, int]:
        return self.heights.shape

    def cell_centres(self) -> tuple[np.ndarray, np.ndarray]:
        return _centres(self.west, self.south, self.east, self.north, *self.heights.shape)


@cache
def grid(url: str) -> Grid:
    with transaction(url) as session:
        zone = [shape(f["geometry"]) for f in cim.base_features(session, "coverage")]
        water = [shape(f["geometry"]) for f in cim.base_features(session, "water")]
    west, south, east, north = shapely.union_all(zone).bounds
    corner = metric(shapely.Point(west, south))
    far = metric(shapely.Point(east, north))
    cols = max(2, int((far.x - corner.x) / CELL_M))
    rows = max(2, int((far.y - corner.y) / CELL_M))
    x = np.linspace(0, far.x - corner.x, cols)
    y = np.linspace(0, far.y - corner.y, rows)
    xx, yy = np.meshgrid(x, y)
    height_km = (far.y - corner.y) / 1000
    slope = PLAIN_M - FALL_PER_KM * (xx / 1000 + (height_km - yy / 1000)) / np.sqrt(2)
    rng = np.random.default_rng(SEED + 2026)
    relief = np.zeros_like(xx)
    for _ in range(6):
        wave_x, wave_y = rng.uniform(800, 3000, 2)
        phase_x, phase_y = rng.uniform(0, 2 * np.pi, 2)
        relief += (
            rng.uniform(0.4, 1.2)
            * np.sin(xx / wave_x * 2 * np.pi + phase_x)
            * np.cos(yy / wave_y * 2 * np.pi + phase_y)
        )
    heights = slope + relief
    if water:
        lon, lat = _centres(west, south, east, north, rows, cols)
        wet = shapely.contains_xy(shapely.union_all(water), lon, lat)
        heights = np.where(wet, heights - 1.5, heights)
    source = f"generated (seed {SEED + 2026}): plain falling {FALL_PER_KM} m/km to the south-east, low undulation"
    return Grid(heights, west, south, east, north, CELL_M, source, True)


def _centres(west: float, south: float, east: float, north: float, rows: int, cols: int):
    lon = west + (np.arange(cols) + 0.5) * (east - west) / cols
    lat = south + (np.arange(rows) + 0.5) * (north - south) / rows
    return np.meshgrid(lon, lat)
