"""Records of a batch as dataset_record rows: values as JSON, geometry in WGS-84 (reprojected by PROJ, or
converted from GCJ-02/BD-09 when declared) with its box and a point for maps. Rows whose coordinates cannot
be read or fall outside WGS-84 after conversion are quarantined with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np
import orjson
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from cockpit.services.data.importing import coords
from cockpit.services.data.importing.batch import Batch, Problem
from cockpit.services.data.importing.errors import ImportFailed
from cockpit.services.data.importing.sources import CHINESE_SYSTEMS, Declared

LON_NAMES = ("lon", "lng", "longitude", "经度", "x")
LAT_NAMES = ("lat", "latitude", "纬度", "y")
WGS84 = CRS.from_epsg(4326)


class Placer:
    """Geometry in WGS-84 for each batch: from the reader's geometries, or points from lon/lat fields; in the
    source CRS, reprojected by PROJ or converted from GCJ-02/BD-09 when declared."""

    def __init__(self, reader: object, declared: Declared, first: Batch, transforms: list[str]) -> None:
        self.pair = None
        if first.geometry is None:
            lower = [c.lower() for c in first.columns]
            lon = next((lower.index(n) for n in LON_NAMES if n in lower), None)
            lat = next((lower.index(n) for n in LAT_NAMES if n in lower), None)
            self.pair = (lon, lat) if lon is not None and lat is not None else None
        self.spatial = first.geometry is not None or self.pair is not None
        chinese = (declared.crs or "").lower() if (declared.crs or "").lower() in CHINESE_SYSTEMS else None
        source = getattr(reader, "crs", None)
        if source is None and self.spatial and not chinese:
            if self.pair is None:
                raise ImportFailed("import.no_crs")
            source = WGS84  # lon/lat columns without a declared system: WGS-84, as DESIGN.md stores
        self.chinese = chinese
        self.transformer = None
        self.crs_name = chinese.upper() if chinese else (source.to_string() if source is not None else None)
        if source is not None and not chinese and source.is_compound:
            source = source.sub_crs_list[0]
        if source is not None and not chinese and not source.equals(WGS84, ignore_axis_order=True):
            self.transformer = Transformer.from_crs(source, WGS84, always_xy=True)
            transforms.append(f"reprojected {self.crs_name} to EPSG:4326")
        if chinese:
            transforms.append(f"converted {chinese.upper()} to WGS-84")
        self.repaired = 0  # invalid geometries made valid (shapely.make_valid), said in the report

    def __call__(self, batch: Batch, frame: pd.DataFrame | None) -> tuple[np.ndarray | Points | None, list[Problem]]:
        """`frame` is the batch typed, or None when the batch is Arrow text (batch.table)."""
        if not self.spatial:
            return None, []
        if self.pair is not None:
            return self._points(batch, frame)
        geometry = np.asarray(batch.geometry, dtype=object)
        if self.transformer is not None:
            geometry = shapely.transform(geometry, lambda xy: np.column_stack(self.transformer.transform(*xy.T)))
        elif self.chinese:
            geometry = shapely.transform(geometry, lambda xy: np.column_stack(self._chinese(xy[:, 0], xy[:, 1])))
        present = shapely.is_geometry(geometry)
        broken = present & ~shapely.is_valid(geometry)
        if broken.any():
            geometry[broken] = shapely.make_valid(geometry[broken])
            self.repaired += int(broken.sum())
        bounds = shapely.bounds(geometry)
        outside = present & ~_inside(bounds[:, 0], bounds[:, 1]) | present & ~_inside(bounds[:, 2], bounds[:, 3])
        return geometry, [self._outside(batch, frame, i) for i in np.flatnonzero(outside)]

    def _chinese(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (coords.gcj02_to_wgs84 if self.chinese == "gcj02" else coords.bd09_to_wgs84)(lon, lat)

    def _outside(self, batch: Batch, frame: pd.DataFrame | None, i: int) -> Problem:
        reason = "coordinates fall outside WGS-84 after conversion"
        return Problem(batch.numbers[i], reason, _raw(_row(batch, frame, i)))

    def _points(self, batch: Batch, frame: pd.DataFrame | None) -> tuple[Points, list[Problem]]:
        """Points from lon/lat fields stay two arrays: no geometry object per row is needed to store a point."""
        lon_i, lat_i = self.pair
        if frame is None:
            raw_lon, raw_lat = (batch.table.column(i).to_pandas() for i in self.pair)
        else:
            raw_lon, raw_lat = frame[lon_i], frame[lat_i]
        lon = pd.to_numeric(raw_lon, errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(raw_lat, errors="coerce").to_numpy(dtype=float)
        placed = ~(np.isnan(lon) | np.isnan(lat))
        unreadable = (raw_lon.notna() | raw_lat.notna()).to_numpy() & ~placed
        problems = [
            Problem(
                batch.numbers[i],
                f"coordinates {raw_lon[i]!r}, {raw_lat[i]!r} are not numbers",
                _raw(_row(batch, frame, i)),
            )
            for i in np.flatnonzero(unreadable)
        ]
        if self.transformer is not None:
            lon, lat = self.transformer.transform(lon, lat)
        elif self.chinese:
            lon, lat = self._chinese(lon, lat)
        outside = placed & ~_inside(lon, lat)
        problems += [self._outside(batch, frame, i) for i in np.flatnonzero(outside)]
        return Points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)), problems


def _row(batch: Batch, frame: pd.DataFrame | None, i: int) -> list[object]:
    return frame.iloc[i].tolist() if frame is not None else list(batch.table.slice(i, 1).to_pylist()[0].values())


@dataclass(frozen=True)
class Points:
    lon: np.ndarray  # NaN where a row has no place
    lat: np.ndarray


def _inside(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)


def _point_records(version_id: int, data: list[str], points: Points, keep: np.ndarray, extent: list[float]) -> list:
    lon, lat = points.lon[keep], points.lat[keep]
    good = np.isfinite(lon) & np.isfinite(lat)
    if good.any():
        extent[0], extent[1] = min(extent[0], float(lon[good].min())), min(extent[1], float(lat[good].min()))
        extent[2], extent[3] = max(extent[2], float(lon[good].max())), max(extent[3], float(lat[good].max()))
    xs, ys = np.where(good, lon, None).tolist(), np.where(good, lat, None).tolist()
    nothing = repeat(None, len(data))  # a point's GeoJSON is its lon/lat: not stored twice
    return list(zip(repeat(version_id, len(data)), data, xs, ys, xs, ys, xs, ys, nothing, strict=False))


def json_rows(frame: pd.DataFrame, keep: np.ndarray) -> list[str]:
    """Each kept row of a typed frame as a JSON array; NaN cells go out as JSON null (orjson's rule)."""
    dump = orjson.dumps
    return [
        dump(r, option=orjson.OPT_SERIALIZE_NUMPY, default=str).decode()
        for r in frame.to_numpy(dtype=object)[keep].tolist()
    ]


def record_rows(
    version_id: int, data: list[str], geometry: np.ndarray | Points | None, keep: np.ndarray, extent: list[float]
) -> list[tuple]:
    """Rows for dataset_record from the kept rows' JSON and their geometry."""
    if geometry is None:
        return [(version_id, d, None, None, None, None, None, None, None) for d in data]
    if isinstance(geometry, Points):
        return _point_records(version_id, data, geometry, keep, extent)
    geometry = geometry[keep]
    bounds = shapely.bounds(geometry)
    good = np.isfinite(bounds).all(axis=1)
    if good.any():
        extent[0] = min(extent[0], float(bounds[good, 0].min()))
        extent[1] = min(extent[1], float(bounds[good, 1].min()))
        extent[2] = max(extent[2], float(bounds[good, 2].max()))
        extent[3] = max(extent[3], float(bounds[good, 3].max()))
    points = shapely.point_on_surface(geometry)
    xs, ys = shapely.get_x(points), shapely.get_y(points)
    texts = shapely.to_geojson(geometry).tolist()
    columns = [np.where(good, values, None).tolist() for values in (xs, ys, *bounds.T)]
    return list(zip(repeat(version_id, len(data)), data, *columns, texts, strict=True))


def _raw(row: list[object]) -> str:
    return orjson.dumps(row, default=str).decode()[:1000]
