"""Public safety at scale: a vehicle's trajectory and the lost-person ring search over a million stored
sightings, and sightings ingested through the one ingestion path against the raw insert of the same rows.

    .venv/bin/python bench/safety.py [--sightings 1000000] [--queries 200]

The small sample city is loaded, then --sightings sightings spread over the last 30 days at its cameras (70 %
people with feature vectors, 30 % vehicles of 20,000 plates) are bulk-inserted. Then:
- trajectory (`safety_files.trajectory`: the search's log and audit row, the (plate, ts) index read, the hops
  and their plausibility) p95 over --queries plates; target <= 200 ms; baseline in the same run: the same read
  forced past the index (a full scan);
- ring search (`lost_persons.candidates`: the cameras in the walking ring, their person sightings since the
  person was last seen, ranked) p95 over 20 cases; target <= 1 s;
- ingest: 40,000 sighting messages as the simulator sends them (feature vectors as base64 float32; parsed and
  checked, exactly-once, person files by feature vector)
  through `ingestion.ingest_mqtt` in batches of 2,000, against the floor: the driver's executemany of the same
  rows already built (as bench/ingest_throughput.py measures readings), one write transaction per batch, batch
  for batch alternately on the same table; target >= 0.5 of the raw rate."""

from __future__ import annotations

import argparse
import base64
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
from common import fresh_city, pct
from sqlalchemy import text

from cockpit.actor import Actor
from cockpit.services.iot import ingestion
from cockpit.services.safety import lost_persons, safety_cases, safety_files
from data_access import safety as safety_store
from data_access.db import sqlite_pragmas, transaction, write_transaction
from data_access.ingest import AGE_BANDS, CLOTHING_COLOURS, FEATURE_DIM, VEHICLE_COLOURS, VEHICLE_TYPES

