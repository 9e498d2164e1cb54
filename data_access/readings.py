"""Telemetry's write path: readings stored exactly once, each device's last-seen state, and the state the
alarm rules carry from one batch to the next. It runs for every ingestion batch, so on SQLite (the embedded
default) it hands plain SQL to the driver, with id lists as one JSON parameter so every statement is
prepared once; on PostgreSQL it uses SQLAlchemy Core with ON CONFLICT … RETURNING."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
import orjson
from sqlalchemy import Connection, and_, bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from data_access.ingest import Telemetry
from data_access.models import Device, Reading, RuleState

OPEN = ("new", "acknowledged")
Pair = tuple[int, int]  # (rule id, device id)
RuleStateRow = tuple[datetime | None, float | None, datetime | None]  # breach_since, last_value, last_ts


class StoredReading(msgspec.Struct, frozen=True, gc=False):
    device_id: int
    device_type: str
    device_code: str
    seq: int
    ts: datetime
    values: dict[str, float]


@dataclass
class Prepared:
    """A batch made ready for the write transaction: everything here is built before the write lock is
    taken, so a second ingestion process can prepare its batch while this one writes."""

    readings: list[StoredReading] = field(default_factory=list)  # one per (device, seq) in the batch
    duplicates: int = 0  # repeats within the batch
    unknown: list[Telemetry] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # the dialect's insert parameters, one per reading
    seen: list[Any] = field(default_factory=list)  # the dialect's last-seen parameters, one per device
    seen_before: dict[int, datetime | None] = field(default_factory=dict)  # device id -> newest ts stored


def _sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def _json(values: Iterable[Any]) -> str:
    return orjson.dumps(list(values)).decode()


def sqlite_time(value: datetime | None) -> str | None:
    """The text form SQLAlchemy's DateTime uses on SQLite, so rows written either way read back alike."""
    return None if value is None else value.isoformat(" ", "microseconds")


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def device_index(session: Session, codes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """code -> (id, type) of the known devices among codes."""
    return {code: (device_id, kind) for code, (device_id, kind, _) in _devices(session, codes).items()}


def _devices(session: Session, codes: Iterable[str]) -> dict[str, tuple[int, str, datetime | None]]:
    connection = session.connection()
    wanted = set(codes)
    if _sqlite(connection):
        rows = connection.exec_driver_sql(
            "SELECT code, id, type, last_seen FROM device WHERE code IN (SELECT value FROM json_each(?))",
            (_json(wanted),),
        )
        return {code: (device_id, kind, _parse_time(seen)) for code, device_id, kind, seen in rows.all()}
    table = Device.__table__
    rows = connection.execute(
        select(table.c.code, table.c.id, table.c.type, table.c.last_seen).where(table.c.code.in_(wanted))
    )
    return {code: (device_id, kind, seen) for code, device_id, kind, seen in rows}


def prepare(session: Session, items: list[Telemetry], received_at: datetime) -> Prepared:
    """Look the devices up and build the insert and last-seen parameters; reads only."""
    prepared = Prepared()
    if not items:
        return prepared
    index = _devices(session, {i.device_code for i in items})
    prepared.seen_before = {device_id: seen for device_id, _, seen in index.values()}
    fresh: dict[Pair, StoredReading] = {}
    latest: dict[int, StoredReading] = {}
    for item in items:
        known = index.get(item.device_code)
        if known is None:
            prepared.unknown.append(item)
            continue
        key = (known[0], item.seq)
        if key in fresh:
            prepared.duplicates += 1
            continue
        fresh[key] = reading = StoredReading(known[0], known[1], item.device_code, item.seq, item.ts, item.values)
        last = latest.get(known[0])
        if last is None or reading.ts > last.ts or (reading.ts == last.ts and reading.seq > last.seq):
            latest[known[0]] = reading
    prepared.readings = list(fresh.values())
    if _sqlite(session.connection()):
        received = sqlite_time(received_at)
        prepared.rows = [
            (r.device_id, r.seq, r.ts.isoformat(" ", "microseconds"), orjson.dumps(r.values).decode(), received)
            for r in prepared.readings
        ]
        prepared.seen = [
            (ts := sqlite_time(r.ts), r.seq, orjson.dumps(r.values).decode(), r.device_id, ts) for r in latest.values()
        ]
    else:
        prepared.rows = [
            {
                "device_id": r.device_id,
                "seq": r.seq,
                "ts": r.ts,
                "values": orjson.dumps(r.values).decode(),
                "received_at": received_at,
            }
            for r in prepared.readings
        ]
        prepared.seen = [
            {
                "device_id": r.device_id,
                "seen_at": r.ts,
                "last_seen": r.ts,
                "online": True,
                "last_seq": r.seq,
                "last_values": orjson.dumps(r.values).decode(),
            }
            for r in sorted(latest.values(), key=lambda r: r.device_id)  # one lock order for every writer
        ]
    return prepared


def store(session: Session, prepared: Prepared) -> list[StoredReading]:
    """Insert the prepared readings whose (device, seq) is not stored yet and return those; each device's
    newest reading becomes its last-seen state, and a late batch never moves that backwards."""
    if not prepared.readings:
        return []
    connection = session.connection()
    if _sqlite(connection):
        return _store_sqlite(connection, prepared)
    keys = _copy_in(connection, prepared.rows)
    seen = prepared.seen
    connection.exec_driver_sql(
        "UPDATE device SET last_seen = v.seen, online = true, last_seq = v.seq, last_values = v.vals "
        "FROM unnest(%s::integer[], %s::timestamp[], %s::integer[], %s::text[]) AS v(id, seen, seq, vals) "
        "WHERE device.id = v.id AND (device.last_seen IS NULL OR device.last_seen <= v.seen)",
        tuple([row[k] for row in seen] for k in ("device_id", "seen_at", "last_seq", "last_values")),
    )
    return [r for r in prepared.readings if (r.device_id, r.seq) in keys]


COLUMNS = 'device_id, seq, ts, "values", received_at'
ROW = ("device_id", "seq", "ts", "values", "received_at")


def _copy_in(connection: Connection, rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """PostgreSQL: COPY the batch straight into the partitioned table, which spares the driver building, and
    the server parsing, a statement with thousands of parameters. A batch holding a key already stored (a
    redelivery, or a twin process that wrote first) fails as a whole inside its savepoint and goes again
    through INSERT … ON CONFLICT DO NOTHING, which says which rows went in."""
    from psycopg.errors import UniqueViolation  # PostgreSQL's driver is only installed where it is used

    driver = connection.connection.driver_connection
    try:
        with (
            driver.transaction(),
            driver.cursor() as cursor,
            cursor.copy(f"COPY reading ({COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(tuple(row[c] for c in ROW))
    except UniqueViolation:
        return _insert_new(connection, rows)
    return {(r["device_id"], r["seq"]) for r in rows}


def _insert_new(connection: Connection, rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    table = Reading.__table__
    statement = postgresql_insert(table).on_conflict_do_nothing(index_elements=["device_id", "seq", "ts"])
    returning = statement.returning(table.c.device_id, table.c.seq)
    return {tuple(k) for k in connection.execute(returning, rows)} if rows else set()


def _store_sqlite(connection: Connection, prepared: Prepared) -> list[StoredReading]:
    """ON CONFLICT DO NOTHING skips a stored key. SQLite's executemany cannot return rows, so the count says
    whether any were skipped, and only then do the row ids above the largest one before the insert say which
    went in — safe because SQLite writers hold the database lock (BEGIN IMMEDIATE)."""
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM reading").scalar_one()
    cursor = connection.exec_driver_sql(
        'INSERT INTO reading (device_id, seq, ts, "values", received_at) VALUES (?, ?, ?, ?, ?) '
        "ON CONFLICT (device_id, seq) DO NOTHING",
        prepared.rows,
    )
    connection.exec_driver_sql(
        "UPDATE device SET last_seen = ?, online = 1, last_seq = ?, last_values = ? "
        "WHERE id = ? AND (last_seen IS NULL OR last_seen <= ?)",
        prepared.seen,
    )
    if cursor.rowcount == len(prepared.readings):
        return prepared.readings
    keys = set(connection.exec_driver_sql("SELECT device_id, seq FROM reading WHERE id > ?", (before,)).all())
    return [r for r in prepared.readings if (r.device_id, r.seq) in keys]


def rule_states(session: Session, pairs: Iterable[Pair]) -> dict[Pair, RuleStateRow]:
    wanted = set(pairs)
    if not wanted:
        return {}
    rule_ids, device_ids = {r for r, _ in wanted}, {d for _, d in wanted}
    connection = session.connection()
    if _sqlite(connection):
        rows = connection.exec_driver_sql(
            "SELECT rule_id, device_id, breach_since, last_value, last_ts FROM rule_state "
            "WHERE rule_id IN (SELECT value FROM json_each(?)) AND device_id IN (SELECT value FROM json_each(?))",
            (_json(rule_ids), _json(device_ids)),
        )
        return {
            (r, d): (_parse_time(since), value, _parse_time(ts))
            for r, d, since, value, ts in rows.all()
            if (r, d) in wanted
        }
    table = RuleState.__table__
    query = select(table).where(and_(table.c.rule_id.in_(rule_ids), table.c.device_id.in_(device_ids)))
    return {(r, d): (since, value, ts) for r, d, since, value, ts in connection.execute(query) if (r, d) in wanted}


def save_rule_states(session: Session, states: dict[Pair, RuleStateRow]) -> None:
    if not states:
        return
    connection = session.connection()
    if _sqlite(connection):
        connection.exec_driver_sql(
            "INSERT INTO rule_state (rule_id, device_id, breach_since, last_value, last_ts) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (rule_id, device_id) DO UPDATE SET breach_since = excluded.breach_since, "
            "last_value = excluded.last_value, last_ts = excluded.last_ts",
            [(r, d, sqlite_time(since), value, sqlite_time(ts)) for (r, d), (since, value, ts) in states.items()],
        )
        return
    rows = sorted(states.items())  # one lock order for every writer
    connection.exec_driver_sql(
        "INSERT INTO rule_state (rule_id, device_id, breach_since, last_value, last_ts) "
        "SELECT * FROM unnest(%s::integer[], %s::integer[], %s::timestamp[], %s::double precision[], %s::timestamp[]) "
        "ON CONFLICT (rule_id, device_id) DO UPDATE SET breach_since = excluded.breach_since, "
        "last_value = excluded.last_value, last_ts = excluded.last_ts",
        tuple([row[0][k] for row in rows] for k in (0, 1)) + tuple([row[1][k] for row in rows] for k in (0, 1, 2)),
    )


def delete_rule_states(session: Session, pairs: Iterable[Pair]) -> None:
    gone = [{"rule_id": r, "device_id": d} for r, d in sorted(pairs)]
    if gone:
        table = RuleState.__table__
        session.connection().execute(
            table.delete().where(table.c.rule_id == bindparam("rule_id"), table.c.device_id == bindparam("device_id")),
            gone,
        )
