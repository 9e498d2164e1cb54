"""What the benchmarks share: a sample city in a folder, `cockpit serve` on it, signing in, percentiles."""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import requests

from cockpit import bus
from cockpit.actor import Actor
from cockpit.services.iot import ingestion, rulebook
from cockpit.services.support import users
from data_access.schema import upgrade
from sample_data.load import load_sample_city

ROOT = Path(__file__).resolve().parent.parent
BENCH = Actor("bench", "admin")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESK = {username: f"{username}-demo-2026" for username, _name, _role in users.DEMO_USERS}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def fresh_city(folder: Path, demo_users: bool = True) -> str:
    """The small sample city, its default rules and (unless told not to) the demo accounts."""
    url = f"sqlite:///{folder / 'cockpit.db'}"
    upgrade(url)
    load_sample_city(url, "small", 1)
    rulebook.ensure_defaults(url, BENCH)
    if demo_users:
        users.ensure_demo_users(url, BENCH)
    return url


def raise_alarm(url: str, n: int) -> int:
    """Ingest the two readings that raise a new alarm on manhole sensor n; returns the bus cursor after the
    commit, which the alarm's push event carries as its id."""
    device = f"110108-manhole_tilt-{n:05d}"
    now = datetime.now(UTC).replace(tzinfo=None)
    messages = [
        (
            f"city/iot/{device}/telemetry",
            orjson.dumps(
                {"ts": (now - timedelta(seconds=age)).isoformat() + "Z", "seq": seq, "values": {"tilt_deg": 40}}
            ),
        )
        for seq, age in ((1, 20), (2, 0))
    ]
    if not ingestion.ingest_mqtt(url, messages).alarms_raised:
        raise RuntimeError(f"no alarm raised on {device}")
    return bus.cursor(url)


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, its write-ahead log included."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def serve(folder: Path, port: int, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`cockpit serve` on the city in `folder`, returned once it answers; its log goes to folder/serve.log."""
    with (folder / "serve.log").open("ab") as log:  # the server's own account of any error the bench counts
        proc = subprocess.Popen(
            [sys.executable, "-m", "cockpit.cli", "serve", "--port", str(port), *extra],
            cwd=ROOT,
            env=os.environ | {"COCKPIT_VAR_DIR": str(folder)} | (env or {}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("cockpit serve did not come up")


def signed_in(base: str, username: str, password: str) -> requests.Session:
    """A browser-like session through the real sign-in form, ready to post Dash callbacks."""
    web = requests.Session()
    form = web.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = web.post(
        base + "/login",
        data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in as {username} answered {answer.status_code}")
    web.get(base + "/", timeout=30)
    web.headers.update({"X-CSRFToken": web.cookies.get("_csrf_token", ""), "Origin": base})
    return web


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """The processes `pid` started (gunicorn's workers, the simulator, the audit anchor)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return [int(p) for p in listing.read().split()]
    except OSError:
        return []


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL (Debian's packages, PostGIS installed) on 127.0.0.1; yields the server's URL
    without a database name."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        raise SystemExit("PostgreSQL is not installed: apt-get install postgresql postgresql-15-postgis-3")
    bin_dir = Path(initdb[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    sockets = base / "run"
    sockets.mkdir()
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # PostgreSQL refuses root
    if as_user:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(base / "data"), "-U", "cockpit", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB"
    pg_ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(base / "data")]
    subprocess.run([*pg_ctl, "-o", options, "-w", "-l", str(base / "log"), "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://cockpit@127.0.0.1:{port}"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