OFFICER = Actor("bench-officer", "safety_officer")
CASE = {"legal_basis": "criminal_case", "case_no": "BENCH-2026-0001"}
PLATE = "京{}{:05d}"
PEOPLE = 50_000


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _features(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, FEATURE_DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def fill(url: str, total: int, rng: np.random.Generator, cameras: list[dict]) -> float:
    """Bulk-insert `total` sightings; returns the seconds it took."""
    now = _now()
    people = _features(rng, 2000)
    started = time.perf_counter()
    chunk = 50_000
    for first in range(0, total, chunk):
        n = min(chunk, total - first)
        ages = rng.uniform(0, 30 * 86400, n)
        cams = rng.integers(0, len(cameras), n)
        person = rng.random(n) < 0.7
        who = rng.integers(0, PEOPLE, n)
        rows = []
        for i in range(n):
            row = {
                "sighting_id": f"b{first + i:09d}",
                "device_id": cameras[cams[i]]["id"],
                "ts": now - timedelta(seconds=float(ages[i])),
                "confidence": 0.9,
                "plate": None,
                "vehicle_type": None,
                "colour": None,
                "upper": None,
                "lower": None,
                "age_band": None,
                "bag": None,
                "hat": None,
                "feature": None,
                "person_file_id": None,
            }
            if person[i]:
                row |= {
                    "kind": "person",
                    "upper": CLOTHING_COLOURS[who[i] % 8],
                    "lower": CLOTHING_COLOURS[who[i] // 8 % 4],
                    "age_band": AGE_BANDS[who[i] % 4],
                    "bag": bool(who[i] % 3 == 0),
                    "hat": bool(who[i] % 7 == 0),
                    "feature": people[who[i] % 2000].tobytes(),
                    "person_file_id": int(who[i]) + 1,
                }
            else:
                plate = who[i] % 20_000
                row |= {
                    "kind": "vehicle",
                    "plate": PLATE.format("ABCDEFGHJK"[plate % 10], plate),
                    "vehicle_type": VEHICLE_TYPES[plate % 5],
                    "colour": VEHICLE_COLOURS[plate % 6],
                }
            rows.append(tuple(row[f] for f in safety_store.INSERTED))
        with write_transaction(url) as session:
            safety_store.insert_sightings(session, rows)
    with transaction(url) as session:
        session.execute(text("ANALYZE"))
    return time.perf_counter() - started


def trajectories(url: str, queries: int) -> tuple[list[float], list[float]]:
    with transaction(url) as session:
        stored = session.execute(text("SELECT DISTINCT plate FROM sighting WHERE plate IS NOT NULL")).scalars().all()
    plates = random.Random(7).sample(sorted(stored), min(queries, len(stored)))
    times, scans = [], []
    for i, plate in enumerate(plates):
        found = safety_files.search(url, OFFICER, {"kind": "vehicle", "plate": plate, "hours": 720} | CASE)
        started = time.perf_counter()
        track = safety_files.trajectory(url, OFFICER, found["id"], 0)
        times.append(time.perf_counter() - started)
        assert track["points"], plate
        if i < 5:  # the same read past the index
            started = time.perf_counter()
            with transaction(url) as session:
                session.execute(
                    text("SELECT * FROM sighting NOT INDEXED WHERE plate = :p AND ts >= :t ORDER BY ts"),
                    {"p": plate, "t": _now() - timedelta(days=30)},
                ).all()
            scans.append(time.perf_counter() - started)
    return times, scans


def rings(url: str, cameras: list[dict]) -> list[float]:
    times = []
    for i in range(20):
        camera = cameras[i * 7 % len(cameras)]
        body = {
            "case_no": f"LPBENCH-{i:04d}",
            "upper": "red",
            "lower": "black",
            "age_band": "elderly",
            "lon": camera["lon"],
            "lat": camera["lat"],
            "minutes_ago": 60,
            "guardian_name": "王芳",
            "guardian_phone": "13800138000",
        }
        case = lost_persons.intake(url, OFFICER, body)
        started = time.perf_counter()
        found = lost_persons.candidates(url, OFFICER, case["id"])
        times.append(time.perf_counter() - started)
        assert found["cameras"]
    return times


def messages(rng: np.random.Generator, cameras: list[dict], n: int, prefix: str) -> list[tuple[str, bytes]]:
    now = _now()
    people = _features(rng, 2000)
    out = []
    for i in range(n):
        camera = cameras[i % len(cameras)]["code"]
        body = {"sighting_id": f"{prefix}{i:07d}", "ts": (now - timedelta(seconds=i)).isoformat() + "Z"}
        if i % 10 < 7:
            w = people[i % 2000] + rng.normal(0, 0.05, FEATURE_DIM)
            body |= {
                "kind": "person",
                "confidence": 0.9,
                "attributes": {"upper": "red", "lower": "black", "age_band": "adult", "bag": False, "hat": False},
                "feature": base64.b64encode((w / np.linalg.norm(w)).astype("<f4").tobytes()).decode(),
            }
        else:
            body |= {"kind": "vehicle", "confidence": 0.9, "plate": f"京B{i % 99999:05d}", "vehicle_type": "car"}
            body["colour"] = "white"
        out.append((f"city/vision/{camera}/sighting", orjson.dumps(body)))
    return out


def raw_rows(parsed: list, ids: dict[str, int]) -> list[tuple]:
    """The rows as the driver takes them, ready before the clock starts."""
    return [
        (
            "raw" + p.sighting_id,
            ids[p.camera_code],
            p.ts.isoformat(" ", "microseconds"),
            p.kind,
            p.confidence,
            p.plate,
            p.vehicle_type,
            p.colour,
            p.upper,
            p.lower,
            p.age_band,
            p.bag,
            p.hat,
            p.feature,
            i % 2000 + 1 if p.kind == "person" else None,  # a file id, as the ingestion path stores one
        )
        for i, p in enumerate(parsed)
    ]


def ingest_ratio(url: str, rng: np.random.Generator, cameras: list[dict]) -> tuple[float, float, float]:
    """Sightings per second: through the ingestion path, the raw insert of rows ready, and the raw insert with
    the JSON decoding any ingestion of these messages must do (timed on the same payloads)."""
    batch = 2000
    sent = messages(rng, cameras, 40_000, "i")
    ids = {c["code"]: c["id"] for c in cameras}
    raw = raw_rows(ingestion.parse_batch(sent, _now()), ids)
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    sqlite_pragmas(connection)
    columns = ", ".join(safety_store.INSERTED)
    statement = f"INSERT INTO sighting ({columns}) VALUES ({', '.join('?' * len(safety_store.INSERTED))})"
    ours = theirs = decoding = 0.0
    for first in range(0, len(sent), batch):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(statement, raw[first : first + batch])
        connection.execute("COMMIT")
        theirs += time.perf_counter() - started
        started = time.perf_counter()
        for _topic, payload in sent[first : first + batch]:
            orjson.loads(payload)
        decoding += time.perf_counter() - started
        started = time.perf_counter()
        report = ingestion.ingest_mqtt(url, sent[first : first + batch])
        ours += time.perf_counter() - started
        assert report.sightings == len(sent[first : first + batch]), report.quarantined[:2]
    connection.close()
    return len(sent) / ours, len(sent) / theirs, len(sent) / (theirs + decoding)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sightings", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_city(Path(folder), demo_users=False)
        supervisor = Actor("bench-leader", "leader")
        safety_cases.open_case(url, supervisor, CASE["case_no"], CASE["legal_basis"], "基准测试案件", [OFFICER.name])
        with transaction(url) as session:
            cameras = [c for c in safety_store.cameras(session) if c["sees"] != "vehicle"]
        seconds = fill(url, args.sightings, rng, cameras)
        print(f"{args.sightings:,} sightings over 30 days at {len(cameras)} cameras stored in {seconds:.0f} s")
        times, scans = trajectories(url, args.queries)
        print(
            f"trajectory of one vehicle ({args.queries} plates): p50 {pct(times, 50) * 1000:.1f} ms, "
            f"p95 {pct(times, 95) * 1000:.1f} ms (target <= 200 ms)"
        )
        print(
            f"  baseline the same read past the index: {pct(scans, 50) * 1000:.0f} ms median; "
            f"the trajectory is {pct(scans, 50) / pct(times, 50):.0f}x faster"
        )
        ring = rings(url, cameras)
        print(
            f"lost-person ring search (20 cases, 60 min, elderly pace): p50 {pct(ring, 50) * 1000:.0f} ms, "
            f"p95 {pct(ring, 95) * 1000:.0f} ms (target <= 1000 ms)"
        )
        ours, theirs, decoded = ingest_ratio(url, rng, cameras)
        print(f"sightings ingest through the ingestion path: {ours:,.0f}/s")
        print(f"  raw JSON decode + executemany of the same sightings: {decoded:,.0f}/s: {ours / decoded:.2f} of it")
        print(f"  raw executemany of the rows ready: {theirs:,.0f}/s: {ours / theirs:.2f} of it (target >= 0.5)")


if __name__ == "__main__":
    main()
