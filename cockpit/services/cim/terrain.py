"""The terrain the CIM platform stands on and the flood model runs over. No real elevation model is in the
sample data, so until one is imported the terrain is generated over the detail zone and says so: the Beijing
plain falling gently from the north-west hills to the south-east (about 1.5 m per km, as it does in Haidian),
a seeded irregular undulation of half a metre, the real streets a kerb below the blocks and the real
buildings' ground floors half a metre up so water flows round them, the real water bodies a metre and a half
below their banks, and a dip where a real road passes under a real bridge (the sunken underpasses where
Beijing's storms pond)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import orjson
import shapely
from shapely.geometry import shape

from cockpit.services.kernel.spatial_ops import metric
from data_access import cim
from data_access import terrain as terrain_store
from data_access.db import transaction

CELL_M = 10.0
SEED = 7
PLAIN_M = 55.0  # height of the detail zone's north-west corner
FALL_PER_KM = 1.5
WATER_DEPTH_M = 1.5
UNDERPASS_DEPTH_M = 3.0  # Beijing's sunken underpasses (下凹式立交) dip about this far below the road
UNDERPASS_M = 40.0
RELIEF_M = 0.5  # standard deviation of the undulation
RELIEF_SCALE_M = 500.0  # its typical wavelength
KERB_M = 0.15  # streets lie a kerb below the blocks, so water runs along them
WALLS_M = 0.5  # ground floors stand above the street (steps, sills): water flows round buildings, not through
UNDER = {"primary", "secondary", "tertiary", "trunk", "residential", "unclassified", "primary_link", "secondary_link"}


def underpasses(roads: list[dict]) -> list[shapely.Point]:
    """Where a road at ground level passes under a bridge, and tunnels: the low points a storm fills first."""
    bridges = [
        shape(r["geometry"]) for r in roads if r["properties"].get("bridge") and r["properties"].get("bridge") != "no"
    ]
    tree = shapely.STRtree(bridges) if bridges else None
    found = []
    for road in roads:
        tags = road["properties"]
        line = shape(road["geometry"])
        if tags.get("tunnel") == "yes" and tags.get("highway") in UNDER:
            found.append(line.interpolate(0.5, normalized=True))
        if tree is None or tags.get("bridge") or tags.get("highway") not in UNDER:
            continue
        for i in tree.query(line, predicate="crosses"):
            crossing = line.intersection(bridges[i])
            found.extend(getattr(crossing, "geoms", [crossing]) if not crossing.is_empty else [])
    return [p for p in found if p.geom_type == "Point"]


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


def grid(url: str) -> Grid:
    """The terrain: the newest imported elevation model, or the generated one."""
    return _grid(url, stamp(url))


def stamp(url: str) -> int:
    """Which terrain is current: the newest imported model's id, 0 for the generated one."""
    with transaction(url) as session:
        return terrain_store.newest_id(session)


@dataclass(frozen=True)
class Frame:
    """Where the terrain grid lies: the detail zone's bounds cut into CELL_M cells."""

    west: float
    south: float
    east: float
    north: float
    rows: int
    cols: int
    width_m: float
    height_m: float


@cache
def frame(url: str) -> Frame:
    with transaction(url) as session:
        zone = [shape(f["geometry"]) for f in cim.base_features(session, "coverage")]
    west, south, east, north = shapely.union_all(zone).bounds
    corner, far = metric(shapely.Point(west, south)), metric(shapely.Point(east, north))
    width, height = far.x - corner.x, far.y - corner.y
    return Frame(west, south, east, north, max(2, int(height / CELL_M)), max(2, int(width / CELL_M)), width, height)


