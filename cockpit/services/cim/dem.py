"""Elevation models for the CIM terrain: an SRTM .hgt tile (big-endian 16-bit heights, one or three arc-seconds,
named for its south-west corner) or a single-band GeoTIFF (north-up, its CRS in the GeoKey directory), read with
Pillow and numpy, sampled bilinearly at the centre of every terrain cell (pyproj carries the cell into the
model's CRS), stored once and from then on the ground the flood runs over. Voids and cells the model does not
cover take the mean of the rest; a model that covers less than half the detail zone is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.cim import terrain
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import terrain as store
from data_access.db import write_transaction

HGT_NAME = re.compile(r"^([NS])(\d{2})([EW])(\d{3})\.hgt$", re.IGNORECASE)
HGT_SIDES = (1201, 3601)
VOID = -32768
PIXEL_SCALE, TIEPOINT, TRANSFORMATION, GEOKEYS = 33550, 33922, 34264, 34735
GEOGRAPHIC_KEY, PROJECTED_KEY = 2048, 3072
MIN_COVER = 0.5


@dataclass(frozen=True)
class Dem:
    heights: np.ndarray  # row 0 at the north edge
    west: float  # the outer edge of the first column, in the model's CRS
    north: float
    dx: float
    dy: float
    crs: CRS
    name: str


def is_dem(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4)
    return head in (b"II*\x00", b"MM\x00*") or bool(HGT_NAME.match(path.name))


def read(path: Path) -> Dem:
    if HGT_NAME.match(path.name):
        return _hgt(path)
    return _geotiff(path)


def _hgt(path: Path) -> Dem:
    ns, lat, ew, lon = HGT_NAME.match(path.name).groups()
    raw = path.read_bytes()
    side = round((len(raw) / 2) ** 0.5)
    if side not in HGT_SIDES or side * side * 2 != len(raw):
        raise Refused("dem.unreadable", reason=f"an .hgt tile holds 1201² or 3601² heights, not {len(raw)} bytes")
    heights = np.frombuffer(raw, dtype=">i2").reshape(side, side).astype(np.float64)
    heights[heights == VOID] = np.nan
    step = 1 / (side - 1)
    south = int(lat) * (1 if ns.upper() == "N" else -1)
    west = int(lon) * (1 if ew.upper() == "E" else -1)
    # samples sit on the whole-degree lines: the first pixel's outer edge is half a step beyond the corner
    return Dem(heights, west - step / 2, south + 1 + step / 2, step, step, CRS.from_epsg(4326), path.name)


def _geotiff(path: Path) -> Dem:
    try:
        image = Image.open(path)
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise Refused("dem.unreadable", reason=str(error)[:200]) from None
    tags = image.tag_v2
    if TRANSFORMATION in tags or PIXEL_SCALE not in tags or TIEPOINT not in tags:
        raise Refused("dem.unreadable", reason="a north-up GeoTIFF with ModelPixelScale and ModelTiepoint is needed")
    keys = list(tags.get(GEOKEYS) or ())
    codes = {keys[i]: keys[i + 3] for i in range(4, len(keys) - 3, 4)}
    code = codes.get(PROJECTED_KEY) or codes.get(GEOGRAPHIC_KEY)
    try:
        crs = CRS.from_epsg(int(code)) if code else None
    except CRSError:
        crs = None
    if crs is None:
        raise Refused("dem.no_crs")
    scale_x, scale_y = tags[PIXEL_SCALE][:2]
    i, j, _, x, y, _ = tags[TIEPOINT][:6]
    heights = np.asarray(image, dtype=np.float64)
    if heights.ndim != 2:
        raise Refused("dem.unreadable", reason="one band of heights is needed")
    nodata = tags.get(42113)  # GDAL_NODATA
    if nodata not in (None, ""):
        heights[heights == float(str(nodata).strip("\x00"))] = np.nan
    return Dem(heights, x - i * scale_x, y + j * scale_y, scale_x, scale_y, crs, path.name)


def resample(dem: Dem, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Bilinear heights at the points (WGS-84), NaN where the model has none."""
    x, y = Transformer.from_crs(4326, dem.crs, always_xy=True).transform(lon, lat)
    col = (np.asarray(x) - dem.west) / dem.dx - 0.5
    row = (dem.north - np.asarray(y)) / dem.dy - 0.5
    rows, cols = dem.heights.shape
    inside = (col >= 0) & (col <= cols - 1) & (row >= 0) & (row <= rows - 1)
    c0 = np.clip(np.floor(col).astype(int), 0, cols - 2)
    r0 = np.clip(np.floor(row).astype(int), 0, rows - 2)
    fc, fr = np.clip(col - c0, 0, 1), np.clip(row - r0, 0, 1)
    z = dem.heights
    top = z[r0, c0] * (1 - fc) + z[r0, c0 + 1] * fc
    bottom = z[r0 + 1, c0] * (1 - fc) + z[r0 + 1, c0 + 1] * fc
    return np.where(inside, top * (1 - fr) + bottom * fr, np.nan)


def import_dem(url: str, path: Path, actor: Actor) -> dict:
    dem = read(path)
    at = terrain.frame(url)
    lon, lat = terrain._centres(at.west, at.south, at.east, at.north, at.rows, at.cols)
    heights = resample(dem, lon, lat)
    covered = float(np.isfinite(heights).mean())
    if covered < MIN_COVER:
        raise Refused("dem.elsewhere", share=f"{covered:.0%}")
    heights = np.where(np.isfinite(heights), heights, np.nanmean(heights))
    source = f"DEM {dem.name} ({dem.crs.to_string()}), covering {covered:.0%} of the detail zone"
    with write_transaction(url) as session:
        made = store.add(
            session,
            {
                "source": source,
                "west": at.west,
                "south": at.south,
                "east": at.east,
                "north": at.north,
                "cell_m": terrain.CELL_M,
                "rows": at.rows,
                "cols": at.cols,
                "heights": heights.astype("<f4").tobytes(),
                "created_by": actor.name,
                "created_at": stored_now(),
            },
        )
        audit.record(session, actor, "terrain.import", f"terrain:{made}", after={"source": source})
    return {"id": made, "source": source, "covered": covered, "low": float(heights.min()), "high": float(heights.max())}


def clear(url: str, actor: Actor) -> int:
    """Back to the generated terrain."""
    with write_transaction(url) as session:
        gone = store.clear(session)
        audit.record(session, actor, "terrain.clear", "terrain", after={"removed": gone})
    return gone
