"""One import, start to finish: a dataset version is created `loading`, filled batch by batch in short
transactions (so live ingestion keeps writing alongside), and made current in one transaction with its
fields, quality measurement and audit row. A failure at any point drops what the version wrote and leaves
it `failed` with the reason: readers see a version whole or not at all."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyproj import CRS

from cockpit.actor import Actor
from cockpit.services.data import dataset_meta
from cockpit.services.data.importing import columnar
from cockpit.services.data.importing.batch import Batch
from cockpit.services.data.importing.columns import convert, infer
from cockpit.services.data.importing.errors import ImportFailed
from cockpit.services.data.importing.placing import Placer, json_rows, record_rows
from cockpit.services.data.importing.sources import Declared, open_reader
from cockpit.services.data.importing.writer import Writer
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
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
    generated: bool = False  # this version's rows were made by the generator: a real file makes the dataset real


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
                "created_at": stored_now(),
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
                "created_at": stored_now(),
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
    report = Report(made["dataset_id"], version_id, made["number"], generated=request.generated)
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
    writer = Writer(url, report.version_id)
    try:
        report.format, report.encoding = reader.format, reader.encoding
        if report.encoding and report.encoding != "utf-8":
            report.transforms.append(f"decoded {report.encoding}")
        columns: _Columns | None = None
        place: Placer | None = None
        hashes: list[np.ndarray] = []
        extent = [np.inf, np.inf, -np.inf, -np.inf]
        for batch in reader.batches():
            if columns is None:
                columns = _Columns(batch.columns, _types(batch))
                place = Placer(reader, request.declared, batch, report.transforms)
                report.transforms.append(
                    f"typed {sum(t != 'text' for t in columns.types)} of {len(columns.names)} fields"
                )
            problems = list(batch.problems)
            frame, literals = (
                (None, _literals(batch, columns)) if batch.table is not None else (_typed(batch, columns), None)
            )
            geometry, lost = place(batch, frame)
            problems += lost
            keep = np.ones(len(batch), dtype=bool)
            if lost:
                dropped = {p.row for p in lost}
                keep = np.array([n not in dropped for n in batch.numbers], dtype=bool)
            data = json_rows(frame, keep) if frame is not None else literals.filter(pa.array(keep)).to_pylist()
            records = record_rows(report.version_id, data, geometry, keep, extent)
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
        if place is not None and place.repaired:
            report.transforms.append(f"repaired {place.repaired} invalid geometries")
        report.fields = columns.fields()
        report.crs = place.crs_name if place else None
        report.quality = _quality(columns, report, np.concatenate(hashes) if hashes else np.array([]))
        report.quality["extent"] = extent if np.isfinite(extent).all() else None
    finally:
        writer.stop()
        close()


def _frame(batch: Batch) -> pd.DataFrame:
    """The batch as columns by position (names may repeat in a source); empty text cells become null."""
    if batch.table is not None:
        return batch.table.to_pandas().set_axis(range(len(batch.columns)), axis=1)
    frame = pd.DataFrame(batch.rows, columns=range(len(batch.columns)), dtype=object)
    return frame.mask(frame == "") if batch.types is None else frame


def _types(batch: Batch) -> list[str]:
    if batch.types is not None:
        return [batch.types.get(c, "text") for c in batch.columns]
    frame = _frame(batch)
    return [infer(frame[i]) for i in frame.columns]


def _literals(batch: Batch, columns: _Columns) -> pa.Array:
    """An Arrow batch typed and written as one JSON array per row, with the same statistics as _typed."""
    table = batch.table
    columns.cells += table.num_rows * len(batch.columns)
    literals = []
    for i in range(len(batch.columns)):
        values = table.column(i)
        cells, bad = columnar.column_json(values, columns.types[i])
        columns.invalid[i] += bad
        columns.nulls[i] += values.null_count
        if columns.example[i] is None and values.null_count < len(values):
            first = pc.index(pc.is_valid(values), True).as_py()
            columns.example[i] = orjson.loads(cells[first].as_py())
        literals.append(cells)
    return columnar.rows_json(literals)


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
    now = stored_now()
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
                "generated": report.generated,
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
            session, report.version_id, {"status": "failed", "message": f"{key}|{message}", "finished_at": stored_now()}
        )
        audit.record(session, actor, "dataset.version.failed", f"dataset:{report.dataset_id}", after={"error": key})


def abandon(url: str, version_id: int, actor: Actor, why: str) -> bool:
    """A version whose import child died (or never started): failed with the reason and its partial rows
    removed, in one transaction; a version that ended meanwhile is left as it is."""
    with write_transaction(url) as session:
        found = catalog.version(session, version_id)
        if found is None or found["status"] != "loading":
            return False
        catalog.drop_records(session, version_id)
        catalog.update_version(
            session,
            version_id,
            {
                "status": "failed",
                "message": f"import.stopped|the import stopped ({why})"[:500],
                "finished_at": stored_now(),
            },
        )
        audit.record(
            session,
            actor,
            "dataset.version.failed",
            f"dataset:{found['dataset_id']}",
            after={"error": "import.stopped"},
        )
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
