"""Soak: the live city (the simulator feeding ingestion), P open pages holding the push stream and M operators,
for N minutes. Every minute it samples each server process's resident memory and the operators' latency, then
prints the table and the memory trend (least-squares slope, MB per hour) per process. Targets: at most 500 MB
per process and no upward trend.

    .venv/bin/python bench/soak.py --minutes 60 [--pages 200] [--operators 20]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import threading
import time
from multiprocessing.queues import Queue
from pathlib import Path

from common import BENCH, DESK, children, free_port, fresh_city, pct, rss_mb, serve, signed_in
from screens import Operators, pages

from cockpit.services.support import users


def slope_mb_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), per hour; the first two minutes (warming up) left out."""
    points = [p for p in points if p[0] >= 120] or points
    if len(points) < 2:
        return 0.0
    return statistics.linear_regression([t for t, _ in points], [m for _, m in points]).slope * 3600


def role(pid: int, arbiter: int) -> str:
    """What a server process is, from its command line."""
    if pid == arbiter:
        return "arbiter"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            words = cmdline.read().split(b"\0")
    except OSError:
        return "gone"
    return "simulator" if b"simulate" in words else "anchor" if b"anchor" in words else "worker"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--operators", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = fresh_city(folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(folder, port)
    seconds = args.minutes * 60
    try:
        desks = [signed_in(base, name, DESK[name]) for name in ("leader", "duty", "duty2", "safety", "analyst")]
        cookies = ["; ".join(f"{k}={v}" for k, v in web.cookies.items()) for web in desks]
        token = users.create_token(url, BENCH, "bench-soak", "duty_officer")
        started = time.time()
        stop = started + seconds
        results: Queue = multiprocessing.get_context("spawn").Queue()
        holder = multiprocessing.get_context("spawn").Process(
            target=pages, args=(port, cookies, args.pages, stop, results)
        )
        holder.start()
        operators = Operators(base, token, desks, stop)
        crowd = threading.Thread(target=operators.run, args=(args.operators,))
        crowd.start()
        memory: dict[int, list[tuple[float, float]]] = {}
        names: dict[int, str] = {}
        print(f"soak: live city, {args.pages} open pages, {args.operators} operators, {args.minutes:g} min", flush=True)
        print(" min  operators p50/p95 ms  errors  RSS MB per process", flush=True)
        minute = reported = 0
        while time.time() < stop:
            time.sleep(max(min(started + 60 * (minute + 1), stop) - time.time(), 0))
            minute += 1
            now = time.time() - started
            for pid in [server.pid, *children(server.pid)]:
                memory.setdefault(pid, []).append((now, rss_mb(pid)))
                names.setdefault(pid, role(pid, server.pid))
            recent = [s for when, s in operators.samples if when >= started + now - 60]
            sizes = "  ".join(f"{points[-1][1]:5.0f} {names[pid]}" for pid, points in memory.items())
            print(
                f"{minute:4d}  {pct(recent, 50) * 1000:8.0f}/{pct(recent, 95) * 1000:<8.0f}  "
                f"{len(operators.errors):6d}  {sizes}",
                flush=True,
            )
            for error in operators.errors[reported:]:
                print(f"      operator error: {error}", flush=True)
            reported = len(operators.errors)
        crowd.join()
        outcome = results.get(timeout=300)
        holder.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
    every = [s for _when, s in operators.samples]
    print(
        f"operators over the soak: {len(every)} requests, {len(operators.errors)} errors, "
        f"p50 {pct(every, 50) * 1000:.0f} ms, p95 {pct(every, 95) * 1000:.0f} ms; "
        f"streams opened {outcome['streaming']} (reconnects included), failed {outcome['failed']}"
    )
    for pid, points in memory.items():
        peak = max(m for _t, m in points)
        print(
            f"{names[pid]} {pid}: first {points[0][1]:.0f} MB, last {points[-1][1]:.0f} MB, peak {peak:.0f} MB, "
            f"trend {slope_mb_per_hour(points):+.1f} MB/h"
        )
    print(f"targets: <= 500 MB per process, no upward trend (server log: {folder / 'serve.log'})")


if __name__ == "__main__":
    main()
