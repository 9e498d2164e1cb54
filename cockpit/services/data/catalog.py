"""The catalog (数据目录): the cockpit's own tables registered as datasets, search ranked with quality,
the dataset view (record, schema, versions, quality trend, lineage, problems, usage), and pages of records
for the sharing API, which enforces the sharing attribute and writes the usage register."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.data import dataset_meta, sharing
from cockpit.services.data.catalog_tables import TABLES, fields_of
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import privacy
from data_access import catalog
from data_access import conflicts as conflicts_store
from data_access.db import transaction, write_transaction

SEARCH_CANDIDATES = 500
BY_NAME = {t.name: t for t in TABLES}


@dataclass(frozen=True)
class Card:
    """A dataset as the catalog lists it, with the decisions made: overdue or not, its rank."""

    id: int
    name: str
    title: str
    title_en: str
    provider: str
    source_department: str
    sharing: str
    opening: str
    frequency: str
    kind: str
    rows: int | None
    quality: float | None
    updated_at: datetime | None
    overdue: bool
    generated: bool
    rank: float


def _card(record: dict[str, Any], rank: float, now: datetime) -> Card:
    return Card(
        id=record["id"],
        name=record["name"],
        title=record["title"],
        title_en=record["title_en"],
        provider=record["provider"],
        source_department=record["source_department"],
        sharing=record["sharing"],
        opening=record["opening"],
        frequency=record["frequency"],
        kind=record["kind"],
        rows=record["rows"],
        quality=record["quality"],
        updated_at=record["updated_at"],
        overdue=dataset_meta.overdue_days(record["frequency"], record["updated_at"], now) > 0,
        generated=record["generated"],
        rank=rank,
    )


def _rank(record: dict[str, Any], terms: list[str]) -> float:
    """Where each term matched (name or title 3, keywords 2, anywhere else 1), weighted by quality."""
    heading = f"{record['name']} {record['title']} {record['title_en']}".lower()
    keywords = record["keywords"].lower()
    hits = sum(3 if t in heading else 2 if t in keywords else 1 for t in terms) if terms else 1
    return round(hits * (0.5 + 0.5 * (record["quality"] or 0.0)), 4)


def search(url: str, query: str = "", limit: int = 50, now: datetime | None = None) -> list[Card]:
    terms = [t for t in query.lower().split() if t][:8]
    now = now or stored_now()
    with transaction(url) as session:
        found = catalog.search(session, terms, SEARCH_CANDIDATES)
    ranked = sorted(found, key=lambda r: (-_rank(r, terms), r["id"]))
    return [_card(r, _rank(r, terms), now) for r in ranked[:limit]]


@dataclass
class Detail:
    record: dict[str, Any]
    card: Card
    fields: list[dict[str, Any]]
    versions: list[dict[str, Any]]
    quality: list[dict[str, Any]]
    problems: list[dict[str, Any]]
    usage: list[dict[str, Any]]
    lineage: dict[str, list] = field(default_factory=dict)
    extent: tuple[float, float, float, float] | None = None


def detail(url: str, dataset_id: int, now: datetime | None = None) -> Detail | None:
    now = now or stored_now()
    with transaction(url) as session:
        record = catalog.dataset(session, dataset_id)
        if record is None:
            return None
        versions = catalog.versions(session, dataset_id)
        current = record["current_version_id"]
        spec = BY_NAME.get(record["name"]) if record["kind"] == "table" else None
        fields = catalog.fields(session, current) if current else fields_of(spec) if spec else []
        problems = catalog.problems(session, current, 200) if current else []
        quality = catalog.quality_history(session, dataset_id)
        usage = catalog.usage(session, dataset_id)
        consumers = catalog.consumers(session, dataset_id)
        sources = catalog.table_sources(session, spec.table, spec.where) if spec else []
        extent = catalog.table_extent(session, spec.table, spec.where) if spec else None
    ready = next((v for v in versions if v["id"] == current), None)
    if ready and ready["min_lon"] is not None:
        extent = (ready["min_lon"], ready["min_lat"], ready["max_lon"], ready["max_lat"])
    return Detail(
        record=record,
        card=_card(record, 0.0, now),
        fields=fields,
        versions=versions,
        quality=quality,
        problems=problems,
        usage=usage,
        lineage=lineage(record, versions, sources, consumers),
        extent=extent,
    )


def lineage(
    record: dict[str, Any], versions: list[dict[str, Any]], sources: list[str], consumers: list[tuple[str, int]]
) -> dict[str, list]:
    """Source file → import → transforms → dataset → consumers, as nodes (id, label, kind, column) and edges;
    the page lays it out by column."""
    nodes: list[dict[str, Any]] = []
    edges: list[tuple[str, str]] = []
    target = f"dataset:{record['id']}"
    for version in [v for v in versions if v["status"] == "ready"][:3]:
        source, step = f"file:{version['id']}", f"import:{version['id']}"
        nodes.append({"id": source, "label": version["source_name"], "kind": "source", "column": 0})
        nodes.append(
            {"id": step, "label": f"v{version['number']} · {version['format']}", "kind": "import", "column": 1}
        )
        edges.append((source, step))
        previous = step
        for i, transform in enumerate(orjson.loads(version["transforms"])):
            node = f"transform:{version['id']}:{i}"
            nodes.append({"id": node, "label": transform, "kind": "transform", "column": 2 + i})
            edges.append((previous, node))
            previous = node
        edges.append((previous, target))
    for i, note in enumerate(sources):
        node = f"source:{i}"
        nodes.append({"id": node, "label": note, "kind": "source", "column": 0})
        edges.append((node, target))
    last = max((n["column"] for n in nodes), default=0) + 1
    nodes.append({"id": target, "label": record["title"], "kind": "dataset", "column": last})
    for actor, count in consumers:
        node = f"consumer:{actor}"
        nodes.append({"id": node, "label": f"{actor} ({count})", "kind": "share", "column": last + 1})
        edges.append((target, node))
    return {"nodes": nodes, "edges": edges}


@dataclass(frozen=True)
class Department:
    name: str
    datasets: int
    quality: float | None  # the mean of its datasets' latest scores
    overdue: int
    open_conflicts: int
    trend: list[tuple[str, float]]  # (day, mean score)


def departments(url: str, now: datetime | None = None) -> list[Department]:
    """Quality per providing department, worst first: where a data steward's attention goes."""
    now = now or stored_now()
    cards = search(url, "", limit=100_000, now=now)
    with transaction(url) as session:
        trend = catalog.quality_by_provider_and_day(session)
        open_rows = conflicts_store.listing(session, "open", None, 100_000) + conflicts_store.listing(
            session, "assigned", None, 100_000
        )
    out = []
    for name in sorted({c.provider for c in cards}):
        own = [c for c in cards if c.provider == name]
        scored = [c.quality for c in own if c.quality is not None]
        out.append(
            Department(
                name=name,
                datasets=len(own),
                quality=round(sum(scored) / len(scored), 4) if scored else None,
                overdue=sum(c.overdue for c in own),
                open_conflicts=sum(r["department"] == name for r in open_rows),
                trend=[(day, round(score, 4)) for provider, day, score in trend if provider == name],
            )
        )
    return sorted(out, key=lambda d: (d.quality if d.quality is not None else 2.0, d.name))


