"""A command centre's screens at once: N open pages holding the push stream, M operators using the API and
Dash callbacks, and alarms committed during the run. Prints operators' p50/p95 and errors, how many pages got
their stream, and how long each alarm took to reach every stream (commit to the `id:` line read by the page).

Both designs are measured in the same run on copies of one sample city: `gthread` (2 workers x 16 threads,
a thread per open page: the design before #12) as the baseline, and `gevent` (2 workers, a greenlet per page,
one hub per process), the design `cockpit serve` runs now.

    .venv/bin/python bench/screens.py [--pages 1000] [--operators 20] [--seconds 60] [--alarms 8]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path

import requests
from common import BENCH, DESK, children, copy_db, free_port, fresh_city, pct, raise_alarm, rss_mb, serve, signed_in

from callbacks.iot import ALARM_FILTERS
from cockpit.services.support import users
from cockpit.ui import iot as ids

ALARM_TIMEOUT_S = 10.0
OPERATOR_TIMEOUT_S = 10.0


async def _page(port: int, cookie: str, seen: list[tuple[int, float]], state: Counter, stop: float) -> None:
    """One open page: GET /events with the browser's cookie and read lines until `stop`; like EventSource,
    it connects again two seconds after the server ends the stream."""
    while time.time() < stop:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
            writer.write(
                f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            await writer.drain()
            streaming = False
            while time.time() < stop:
                line = await asyncio.wait_for(reader.readline(), max(stop - time.time(), 0.01))
                if not line:
                    state["dropped"] += 1
                    break
                if line.startswith(b"event: status") and not streaming:
                    streaming = True
                    state["streaming"] += 1
                if line.startswith(b"id: "):
                    seen.append((int(line[4:]), time.time()))
            writer.close()
        except TimeoutError:
            return
        except OSError:
            state["failed"] += 1
        await asyncio.sleep(2)


def pages(port: int, cookies: list[str], n: int, stop: float, results: Queue) -> None:
    """A process of its own holds every open page, so the operators' timings are not queued behind them."""

    async def run() -> tuple[list[list[tuple[int, float]]], Counter]:
        seen: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        state: Counter = Counter()
        tasks = []
        for i in range(n):
            tasks.append(asyncio.create_task(_page(port, cookies[i % len(cookies)], seen[i], state, stop)))
            if i % 50 == 49:
                await asyncio.sleep(0.1)  # pages open over a few seconds, as screens come up
        await asyncio.gather(*tasks)
        return seen, state

    seen, state = asyncio.run(run())
    results.put({"seen": seen, "streaming": state["streaming"], "failed": state["failed"], "dropped": state["dropped"]})


