"""One import, start to finish: a dataset version is created `loading`, filled batch by batch in short
transactions (so live ingestion keeps writing alongside), and made current in one transaction with its
fields, quality measurement and audit row. A failure at any point drops what the version wrote and leaves
it `failed` with the reason: readers see a version whole or not at all."""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from cockpit.actor import Actor
from cockpit.services import audit, dataset_meta
from cockpit.services.importing import coords
from cockpit.services.importing.batch import Batch, Problem
from cockpit.services.importing.columns import convert, infer
from cockpit.services.importing.errors import ImportFailed
from cockpit.services.importing.sources import CHINESE_SYSTEMS, Declared, open_reader
from cockpit.vocab import FREQUENCY_DAYS, OPENING, SHARING
from data_access import catalog
from data_access.db import transaction, write_transaction

LON_NAMES = ("lon", "lng", "longitude", "经度", "x")
LAT_NAMES = ("lat", "latitude", "纬度", "y")
WGS84 = CRS.from_epsg(4326)


@dataclass(frozen=True)
class Request:
    path: Path
    dataset: str
    department: str
    title: str | None = None
    record: dict[str, str] = field(default_factory=dict)  # catalog attributes to set (sharing, frequency, …)
    generated: bool = False  # made by the seeded generator: the catalog labels it so
    declared: Declared = field(default_factory=Declared)
    source_name: str | None = None  # the name the file came with (uploads are stored under another)


@dataclass
class Report:
    dataset_id: int
    version_id: int
    number: int
    rows: int = 0
    quarantined: int = 0
    format: str = ""
    encoding: str | None = None
    crs: str | None = None
    transforms: list[str] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    quality: dict = field(default_factory=dict)
    seconds: float = 0.0


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def prepare(url: str, request: Request, actor: Actor) -> dict:
    """The dataset (made on first import, by the importing department) and a new `loading` version of it."""
    name = request.dataset.strip()
    if not name or len(name) > 64 or not name.replace("_", "").replace("-", "").isalnum():
        raise ImportFailed("import.bad_name", name=name[:64])
    with write_transaction(url) as session:
        record = catalog.dataset_by_name(session, name)
        if record is None:
            record = {
                "name": name,
                "title": request.title or name,
                "title_en": request.title or name,
                "description": "",
                "provider": request.department,
                "source_department": request.department,
                "sharing": "conditional",
                "opening": "closed",
                "frequency": "irregular",
                "keywords": "",
                "kind": "import",
                "table_name": None,
                "generated": request.generated,
                "current_version_id": None,
                "created_at": _now(),
                "updated_at": None,
                "quality": None,
                "rows": None,
            } | _attributes(request.record)
            record["id"] = catalog.add_dataset(session, record | {"search_text": dataset_meta.search_text(record, [])})
        elif record["kind"] != "import":
            raise ImportFailed("import.not_importable", name=name)
        elif request.record:
            catalog.update_dataset(session, record["id"], _attributes(request.record))
            record |= _attributes(request.record)
        made = catalog.start_version(
            session,
            {
                "dataset_id": record["id"],
                "status": "loading",
                "format": "",
                "source_name": (request.source_name or request.path.name)[:255],
                "source_sha256": None,
                "source_bytes": request.path.stat().st_size,
                "encoding": None,
                "crs": None,
                "transforms": "[]",
                "rows": 0,
                "quarantined": 0,
                "progress": 0.0,
                "message": None,
                "created_by": actor.name,
                "created_at": _now(),
            },
        )
        audit.record(session, actor, "dataset.import", f"dataset:{record['id']}", after={"version": made["number"]})
    return made


def _attributes(given: dict[str, str]) -> dict[str, str]:
    """The catalog attributes a department declares with its file, each checked against its vocabulary."""
    allowed = {"sharing": SHARING, "opening": OPENING, "frequency": tuple(FREQUENCY_DAYS)}
    out = {}
    for key, value in given.items():
        if key in allowed and value not in allowed[key]:
            raise ImportFailed("import.bad_attribute", name=key, value=str(value)[:40], allowed=", ".join(allowed[key]))
        if key in (*allowed, "description", "source_department", "keywords", "title_en"):
            out[key] = str(value)[:2000] if key == "description" else str(value)[:200]
    return out


def run(
    url: str,
    request: Request,
    actor: Actor,
    version_id: int | None = None,
    progress: Callable[[float, int], None] | None = None,
) -> Report:
    started = time.perf_counter()
    if version_id is None:
        version_id = prepare(url, request, actor)["id"]
    with transaction(url) as session:
        made = catalog.version(session, version_id)
    if made is None or made["status"] != "loading":
        raise ImportFailed("import.no_version", version=version_id)
    report = Report(made["dataset_id"], version_id, made["number"])
    try:
        _load(url, request, report, progress)
        _finish(url, report, actor, _sha256(request.path))
    except BaseException as error:
        _fail(url, report, actor, error)
        raise
    report.seconds = time.perf_counter() - started
    return report


