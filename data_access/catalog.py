"""Big-data platform storage: catalog records, import versions with their fields, records and quarantined
rows, quality history and the sharing usage register; and pages of the cockpit's own tables, which the
catalog lists as datasets too. Records go in by COPY on PostgreSQL and by executemany on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, String, Table, delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from data_access.models import (
    Base,
    Dataset,
    DatasetField,
    DatasetQuality,
    DatasetRecord,
    DatasetUsage,
    DatasetVersion,
    ImportProblem,
)

RECORD_COLUMNS = ("version_id", "data", "lon", "lat", "min_lon", "min_lat", "max_lon", "max_lat", "geometry")


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def dataset_by_name(session: Session, name: str) -> dict[str, Any] | None:
    found = session.scalars(select(Dataset).where(Dataset.name == name)).first()
    return _row(found) if found else None


def dataset(session: Session, dataset_id: int) -> dict[str, Any] | None:
    found = session.get(Dataset, dataset_id)
    return _row(found) if found else None


def add_dataset(session: Session, values: dict[str, Any]) -> int:
    return session.execute(insert(Dataset).returning(Dataset.id), [values]).scalar_one()


def update_dataset(session: Session, dataset_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Dataset).where(Dataset.id == dataset_id).values(**values))


def search(session: Session, terms: Sequence[str], limit: int) -> list[dict[str, Any]]:
    """Datasets whose search text holds every term (lower case), best quality first; ranking is the service's."""
    query = select(Dataset)
    for term in terms:
        query = query.where(Dataset.search_text.contains(term.lower(), autoescape=True))
    query = query.order_by(Dataset.quality.desc().nulls_last(), Dataset.id).limit(limit)
    return [_row(d) for d in session.scalars(query)]


