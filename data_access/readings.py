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
from sqlalchemy import Connection, and_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from data_access.ingest import Telemetry
from data_access.models import Alarm, Device, Reading, RuleState

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
class StoreResult:
    stored: list[StoredReading] = field(default_factory=list)
    duplicates: int = 0
    unknown: list[Telemetry] = field(default_factory=list)


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
    connection = session.connection()
    wanted = set(codes)
    if _sqlite(connection):
        rows = connection.exec_driver_sql(
            "SELECT code, id, type FROM device WHERE code IN (SELECT value FROM json_each(?))", (_json(wanted),)
        )
    else:
        rows = connection.execute(select(Device.code, Device.id, Device.type).where(Device.code.in_(wanted)))
    return {code: (device_id, kind) for code, device_id, kind in rows}


def store(session: Session, items: list[Telemetry], received_at: datetime) -> StoreResult:
    """Insert what is new; (device, seq) already stored counts as a duplicate and changes nothing."""
    result = StoreResult()
    index = device_index(session, {i.device_code for i in items})
    fresh: dict[Pair, StoredReading] = {}
    for item in items:
        known = index.get(item.device_code)
        if known is None:
            result.unknown.append(item)
        elif (known[0], item.seq) in fresh:
            result.duplicates += 1
        else:
            fresh[(known[0], item.seq)] = StoredReading(
                known[0], known[1], item.device_code, item.seq, item.ts, item.values
            )
    if not fresh:
        return result
    connection = session.connection()
    insert = _insert_sqlite if _sqlite(connection) else _insert_postgresql
    result.stored = insert(connection, list(fresh.values()), received_at)
    result.duplicates += len(fresh) - len(result.stored)
    _mark_seen(connection, result.stored)
    return result


def _insert_sqlite(connection: Connection, readings: list[StoredReading], received_at: datetime) -> list[StoredReading]:
    """ON CONFLICT DO NOTHING skips a stored key. SQLite's executemany cannot return rows, so the count says
    whether any were skipped, and only then do the row ids above the largest one before the insert say which
    went in — safe because SQLite writers hold the database lock (BEGIN IMMEDIATE)."""
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM reading").scalar_one()
    received = sqlite_time(received_at)
    cursor = connection.exec_driver_sql(
        'INSERT INTO reading (device_id, seq, ts, "values", received_at) VALUES (?, ?, ?, ?, ?) '
        "ON CONFLICT (device_id, seq) DO NOTHING",
        [(r.device_id, r.seq, sqlite_time(r.ts), orjson.dumps(r.values).decode(), received) for r in readings],
    )
    if cursor.rowcount == len(readings):
        return readings
    keys = set(connection.exec_driver_sql("SELECT device_id, seq FROM reading WHERE id > ?", (before,)).all())
    return [r for r in readings if (r.device_id, r.seq) in keys]


def _insert_postgresql(
    connection: Connection, readings: list[StoredReading], received_at: datetime
) -> list[StoredReading]:
    table = Reading.__table__
    statement = postgresql_insert(table).on_conflict_do_nothing(index_elements=["device_id", "seq"])
    rows = [
        {
            "device_id": r.device_id,
            "seq": r.seq,
            "ts": r.ts,
            "values": orjson.dumps(r.values).decode(),
            "received_at": received_at,
        }
        for r in readings
    ]
    keys = {tuple(k) for k in connection.execute(statement.returning(table.c.device_id, table.c.seq), rows)}
    return [r for r in readings if (r.device_id, r.seq) in keys]


def _mark_seen(connection: Connection, stored: list[StoredReading]) -> None:
    """Each device's newest reading becomes its last-seen state; a late batch never moves it backwards."""
    latest: dict[int, StoredReading] = {}
    for reading in stored:
        last = latest.get(reading.device_id)
        if last is None or (reading.ts, reading.seq) >= (last.ts, last.seq):
            latest[reading.device_id] = reading
    if not latest:
        return
    if _sqlite(connection):
        connection.exec_driver_sql(
            "UPDATE device SET last_seen = ?, online = 1, last_seq = ?, last_values = ? "
            "WHERE id = ? AND (last_seen IS NULL OR last_seen <= ?)",
            [
                (ts := sqlite_time(r.ts), r.seq, orjson.dumps(r.values).decode(), r.device_id, ts)
                for r in latest.values()
            ],
        )
        return
    table = Device.__table__
    connection.execute(
        update(table).where(
            table.c.id == bindparam("device_id"),
            or_(table.c.last_seen.is_(None), table.c.last_seen <= bindparam("seen_at")),
        ),
        [
            {
                "device_id": r.device_id,
                "seen_at": r.ts,
                "last_seen": r.ts,
                "online": True,
                "last_seq": r.seq,
                "last_values": orjson.dumps(r.values).decode(),
            }
            for r in latest.values()
        ],
    )


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
            (r, d): (_parse_time(since), value, _parse_time(ts)) for r, d, since, value, ts in rows if (r, d) in wanted
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
    statement = postgresql_insert(RuleState.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["rule_id", "device_id"],
        set_={name: statement.excluded[name] for name in ("breach_since", "last_value", "last_ts")},
    )
    connection.execute(
        statement,
        [
            {"rule_id": r, "device_id": d, "breach_since": since, "last_value": value, "last_ts": ts}
            for (r, d), (since, value, ts) in states.items()
        ],
    )


def open_alarm_ids(session: Session, pairs: Iterable[Pair]) -> dict[Pair, int]:
    wanted = set(pairs)
    if not wanted:
        return {}
    device_ids = {d for _, d in wanted}
    connection = session.connection()
    if _sqlite(connection):
        rows = connection.exec_driver_sql(
            "SELECT id, rule_id, device_id FROM alarm WHERE status IN ('new', 'acknowledged') "
            "AND device_id IN (SELECT value FROM json_each(?))",
            (_json(device_ids),),
        )
    else:
        table = Alarm.__table__
        rows = connection.execute(
            select(table.c.id, table.c.rule_id, table.c.device_id).where(
                table.c.status.in_(OPEN), table.c.device_id.in_(device_ids)
            )
        )
    return {(r, d): alarm_id for alarm_id, r, d in rows if (r, d) in wanted}