@dataclass(frozen=True)
class RecordPage:
    dataset_id: int
    fields: list[str]
    records: list[dict[str, Any]]  # field values, with "_id" and, where there is one, "_geometry"
    next_cursor: str | None


def may_read(role: str | None, record: dict[str, Any], key: sharing.Key | None = None) -> bool:
    """Unconditionally shared data to every desk role; conditionally shared data to the data stewards and to
    a key an approved application scoped to it; data shared with no one, to the stewards alone."""
    if record["sharing"] == "unconditional":
        return allows(role, "catalog.read")
    if record["sharing"] == "conditional" and key is not None and key.dataset_id == record["id"]:
        return True
    return allows(role, "catalog.steward")


def records(
    url: str,
    actor: Actor,
    dataset_id: int,
    *,
    cursor: str | None = None,
    limit: int = 1000,
    bbox: tuple[float, float, float, float] | None = None,
    wanted: list[str] | None = None,
    purpose: str | None = None,
    route: str = "records",
    key: sharing.Key | None = None,
) -> RecordPage:
    sharing.check(url, key, dataset_id)
    with transaction(url) as session:
        record = catalog.dataset(session, dataset_id)
    if record is None:
        raise Refused("catalog.no_dataset", http=404, dataset=dataset_id)
    if not may_read(actor.role, record, key):
        raise Refused("catalog.not_shared", http=403, dataset=record["name"], sharing=f"sharing.{record['sharing']}")
    page = _import_page(url, record, cursor, limit, bbox, wanted) if record["kind"] == "import" else None
    page = page or _table_page(url, record, cursor, limit, bbox, wanted)
    with write_transaction(url) as session:
        catalog.record_usage(
            session,
            {
                "dataset_id": dataset_id,
                "actor": actor.name,
                "role": actor.role,
                "purpose": (purpose or "")[:200] or None,
                "route": route,
                "records": len(page.records),
                "at": stored_now(),
            },
        )
    return page