class _Columns:
    """Per-field statistics over the whole import: type, nulls, invalid cells, an example."""

    def __init__(self, names: list[str], types: list[str]) -> None:
        self.names, self.types = names, types
        self.nulls = [0] * len(names)
        self.invalid = [0] * len(names)
        self.example: list[object] = [None] * len(names)
        self.cells = 0  # cells a value was due in (a layer's own fields only)

    def fields(self) -> list[dict]:
        return [
            {
                "position": i,
                "name": n,
                "type": self.types[i],
                "description": "",
                "nulls": self.nulls[i],
                "invalid": self.invalid[i],
                "example": None if self.example[i] is None else str(self.example[i])[:200],
            }
            for i, n in enumerate(self.names)
        ]


def _load(url: str, request: Request, report: Report, progress: Callable[[float, int], None] | None) -> None:
    reader, close = open_reader(request.path, request.declared)
    writer = _Writer(url, report.version_id)
    try:
        report.format, report.encoding = reader.format, reader.encoding
        if report.encoding and report.encoding != "utf-8":
            report.transforms.append(f"decoded {report.encoding}")
        columns: _Columns | None = None
        place: _Placer | None = None
        hashes: list[np.ndarray] = []
        extent = [np.inf, np.inf, -np.inf, -np.inf]
        for batch in reader.batches():
            if columns is None:
                columns = _Columns(batch.columns, _types(batch))
                place = _Placer(reader, request.declared, batch, columns, report)
                report.transforms.append(
                    f"typed {sum(t != 'text' for t in columns.types)} of {len(columns.names)} fields"
                )
            frame, problems = _typed(batch, columns), list(batch.problems)
            geometry, lost = place(batch, frame)
            problems += lost
            keep = np.ones(len(frame), dtype=bool)
            if lost:
                dropped = {p.row for p in lost}
                keep = np.array([n not in dropped for n in batch.numbers], dtype=bool)
            records = _records(report.version_id, frame, geometry, keep, extent)
            hashes.append(np.fromiter((hash(r[1]) for r in records), dtype=np.int64, count=len(records)))
            report.rows += len(records)
            report.quarantined += len(problems)
            counts = {"progress": batch.progress, "rows": report.rows, "quarantined": report.quarantined}
            writer.put(records, problems, counts)
            if progress:
                progress(batch.progress, report.rows)
        writer.finish()
        if columns is None or (report.rows == 0 and report.quarantined == 0):
            raise ImportFailed("import.empty")
        report.fields = columns.fields()
        report.crs = place.crs_name if place else None
        report.quality = _quality(columns, report, np.concatenate(hashes) if hashes else np.array([]))
        report.quality["extent"] = extent if np.isfinite(extent).all() else None
    finally:
        writer.stop()
        close()


class _Writer:
    """Writes batches in a thread of its own while the next batch is parsed: SQLite and psycopg release the
    interpreter while they work, so reading and writing overlap. Each batch is one short transaction."""

    def __init__(self, url: str, version_id: int) -> None:
        self.url, self.version_id = url, version_id
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue
            records, problems, counts = item
            try:
                with write_transaction(self.url) as session:
                    catalog.add_records(session, records)
                    catalog.add_problems(session, self.version_id, problems)
                    catalog.update_version(session, self.version_id, counts)
            except BaseException as error:  # handed to the reading thread, which fails the version
                self.error = error

    def put(self, records: list, problems: list, counts: dict) -> None:
        self._raise()
        self.queue.put((records, problems, counts))

    def finish(self) -> None:
        self.stop()
        self._raise()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


def _frame(batch: Batch) -> pd.DataFrame:
    """The batch as columns by position (names may repeat in a source); empty text cells become null."""
    frame = pd.DataFrame(batch.rows, columns=range(len(batch.columns)), dtype=object)
    return frame.mask(frame == "") if batch.types is None else frame


def _types(batch: Batch) -> list[str]:
    if batch.types is not None:
        return [batch.types.get(c, "text") for c in batch.columns]
    frame = _frame(batch)
    return [infer(frame[i]) for i in frame.columns]


def _typed(batch: Batch, columns: _Columns) -> pd.DataFrame:
    frame = _frame(batch)
    columns.cells += len(batch.rows) * (len(batch.columns) - len(batch.absent))
    for i, name in enumerate(batch.columns):
        series = frame[i]
        if batch.types is None:
            series, bad = convert(series, columns.types[i])
            columns.invalid[i] += bad
            frame[i] = series
        present = series.notna()
        if name not in batch.absent:
            columns.nulls[i] += len(series) - int(present.sum())
        if columns.example[i] is None and present.any():
            columns.example[i] = series[present].iloc[0]
    return frame


