"""Emergency benchmarks, each against a baseline measured in the same run:
- recommendation latency (p50/p95) for an incident with 2,000 available units, against ranking the same
  units by plain straight-line distance;
- dispatch under contention: N attempts from 50 concurrent clients on the same few units through gunicorn
  with 2 workers; counts double dispatches (must be 0) and server errors (must be 0), with the throughput of
  uncontended dispatches to free units as the baseline.

    .venv/bin/python bench/dispatch.py [--attempts 10000] [--samples 50]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from cockpit.actor import Actor
from cockpit.services.emergency import emergency
from cockpit.services.kernel import routing
from cockpit.services.support import users
from data_access.db import transaction, write_transaction
from data_access.models import Dispatch
from data_access.schema import upgrade
from sample_data.load import load_sample_city

ROOT = Path(__file__).resolve().parent.parent
ADMIN = Actor("bench", "admin")
DUTY = Actor("bench-duty", "duty_officer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def recommendation(url: str, samples: int) -> None:
    rng = random.Random(5)
    with transaction(url) as session:
        from data_access import emergency as store

        units = [r for r in store.resources(session) if r["kind"] not in ("shelter", "hospital")]
    cases = [
        emergency.report_incident(
            url, DUTY, "accident", 4, rng.uniform(116.31, 116.33), rng.uniform(39.992, 40.010), "bench"
        )["id"]
        for _ in range(samples)
    ]
    emergency.recommend(url, cases[0])  # build the road graph once, as a running server has it
    ours, base = [], []
    for case in cases:
        started = time.perf_counter()
        emergency.recommend(url, case, limit=50)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        with transaction(url) as session:
            incident = store.incident(session, case)
            rows = [r for r in store.resources(session) if r["status"] == "available"]
        sorted(rows, key=lambda r: routing.metres(r["lon"], r["lat"], incident["lon"], incident["lat"]))[:50]
        base.append(time.perf_counter() - started)
    print(
        f"recommendation, {len(units)} units: p50 {statistics.median(ours) * 1000:.0f} ms, "
        f"p95 {p95(ours) * 1000:.0f} ms (target p95 <= 200 ms); straight-distance baseline p95 "
        f"{p95(base) * 1000:.0f} ms; ratio {p95(ours) / p95(base):.1f}"
    )


def post(base: str, token: str, incident_id: int, ids: list[int], key: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/incidents/{incident_id}/dispatch",
        data=json.dumps({"resource_ids": ids}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def contention(url: str, tmp: str, attempts: int) -> None:
    token = users.create_token(url, ADMIN, "bench-dispatch", "duty_officer")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", "serve", "--port", str(port), "--workers", "2", "--no-simulate"],
        cwd=ROOT,
        env=os.environ | {"COCKPIT_VAR_DIR": tmp},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    time.sleep(5)
    rng = random.Random(9)
    cases = [
        emergency.report_incident(url, DUTY, "accident", 4, 116.32, 40.0, f"contention {i}")["id"] for i in range(20)
    ]
    with transaction(url) as session:
        from data_access import emergency as store

        police = [r["id"] for r in store.resources(session, ("police_car",), status="available")]
    hot = police[:4]
    codes: dict[int, int] = {}
    doubles = 0
    started = time.perf_counter()
    done = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            while done < attempts:
                batch = min(500, attempts - done)
                jobs = [
                    pool.submit(
                        post, base, token, rng.choice(cases), rng.sample(hot, rng.randint(1, 2)), f"k{done + i}"
                    )
                    for i in range(batch)
                ]
                for job in jobs:
                    codes[job.result()] = codes.get(job.result(), 0) + 1
                done += batch
                with transaction(url) as session:
                    rows = session.execute(
                        select(Dispatch.resource_id, func.count())
                        .where(Dispatch.status == "active")
                        .group_by(Dispatch.resource_id)
                    ).all()
                doubles += sum(1 for _rid, n in rows if n > 1)
                with write_transaction(url) as session:  # free the hot units for the next round
                    for d in store.dispatches(session, active_only=True):
                        store.update_dispatch(session, d["id"], {"status": "finished", "stage": "finished"})
                    for rid in hot:
                        store.set_resource(session, rid, {"status": "available"})
        contended = time.perf_counter() - started
        free = police[4 : 4 + 100]
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            baseline_codes = list(
                pool.map(lambda i: post(base, token, cases[i % len(cases)], [free[i]], f"f{i}"), range(len(free)))
            )
        uncontended = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = sum(n for code, n in codes.items() if code >= 500)
    print(
        f"dispatch contention: {attempts} attempts by 50 clients on 4 units through gunicorn (2 workers): "
        f"{attempts / contended:.0f} attempts/s, answers {dict(sorted(codes.items()))}, "
        f"double dispatches {doubles}, server errors {errors}"
    )
    print(
        f"uncontended baseline: {len(free) / uncontended:.0f} dispatches/s "
        f"({sum(c == 200 for c in baseline_codes)}/{len(free)} ok); "
        f"ratio contended/uncontended {(attempts / contended) / (len(free) / uncontended):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["COCKPIT_VAR_DIR"] = tmp
    url = f"sqlite:///{tmp}/cockpit.db"
    upgrade(url)
    load_sample_city(url, "large", 1)
    emergency.ensure_default_plans(url, ADMIN)
    recommendation(url, args.samples)
    contention(url, tmp, args.attempts)


if __name__ == "__main__":
    main()