def every_record(url: str, dataset_id: int, cap: int = 500_000) -> list[dict[str, Any]]:
    """All records of a dataset (up to `cap`) for the platform's own processes, such as conflict detection:
    not a sharing read, so not in the usage register."""
    with transaction(url) as session:
        record = catalog.dataset(session, dataset_id)
    if record is None:
        raise Refused("catalog.no_dataset", http=404, dataset=dataset_id)
    out: list[dict[str, Any]] = []
    cursor = None
    while len(out) < cap:
        page = _import_page(url, record, cursor, 5000, None, None) if record["kind"] == "import" else None
        page = page or _table_page(url, record, cursor, 5000, None, None)
        out += page.records
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor
    return out


def _chosen(available: list[str], wanted: list[str] | None) -> list[str]:
    if not wanted:
        return available
    unknown = [w for w in wanted if w not in available]
    if unknown:
        raise Refused("catalog.unknown_field", field=", ".join(unknown)[:200])
    return wanted


def _import_page(url, record, cursor, limit, bbox, wanted) -> RecordPage:
    version_id = record["current_version_id"]
    if version_id is None:
        return RecordPage(record["id"], [], [], None)
    after = int(cursor) if cursor and cursor.isdecimal() and len(cursor) <= 18 else _bad_cursor(cursor)
    with transaction(url) as session:
        names = [f["name"] for f in catalog.fields(session, version_id)]
        rows = catalog.records(session, version_id, after, limit, bbox)
    chosen = _chosen(names, wanted)
    picks = [names.index(c) for c in chosen]
    out = []
    for row in rows:
        values = orjson.loads(row["data"])
        item = {"_id": row["id"]} | {names[i]: values[i] for i in picks}
        if row["geometry"]:
            item["_geometry"] = orjson.loads(row["geometry"])
        elif row["lon"] is not None:
            item["_geometry"] = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        out.append(item)
    return RecordPage(record["id"], chosen, out, str(rows[-1]["id"]) if len(rows) == limit else None)


def _bad_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    raise Refused("catalog.bad_cursor", cursor=cursor[:40])


def _scalar(value: Any) -> bool:
    """A key value a cursor may carry: a list, object, boolean or null would reach SQL as a bad parameter."""
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def _table_page(url, record, cursor, limit, bbox, wanted) -> RecordPage:
    """A page of one of the cockpit's tables by its primary key; the cursor is the last key as JSON."""
    spec = BY_NAME[record["name"]]
    names = [f["name"] for f in fields_of(spec)]
    chosen = _chosen(names, wanted)
    key = catalog.key_columns(spec.table)
    after = None
    if cursor:
        try:
            after = orjson.loads(cursor)
        except orjson.JSONDecodeError:
            after = None
        if not isinstance(after, list) or len(after) != len(key) or not all(_scalar(v) for v in after):
            raise Refused("catalog.bad_cursor", cursor=cursor[:40])
    columns = list(dict.fromkeys([*key, *chosen]))
    with transaction(url) as session:
        rows = catalog.table_page(session, spec.table, columns, spec.where, after, limit, bbox)
    out = []
    for row in rows:
        ident = row[key[0]] if len(key) == 1 else "|".join(str(row[k]) for k in key)
        item = {"_id": ident} | {c: privacy.mask_text(row[c]) if c in spec.masked else row[c] for c in chosen}
        if isinstance(row.get("geometry"), str) and "geometry" in chosen:
            item["geometry"] = orjson.loads(row["geometry"])
        out.append(item)
    last = orjson.dumps([rows[-1][k] for k in key], default=str).decode() if len(rows) == limit else None
    return RecordPage(record["id"], chosen, out, last)