class _Placer:
    """Geometry in WGS-84 for each batch: from the reader's geometries, or points from lon/lat fields; in the
    source CRS, reprojected by PROJ or converted from GCJ-02/BD-09 when declared."""

    def __init__(self, reader: object, declared: Declared, first: Batch, columns: _Columns, report: Report) -> None:
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
            report.transforms.append(f"reprojected {self.crs_name} to EPSG:4326")
        if chinese:
            report.transforms.append(f"converted {chinese.upper()} to WGS-84")
        self.repaired = 0
        self.report = report

    def __call__(self, batch: Batch, frame: pd.DataFrame) -> tuple[np.ndarray | Points | None, list[Problem]]:
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

    def _outside(self, batch: Batch, frame: pd.DataFrame, i: int) -> Problem:
        reason = "coordinates fall outside WGS-84 after conversion"
        return Problem(batch.numbers[i], reason, _raw(frame.iloc[i].tolist()))

    def _points(self, batch: Batch, frame: pd.DataFrame) -> tuple[Points, list[Problem]]:
        """Points from lon/lat fields stay two arrays: no geometry object per row is needed to store a point."""
        lon_i, lat_i = self.pair
        raw_lon, raw_lat = frame[lon_i], frame[lat_i]
        lon = pd.to_numeric(raw_lon, errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(raw_lat, errors="coerce").to_numpy(dtype=float)
        placed = ~(np.isnan(lon) | np.isnan(lat))
        unreadable = (raw_lon.notna() | raw_lat.notna()).to_numpy() & ~placed
        problems = [
            Problem(
                batch.numbers[i],
                f"coordinates {raw_lon[i]!r}, {raw_lat[i]!r} are not numbers",
                _raw(frame.iloc[i].tolist()),
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


def _records(
    version_id: int, frame: pd.DataFrame, geometry: np.ndarray | None, keep: np.ndarray, extent: list[float]
) -> list[tuple]:
    """Rows for dataset_record; NaN cells go out as JSON null (orjson's rule)."""
    dump = orjson.dumps
    rows = frame.to_numpy(dtype=object)[keep].tolist()
    data = [dump(r, option=orjson.OPT_SERIALIZE_NUMPY, default=str).decode() for r in rows]
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


def _quality(columns: _Columns, report: Report, hashes: np.ndarray) -> dict:
    cells = max(1, columns.cells)
    completeness = 1 - sum(columns.nulls) / cells
    validity = (1 - sum(columns.invalid) / cells) * report.rows / max(1, report.rows + report.quarantined)
    uniqueness = len(np.unique(hashes)) / len(hashes) if len(hashes) else 1.0
    dims = {
        "completeness": round(completeness, 4),
        "validity": round(validity, 4),
        "timeliness": 1.0,
        "uniqueness": round(uniqueness, 4),
        "consistency": None,
    }
    return dims | {"score": dataset_meta.score(dims)}


def _finish(url: str, report: Report, actor: Actor, sha256: str) -> None:
    now = _now()
    extent = report.quality.pop("extent")
    with write_transaction(url) as session:
        record = catalog.dataset(session, report.dataset_id)
        catalog.add_fields(session, report.version_id, report.fields)
        west, south, east, north = extent if extent else (None, None, None, None)
        catalog.update_version(
            session,
            report.version_id,
            {
                "status": "ready",
                "format": report.format,
                "encoding": report.encoding,
                "crs": report.crs,
                "transforms": orjson.dumps(report.transforms).decode(),
                "source_sha256": sha256,
                "rows": report.rows,
                "quarantined": report.quarantined,
                "progress": 1.0,
                "min_lon": west,
                "min_lat": south,
                "max_lon": east,
                "max_lat": north,
                "finished_at": now,
            },
        )
        catalog.add_quality(session, {"dataset_id": report.dataset_id, "measured_at": now} | report.quality)
        words = [(f["name"], f["description"]) for f in report.fields]
        catalog.update_dataset(
            session,
            report.dataset_id,
            {
                "current_version_id": report.version_id,
                "updated_at": now,
                "rows": report.rows,
                "quality": report.quality["score"],
                "search_text": dataset_meta.search_text(record, words),
            },
        )
        audit.record(
            session,
            actor,
            "dataset.version.ready",
            f"dataset:{report.dataset_id}",
            after={"version": report.number, "rows": report.rows, "quarantined": report.quarantined},
        )


def _fail(url: str, report: Report, actor: Actor, error: BaseException) -> None:
    message = error.say("en") if isinstance(error, ImportFailed) else f"{type(error).__name__}: {error}"[:500]
    key = error.key if isinstance(error, ImportFailed) else "import.crashed"
    with write_transaction(url) as session:
        catalog.drop_records(session, report.version_id)
        catalog.update_version(
            session, report.version_id, {"status": "failed", "message": f"{key}|{message}", "finished_at": _now()}
        )
        audit.record(session, actor, "dataset.version.failed", f"dataset:{report.dataset_id}", after={"error": key})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _raw(row: list[object]) -> str:
    return orjson.dumps(row, default=str).decode()[:1000]