def start_version(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    number = (
        session.scalar(select(func.max(DatasetVersion.number)).where(DatasetVersion.dataset_id == values["dataset_id"]))
        or 0
    ) + 1
    made = session.execute(insert(DatasetVersion).returning(DatasetVersion), [values | {"number": number}])
    return _row(made.scalar_one())


def version(session: Session, version_id: int) -> dict[str, Any] | None:
    found = session.get(DatasetVersion, version_id)
    return _row(found) if found else None


def versions(session: Session, dataset_id: int) -> list[dict[str, Any]]:
    query = select(DatasetVersion).where(DatasetVersion.dataset_id == dataset_id).order_by(DatasetVersion.number.desc())
    return [_row(v) for v in session.scalars(query)]


def update_version(session: Session, version_id: int, values: dict[str, Any]) -> None:
    session.execute(update(DatasetVersion).where(DatasetVersion.id == version_id).values(**values))


def add_records(session: Session, rows: Sequence[tuple]) -> None:
    """Rows in RECORD_COLUMNS order."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY dataset_record ({', '.join(RECORD_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(RECORD_COLUMNS))
    connection.exec_driver_sql(f"INSERT INTO dataset_record ({', '.join(RECORD_COLUMNS)}) VALUES ({marks})", rows)


def add_problems(session: Session, version_id: int, problems: Sequence[Any]) -> None:
    if problems:
        values = [{"version_id": version_id, "row": p.row, "reason": p.reason, "raw": p.raw} for p in problems]
        session.execute(insert(ImportProblem), values)


def loading_since(session: Session, before: datetime) -> list[dict[str, Any]]:
    """Versions still loading that were started before `before`."""
    query = select(DatasetVersion).where(DatasetVersion.status == "loading", DatasetVersion.created_at < before)
    return [_row(v) for v in session.scalars(query)]


def drop_records(session: Session, version_id: int) -> None:
    session.execute(delete(DatasetRecord).where(DatasetRecord.version_id == version_id))


def add_fields(session: Session, version_id: int, fields: Sequence[dict[str, Any]]) -> None:
    session.execute(insert(DatasetField), [f | {"version_id": version_id} for f in fields])


def fields(session: Session, version_id: int) -> list[dict[str, Any]]:
    query = select(DatasetField).where(DatasetField.version_id == version_id).order_by(DatasetField.position)
    return [_row(f) for f in session.scalars(query)]


def problems(session: Session, version_id: int, limit: int) -> list[dict[str, Any]]:
    query = select(ImportProblem).where(ImportProblem.version_id == version_id).order_by(ImportProblem.row)
    return [_row(p) for p in session.scalars(query.limit(limit))]


def records(
    session: Session, version_id: int, after: int, limit: int, bbox: tuple[float, float, float, float] | None
) -> list[dict[str, Any]]:
    """A page of a version's records in id order after the cursor `after`; with bbox, those whose box meets it.
    Plain rows, not ORM objects: a 1,000-record page is most of the sharing API's time otherwise."""
    source = DatasetRecord.__table__
    query = select(source).where(source.c.version_id == version_id, source.c.id > after)
    if bbox:
        west, south, east, north = bbox
        query = query.where(
            source.c.min_lon <= east, source.c.max_lon >= west, source.c.min_lat <= north, source.c.max_lat >= south
        )
    return [dict(r) for r in session.execute(query.order_by(source.c.id).limit(limit)).mappings()]


def spatial_imports(session: Session, formats: Sequence[str]) -> list[dict[str, Any]]:
    """Imported datasets whose current version came in one of `formats` (the CIM platform's layers)."""
    query = (
        select(
            Dataset.id,
            Dataset.title,
            Dataset.title_en,
            Dataset.provider,
            Dataset.generated,
            DatasetVersion.number,
            DatasetVersion.created_at,
            DatasetVersion.source_name,
            DatasetVersion.format,
            DatasetVersion.min_lon,
            DatasetVersion.min_lat,
            DatasetVersion.max_lon,
            DatasetVersion.max_lat,
        )
        .join(DatasetVersion, DatasetVersion.id == Dataset.current_version_id)
        .where(Dataset.kind == "import", DatasetVersion.format.in_(formats), DatasetVersion.min_lon.is_not(None))
        .order_by(Dataset.id)
    )
    return [dict(r._mapping) for r in session.execute(query)]


def shape_versions(session: Session, formats: Sequence[str]) -> list[dict[str, Any]]:
    """Every ready version, of every imported dataset, that came in a format of shapes (model vintages)."""
    query = (
        select(
            Dataset.id,
            Dataset.title,
            Dataset.title_en,
            Dataset.generated,
            DatasetVersion.id.label("version_id"),
            DatasetVersion.number,
            DatasetVersion.created_at,
        )
        .join(DatasetVersion, DatasetVersion.dataset_id == Dataset.id)
        .where(
            DatasetVersion.status == "ready", DatasetVersion.format.in_(formats), DatasetVersion.min_lon.is_not(None)
        )
        .order_by(Dataset.id, DatasetVersion.number)
    )
    return [dict(r._mapping) for r in session.execute(query)]


def version_records(session: Session, version_id: int, limit: int = 200_000) -> tuple[list[str], list[dict]]:
    """A version's field names and its records (values as stored JSON, geometry as GeoJSON text)."""
    names = [f["name"] for f in fields(session, version_id)]
    source = DatasetRecord.__table__
    query = select(source.c.data, source.c.geometry).where(source.c.version_id == version_id)
    return names, [dict(r) for r in session.execute(query.order_by(source.c.id).limit(limit)).mappings()]


def add_quality(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(DatasetQuality), [values])


def quality_history(session: Session, dataset_id: int, limit: int = 50) -> list[dict[str, Any]]:
    query = select(DatasetQuality).where(DatasetQuality.dataset_id == dataset_id)
    rows = session.scalars(query.order_by(DatasetQuality.measured_at.desc(), DatasetQuality.id.desc()).limit(limit))
    return [_row(q) for q in rows][::-1]


def record_usage(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(DatasetUsage), [values])


def usage(session: Session, dataset_id: int, limit: int = 100) -> list[dict[str, Any]]:
    query = select(DatasetUsage).where(DatasetUsage.dataset_id == dataset_id).order_by(DatasetUsage.id.desc())
    return [_row(u) for u in session.scalars(query.limit(limit))]


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def table_columns(name: str) -> list[tuple[str, str, bool]]:
    """(column, SQL type, nullable) of one of the cockpit's tables."""
    return [(c.name, str(c.type), bool(c.nullable)) for c in table(name).columns]


def key_columns(name: str) -> list[str]:
    return [c.name for c in table(name).primary_key.columns]


def table_page(
    session: Session,
    name: str,
    columns: Sequence[str],
    where: dict[str, str],
    after: list[Any] | None,
    limit: int,
    bbox: tuple[float, float, float, float] | None,
) -> list[dict[str, Any]]:
    """A page of one of the cockpit's tables in primary-key order after the key `after` (keyset paging, so a
    page deep in a large table costs what the first does); `where` as equality filters."""
    source = table(name)
    key = list(source.primary_key.columns)
    query = select(*(source.c[c] for c in columns))
    if after is not None:
        values = [_typed_key(column, value) for column, value in zip(key, after, strict=True)]
        query = query.where(tuple_(*key) > tuple_(*values) if len(key) > 1 else key[0] > values[0])
    for column, value in where.items():
        query = query.where(source.c[column] == value)
    if bbox and "lon" in source.c:
        west, south, east, north = bbox
        query = query.where(source.c.lon.between(west, east), source.c.lat.between(south, north))
    return [dict(r._mapping) for r in session.execute(query.order_by(*key).limit(limit))]


def _typed_key(column: Column, value: Any) -> Any:
    if isinstance(column.type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def table_profile(session: Session, name: str, where: dict[str, str], stamp: str | None) -> dict[str, Any]:
    """Rows, nulls per column, and the newest value of the time column `stamp`, for quality and the catalog."""
    source = table(name)
    counts = [func.count(c).label(c.name) for c in source.columns]
    newest = [func.max(source.c[stamp]).label("_newest")] if stamp else []
    query = select(func.count().label("_rows"), *counts, *newest)
    for column, value in where.items():
        query = query.where(source.c[column] == value)
    row = dict(session.execute(query).one()._mapping)
    return {
        "rows": row.pop("_rows"),
        "newest": row.pop("_newest", None),
        "filled": row,
    }


def table_extent(session: Session, name: str, where: dict[str, str]) -> tuple[float, ...] | None:
    source = table(name)
    if "lon" not in source.c:
        return None
    query = select(func.min(source.c.lon), func.min(source.c.lat), func.max(source.c.lon), func.max(source.c.lat))
    for column, value in where.items():
        query = query.where(source.c[column] == value)
    extent = session.execute(query).one()
    return None if extent[0] is None else tuple(extent)


def table_sources(session: Session, name: str, where: dict[str, str], limit: int = 5) -> list[str]:
    """The distinct `source` notes of one of the cockpit's tables: where its rows came from, for lineage."""
    source = table(name)
    if "source" not in source.c:
        return []
    query = select(source.c.source).distinct()
    for column, value in where.items():
        query = query.where(source.c[column] == value)
    return [s for (s,) in session.execute(query.limit(limit))]


def consumers(session: Session, dataset_id: int, limit: int = 8) -> list[tuple[str, int]]:
    """Who read the dataset through the sharing API, with how many records, most first."""
    query = (
        select(DatasetUsage.actor, func.sum(DatasetUsage.records))
        .where(DatasetUsage.dataset_id == dataset_id)
        .group_by(DatasetUsage.actor)
        .order_by(func.sum(DatasetUsage.records).desc())
        .limit(limit)
    )
    return [(a, int(n or 0)) for a, n in session.execute(query)]


def quality_by_provider_and_day(session: Session) -> list[tuple[str, str, float]]:
    """(provider, day, mean score of its datasets' measurements that day), oldest first: the trend."""
    day = func.substr(func.cast(DatasetQuality.measured_at, String), 1, 10)
    query = (
        select(Dataset.provider, day, func.avg(DatasetQuality.score))
        .join(Dataset, Dataset.id == DatasetQuality.dataset_id)
        .group_by(Dataset.provider, day)
        .order_by(day)
    )
    return [(p, d, float(s)) for p, d, s in session.execute(query)]


def last_table_measurement(session: Session) -> datetime | None:
    query = select(func.max(DatasetQuality.measured_at)).join(Dataset, Dataset.id == DatasetQuality.dataset_id)
    return session.scalar(query.where(Dataset.kind == "table"))