@dataclass
class Operators:
    """M people at desks: every half second each reads an API list or runs a Dash callback."""

    base: str
    api_token: str
    desks: list[requests.Session]
    stop: float
    samples: list[tuple[float, float]] = field(default_factory=list)  # (when, seconds)
    errors: list[str] = field(default_factory=list)

    def _one(self, k: int, web: requests.Session, n: int) -> requests.Response:
        bearer = {"Authorization": f"Bearer {self.api_token}"}
        kind = (k + n) % 4
        if kind == 2:
            return web.post(f"{self.base}/_dash-update-component", json=ALARM_LIST, timeout=OPERATOR_TIMEOUT_S)
        route = ("alarms", "incidents", None, "devices")[kind]
        return web.get(f"{self.base}/api/v1/{route}", headers=bearer, timeout=OPERATOR_TIMEOUT_S)

    def work(self, k: int) -> None:
        web = self.desks[k % len(self.desks)]
        rng = random.Random(k)
        n = 0
        while time.time() < self.stop:
            started = time.perf_counter()
            try:
                answer = self._one(k, web, n)
                if answer.status_code >= 400:
                    self.errors.append(f"{answer.status_code} {answer.url} {answer.text[:200]}")
                else:
                    self.samples.append((time.time(), time.perf_counter() - started))
            except requests.RequestException as error:
                self.errors.append(f"{type(error).__name__} {error}"[:300])
            n += 1
            time.sleep(rng.uniform(0.3, 0.7))

    def run(self, m: int) -> None:
        threads = [threading.Thread(target=self.work, args=(k,)) for k in range(m)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _callback(output: dict, inputs: list[tuple[str, str, object]]) -> dict:
    """The body dash-renderer posts for a callback with this output and these (id, property, value) inputs."""
    return {
        "output": f"{output['id']}.{output['property']}",
        "outputs": output,
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }


ALARM_LIST = _callback(
    {"id": ids.IOT_ALARMS, "property": "children"},
    [("alarm-feed", "data", None), (ids.IOT_ALARM_MSG, "children", None)]
    + [(f, "value", "severity" if f == ids.IOT_ALARM_SORT else None) for f in ALARM_FILTERS],
)


def measure(design: str, city: Path, work: Path, args: argparse.Namespace) -> dict:
    """One design on its own copy of the city: open the pages, run the operators, raise alarms, tally."""
    folder = work / design
    folder.mkdir()
    copy_db(city / "cockpit.db", folder / "cockpit.db")
    url = f"sqlite:///{folder / 'cockpit.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(folder, port, "--worker-class", design, "--no-simulate")
    try:
        desks = [signed_in(base, name, DESK[name]) for name in ("leader", "duty", "duty2", "safety", "analyst")]
        cookies = ["; ".join(f"{k}={v}" for k, v in web.cookies.items()) for web in desks]
        token = users.create_token(url, BENCH, f"bench-{design}", "duty_officer")
        stop = time.time() + args.seconds
        results: Queue = multiprocessing.get_context("spawn").Queue()
        holder = multiprocessing.get_context("spawn").Process(
            target=pages, args=(port, cookies, args.pages, stop, results)
        )
        holder.start()
        time.sleep(min(args.seconds / 4, 15))  # the pages come up before the operators start
        operators = Operators(base, token, desks, stop)
        crowd = threading.Thread(target=operators.run, args=(args.operators,))
        crowd.start()
        raised: list[tuple[int, float]] = []
        gap = (stop - ALARM_TIMEOUT_S - time.time()) / max(args.alarms, 1)
        for n in range(1, args.alarms + 1):
            time.sleep(max(gap, 0.5))
            cursor = raise_alarm(url, n)
            raised.append((cursor, time.time()))
        rss = {pid: rss_mb(pid) for pid in children(server.pid)}
        crowd.join()
        outcome = results.get(timeout=args.seconds + 120)
        holder.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
    reach = []
    missed = 0
    for cursor, committed in raised:
        for stream in outcome["seen"]:
            arrived = next((t for c, t in stream if c >= cursor), None)
            if arrived is None:
                missed += 1
            else:
                reach.append(arrived - committed)
    return {
        "design": design,
        "streaming": outcome["streaming"],
        "failed": outcome["failed"] + outcome["dropped"],
        "ops": [seconds for _when, seconds in operators.samples],
        "errors": operators.errors,
        "reach": reach,
        "missed": missed,
        "alarms": len(raised),
        "rss": max(rss.values(), default=0.0),
    }


def report(row: dict, pages_n: int) -> None:
    ops, reach = row["ops"], row["reach"]
    print(
        f"{row['design']:8s} pages streaming {row['streaming']:5d}/{pages_n} ({row['failed']} failed)  "
        f"operators: {len(ops):5d} ok, {len(row['errors']):4d} errors, "
        f"p50 {pct(ops, 50) * 1000:7.0f} ms, p95 {pct(ops, 95) * 1000:7.0f} ms  "
        f"alarm to every stream ({row['alarms']} alarms): p50 {pct(reach, 50) * 1000:6.0f} ms, "
        f"p95 {pct(reach, 95) * 1000:6.0f} ms, missed {row['missed']}  largest worker RSS {row['rss']:.0f} MB"
    )
    if row["errors"]:
        print(f"         operator errors by kind: {Counter(e.split(' ')[0] for e in row['errors'])}")
        print(f"         first: {row['errors'][0]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--operators", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--alarms", type=int, default=8)
    parser.add_argument("--designs", nargs="+", default=["gthread", "gevent"], choices=["gthread", "gevent"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    city = work / "city"
    city.mkdir()
    fresh_city(city)
    print(
        f"{args.pages} open pages, {args.operators} operators, {args.seconds:.0f} s, {args.alarms} alarms, "
        f"2 workers each, {multiprocessing.cpu_count()} cores (the load generator shares them)"
    )
    rows = [measure(design, city, work, args) for design in args.designs]
    for row in rows:
        report(row, args.pages)
    if len(rows) == 2 and rows[0]["ops"] and rows[1]["ops"] and not rows[0]["errors"]:
        print(f"operators' p95 ratio gevent / gthread: {pct(rows[1]['ops'], 95) / pct(rows[0]['ops'], 95):.2f}")
    print("targets: operators' p95 <= 300 ms, 0 errors; alarm to all streams p95 <= 1000 ms")


if __name__ == "__main__":
    main()
