"""Ingest throughput: readings per second through the cockpit's ingestion path (parse and validate the
MQTT bytes, dedupe, store, update devices, run the rules) against a raw executemany of the same rows into
the same kind of database, measured in the same run.

    .venv/bin/python bench/ingest_throughput.py [--readings 100000] [--batch 1000] [--workers 2] [--runs 3]
    .venv/bin/python bench/ingest_throughput.py --database postgresql

With --database postgresql the same is measured on a throw-away PostgreSQL with PostGIS (readings in monthly
partitions) against a raw COPY of the same rows, decoding included, each run in a fresh copy of the city
(CREATE DATABASE … TEMPLATE).

The multi-core figure runs the full path in --workers processes on one database, as `cockpit ingest
--workers N` does with an MQTT shared subscription; SQLite still has one writer at a time, so what the
extra process buys is decoding, validation and rule evaluation done while the other one writes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import orjson
from common import BENCH, copy_db, fresh_city, postgres_server

from cockpit.services.iot import ingestion, rulebook
from data_access.db import engine_for, sqlite_pragmas
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


def raw_copy(url: str, msgs: list[tuple[str, bytes]], batch: int) -> float:
    """The floor on PostgreSQL: decode the payloads, then one COPY per batch in its own transaction, into the
    same partitioned table, with no checks, dedupe or rules."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        ids = dict(connection.execute("SELECT code, id FROM device").fetchall())
        now = datetime.now(UTC).replace(tzinfo=None)
        connection.commit()
        started = time.perf_counter()
        rows = []
        for topic, payload in msgs:
            body = orjson.loads(payload)
            rows.append((ids[topic.split("/")[2]], body["seq"], body["ts"], orjson.dumps(body["values"]).decode(), now))
        for i in range(0, len(rows), batch):
            with (
                connection.transaction(),
                connection.cursor() as cursor,
                cursor.copy('COPY reading (device_id, seq, ts, "values", received_at) FROM STDIN') as copy,
            ):
                for row in rows[i : i + batch]:
                    copy.write_row(row)
        return time.perf_counter() - started


def cockpit_path(url: str, msgs: list[tuple[str, bytes]], batch: int) -> float:
    """One ingestion process, as `cockpit ingest` runs by default and as the in-process simulator feeds it."""
    ingestion.steady_state()
    started = time.perf_counter()
    stored = 0
    for i in range(0, len(msgs), batch):
        stored += ingestion.ingest_mqtt(url, msgs[i : i + batch], source="bench").stored
    elapsed = time.perf_counter() - started
    assert stored == len(msgs), (stored, len(msgs))
    return elapsed


def _worker(url: str, n: int, batch: int, workers: int, k: int, gate: Barrier, results: Queue) -> None:
    """One of `cockpit ingest --workers N`: it gets every N-th batch, as an MQTT shared subscription hands
    them out, and makes its own messages before the gate so nothing is pickled inside the timing."""
    msgs = messages(n)
    mine = [msgs[i : i + batch] for i in range(k * batch, n, workers * batch)]
    ingestion.ingest_mqtt(url, [], source="bench")
    ingestion.steady_state()
    gate.wait()
    stored = sum(ingestion.ingest_mqtt(url, part, source="bench").stored for part in mine)
    results.put((stored, time.perf_counter()))


def cockpit_workers(url: str, n: int, batch: int, workers: int) -> float:
    context = multiprocessing.get_context("fork")
    gate, results = context.Barrier(workers + 1), context.Queue()
    processes = [
        context.Process(target=_worker, args=(url, n, batch, workers, k, gate, results)) for k in range(workers)
    ]
    for process in processes:
        process.start()
    gate.wait()
    started = time.perf_counter()
    finished = [results.get() for _ in processes]
    for process in processes:
        process.join()
    assert sum(stored for stored, _ in finished) == n, finished
    return max(at for _, at in finished) - started


def best_of(runs: int, measure: Callable[[int], float]) -> float:
    """The fastest of a few runs, each on its own copy of the database: the figure least disturbed by
    whatever else the machine is doing, taken the same way for the baseline and for the cockpit."""
    return min(measure(run) for run in range(runs))


def postgresql(args: argparse.Namespace, msgs: list[tuple[str, bytes]]) -> None:
    import psycopg

    n = args.readings
    with postgres_server() as server:
        admin = psycopg.connect(f"{server.replace('postgresql+psycopg', 'postgresql')}/postgres", autocommit=True)
        admin.execute("CREATE DATABASE city")
        city = f"{server}/city"
        upgrade(city)
        load_sample_city(city, "small", 1)
        rulebook.ensure_defaults(city, BENCH)
        engine_for(city).dispose()  # a template database must have no connections

        def database(name: str) -> str:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE city")
            return f"{server}/{name}"

        copy = best_of(args.runs, lambda r: raw_copy(database(f"raw{r}"), msgs, args.batch))
        one = best_of(args.runs, lambda r: cockpit_path(database(f"one{r}"), msgs, args.batch))
        many = best_of(args.runs, lambda r: cockpit_workers(database(f"many{r}"), n, args.batch, args.workers))
        admin.close()
    print(f"readings: {n:,}  batch: {args.batch}  database: PostgreSQL + PostGIS, readings partitioned by month")
    print(f"cores: {os.cpu_count()}  best of {args.runs}")
    print(f"raw JSON decode + COPY:                {n / copy:>10,.0f} readings/s")
    print(f"cockpit ingestion, 1 process:          {n / one:>10,.0f} readings/s   ratio {copy / one:.2f}")
    print(
        f"cockpit ingestion, {args.workers} processes:        {n / many:>10,.0f} readings/s   ratio {copy / many:.2f}"
    )
    print("target: ratio >= 0.5 against a raw COPY of the same rows")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="ingestion processes for the multi-core figure")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    n = args.readings
    if args.database == "postgresql":
        postgresql(args, messages(n))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["COCKPIT_VAR_DIR"] = tmp
        template = folder / "template"
        template.mkdir()
        fresh_city(template, demo_users=False)
        msgs = messages(n)

        def database(name: str) -> Path:
            copy_db(template / "cockpit.db", folder / name)
            return folder / name

        raw = best_of(args.runs, lambda r: raw_executemany(database(f"raw{r}.db"), msgs, args.batch, False))
        raw_decode = best_of(args.runs, lambda r: raw_executemany(database(f"dec{r}.db"), msgs, args.batch, True))
        one = best_of(args.runs, lambda r: cockpit_path(f"sqlite:///{database(f'one{r}.db')}", msgs, args.batch))
        many = best_of(
            args.runs,
            lambda r: cockpit_workers(f"sqlite:///{database(f'many{r}.db')}", n, args.batch, args.workers),
        )
    print(f"readings: {n:,}  batch: {args.batch}  database: SQLite (WAL)  cores: {os.cpu_count()}  best of {args.runs}")
    print(f"raw executemany (rows ready):          {n / raw:>10,.0f} readings/s")
    print(f"raw JSON decode + executemany:         {n / raw_decode:>10,.0f} readings/s")
    print(f"cockpit ingestion, 1 process:          {n / one:>10,.0f} readings/s   ratio {raw / one:.2f}")
    print(f"cockpit ingestion, {args.workers} processes:        {n / many:>10,.0f} readings/s   ratio {raw / many:.2f}")
    print("target: >= 20,000 readings/s and ratio >= 0.5 against raw executemany on 2 cores")


if __name__ == "__main__":
    main()
