"""Ingest throughput: readings per second through the cockpit's ingestion path (parse and validate the
MQTT bytes, dedupe, store, update devices, run the rules) against a raw executemany of the same rows into
the same kind of database, measured in the same run.

    .venv/bin/python bench/ingest_throughput.py [--readings 100000] [--batch 1000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from cockpit.actor import Actor
from cockpit.services import ingestion, rulebook
from data_access.db import sqlite_pragmas
from data_access.schema import upgrade
from sample_data.load import load_sample_city

KINDS = {
    "noise": {"noise_db": 55.0},
    "water_level": {"level_cm": 1.0},
    "manhole_tilt": {"tilt_deg": 0.5},
    "street_lamp": {"lamp_on": 1.0, "current_a": 0.8, "lamp_fault": 0.0},
}


def messages(n: int) -> list[tuple[str, bytes]]:
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=n)
    out = []
    for i in range(n):
        kind = list(KINDS)[i % len(KINDS)]
        device = f"110108-{kind}-{(i // len(KINDS)) % 40 + 1:05d}"
        body = {"ts": (start + timedelta(milliseconds=i)).isoformat() + "Z", "seq": i, "values": KINDS[kind]}
        out.append((f"city/iot/{device}/telemetry", orjson.dumps(body)))
    return out


def fresh_city(folder: Path) -> str:
    url = f"sqlite:///{folder / 'cockpit.db'}"
    upgrade(url)
    load_sample_city(url, "small", 1)
    rulebook.ensure_defaults(url, Actor("bench", "admin"))
    return url


def copy_db(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def raw_executemany(db: Path, msgs: list[tuple[str, bytes]], batch: int, decode_in_timing: bool) -> float:
    """The floor: one executemany per batch in its own write transaction, on a connection with the cockpit's
    own SQLite settings (WAL, synchronous=NORMAL, foreign keys on), no checks, dedupe or rules; with
    decode_in_timing the JSON decoding of the payloads is timed too, as any ingestion must do it."""
    connection = sqlite3.connect(db)
    sqlite_pragmas(connection)
    ids = dict(connection.execute("SELECT code, id FROM device"))
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    started = time.perf_counter()
    rows = []
    for topic, payload in msgs:
        body = orjson.loads(payload)
        rows.append((ids[topic.split("/")[2]], body["seq"], body["ts"], orjson.dumps(body["values"]).decode(), now))
    if not decode_in_timing:
        started = time.perf_counter()
    for i in range(0, len(rows), batch):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            'INSERT INTO reading (device_id, seq, ts, "values", received_at) VALUES (?, ?, ?, ?, ?)',
            rows[i : i + batch],
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def cockpit_path(url: str, msgs: list[tuple[str, bytes]], batch: int) -> float:
    started = time.perf_counter()
    stored = 0
    for i in range(0, len(msgs), batch):
        stored += ingestion.ingest_mqtt(url, msgs[i : i + batch], source="bench").stored
    elapsed = time.perf_counter() - started
    assert stored == len(msgs), (stored, len(msgs))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["COCKPIT_VAR_DIR"] = tmp
        template = folder / "template"
        template.mkdir()
        fresh_city(template)
        msgs = messages(args.readings)
        copy_db(template / "cockpit.db", folder / "raw.db")
        copy_db(template / "cockpit.db", folder / "raw_decode.db")
        copy_db(template / "cockpit.db", folder / "cockpit.db")
        raw = raw_executemany(folder / "raw.db", msgs, args.batch, decode_in_timing=False)
        raw_decode = raw_executemany(folder / "raw_decode.db", msgs, args.batch, decode_in_timing=True)
        ours = cockpit_path(f"sqlite:///{folder / 'cockpit.db'}", msgs, args.batch)
    n = args.readings
    print(f"readings: {n:,}  batch: {args.batch}  database: SQLite (WAL)")
    print(f"raw executemany (rows ready):     {n / raw:>10,.0f} readings/s")
    print(f"raw JSON decode + executemany:    {n / raw_decode:>10,.0f} readings/s")
    print(f"cockpit ingestion (full path):    {n / ours:>10,.0f} readings/s")
    print(f"ratio cockpit / raw:              {raw / ours:>10.2f}   (target >= 0.5)")
    print(f"ratio cockpit / raw with decode:  {raw_decode / ours:>10.2f}")


if __name__ == "__main__":
    main()