@cache
def _grid(url: str, stamp: int) -> Grid:
    at = frame(url)
    with transaction(url) as session:
        water = [shape(f["geometry"]) for f in cim.base_features(session, "water")]
        footprints = [shape(f["geometry"]) for f in cim.base_features(session, "building")]
        roads = [
            {"properties": orjson.loads(r["properties"]), "geometry": orjson.loads(r["geometry"])}
            for r in cim.base_rows(session, "road")
        ]
        imported = terrain_store.get(session, stamp) if stamp else None
    rows, cols = at.rows, at.cols
    lon, lat = _centres(at.west, at.south, at.east, at.north, rows, cols)
    if imported is not None:  # the ground as measured: only the city's own kerbs and sills are added
        heights = np.frombuffer(imported["heights"], dtype="<f4").reshape(rows, cols).astype(np.float64)
        heights = _urban(heights, lon, lat, roads, footprints)
        source = (
            f"{imported['source']}, resampled to {CELL_M:g} m; streets {KERB_M} m below, ground floors {WALLS_M} m up"
        )
        return Grid(heights, at.west, at.south, at.east, at.north, CELL_M, source, False)
    xx, yy = np.meshgrid(np.linspace(0, at.width_m, cols), np.linspace(0, at.height_m, rows))
    slope = PLAIN_M - FALL_PER_KM * (xx / 1000 + (at.height_m / 1000 - yy / 1000)) / np.sqrt(2)
    heights = _urban(slope + _random_field(rows, cols, np.random.default_rng(SEED + 2026)), lon, lat, roads, footprints)
    if water:
        wet = shapely.contains_xy(shapely.union_all(water), lon, lat)
        heights = np.where(wet, heights - WATER_DEPTH_M, heights)
    corner = metric(shapely.Point(at.west, at.south))
    for point in underpasses(roads):
        here = metric(point)
        gap = np.hypot(xx - (here.x - corner.x), yy - (here.y - corner.y))
        heights = heights - np.where(gap < UNDERPASS_M, UNDERPASS_DEPTH_M * (1 - gap / UNDERPASS_M), 0)
    source = (
        f"generated (seed {SEED + 2026}): plain falling {FALL_PER_KM} m/km to the south-east, undulating "
        f"±{RELIEF_M} m, streets {KERB_M} m below the blocks, ground floors {WALLS_M} m up, water "
        f"{WATER_DEPTH_M} m and underpasses up to {UNDERPASS_DEPTH_M} m below ground"
    )
    return Grid(heights, at.west, at.south, at.east, at.north, CELL_M, source, True)


def _urban(heights: np.ndarray, lon: np.ndarray, lat: np.ndarray, roads: list[dict], footprints: list) -> np.ndarray:
    """The city on the ground: streets a kerb lower than the blocks, buildings' ground floors a sill higher."""
    streets = [shape(r["geometry"]).buffer(_half_width(r["properties"]) / 90_000) for r in roads]
    if streets:
        heights = np.where(shapely.contains_xy(shapely.union_all(streets), lon, lat), heights - KERB_M, heights)
    if footprints:
        heights = np.where(shapely.contains_xy(shapely.union_all(footprints), lon, lat), heights + WALLS_M, heights)
    return heights


def _half_width(tags: dict) -> float:
    kind = tags.get("highway") or ""
    return 10.0 if kind in ("primary", "trunk", "motorway") else 6.0 if kind in ("secondary", "tertiary") else 3.0


def _random_field(rows: int, cols: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth, irregular ground: white noise low-passed in the frequency domain (a Gaussian random field)."""
    noise = np.fft.rfft2(rng.standard_normal((rows, cols)))
    ky = np.fft.fftfreq(rows, d=CELL_M)[:, None]
    kx = np.fft.rfftfreq(cols, d=CELL_M)[None, :]
    field = np.fft.irfft2(noise * np.exp(-((kx**2 + ky**2) * RELIEF_SCALE_M**2)), s=(rows, cols))
    return field / (field.std() or 1) * RELIEF_M


def _centres(west: float, south: float, east: float, north: float, rows: int, cols: int):
    lon = west + (np.arange(cols) + 0.5) * (east - west) / cols
    lat = south + (np.arange(rows) + 0.5) * (north - south) / rows
    return np.meshgrid(lon, lat)
