"""Two cockpit instances behind nginx (the configuration in deploy/), on one PostgreSQL + PostGIS and one
Redis, as a city runs them past one machine: sign in through nginx, two desks dispatching the same unit through
different instances (one wins), an alarm ingested through B pushed to a page served by A, and instance A
restarting while pages stay connected through B and keep their session."""

from __future__ import annotations

import getpass
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from fixtures.db import TEST_ACTOR
from fixtures.servers import ACCOUNTS, ROOT, free_port, require_or_skip, wait_for
from test_emergency import DUTY, ZGC

from cockpit.services.emergency import emergency
from cockpit.services.iot import rulebook
from cockpit.services.support import users
from data_access.schema import upgrade
from sample_data.load import load_sample_city

NGINX = Path("/usr/sbin/nginx")


@dataclass
class Instance:
    name: str
    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cockpit.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    "1",
                    "--no-simulate",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self.base + "/login", timeout=60)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@dataclass
class Cluster:
    front: str
    a: Instance
    b: Instance


def _nginx_config(base: Path, port: int, upstreams: list[int]) -> Path:
    """The shipped deploy/nginx/cockpit.conf, with this test's ports, inside a minimal main configuration."""
    site = (ROOT / "deploy" / "nginx" / "cockpit.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in upstreams)
    site = re.sub(r"(upstream \w+ \{\n    least_conn;.*\n)(    server .*\n)+", lambda m: m[1] + servers, site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    assert site.count(f"127.0.0.1:{upstreams[1]}") == 2 and f"listen 127.0.0.1:{port}" in site  # app and push
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    config = base / "nginx.conf"
    config.write_text(
        f"{user}daemon off;\npid {base}/nginx.pid;\nerror_log {base}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {base}/body;\n  proxy_temp_path {base}/proxy;\n"
        f"  fastcgi_temp_path {base}/fcgi;\n  uwsgi_temp_path {base}/uwsgi;\n  scgi_temp_path {base}/scgi;\n"
        f"{site}\n}}\n"
    )
    return config


@pytest.fixture
def cluster(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[Cluster]:
    if not NGINX.exists():
        require_or_skip("nginx (Debian package nginx)")
    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    users.ensure_demo_users(postgres_url, TEST_ACTOR)
    rulebook.ensure_defaults(postgres_url, TEST_ACTOR)
    emergency.ensure_default_plans(postgres_url, TEST_ACTOR)
    shared = {
        "COCKPIT_DATABASE_URL": postgres_url,
        "COCKPIT_CACHE_URL": redis_url,
        "COCKPIT_SECRET_KEY": "cluster-test-secret-shared-by-every-instance",
        "COCKPIT_PROXIES": "1",
    }
    instances = []
    for name in ("a", "b"):
        var = tmp_path / name
        var.mkdir()
        env = os.environ | shared | {"COCKPIT_VAR_DIR": str(var)}
        instances.append(Instance(name, env, free_port(), tmp_path / f"{name}.log"))
    for instance in instances:
        instance.start()
    port = free_port()
    nginx = subprocess.Popen(
        [str(NGINX), "-c", str(_nginx_config(tmp_path, port, [i.port for i in instances])), "-p", str(tmp_path)],
        stderr=subprocess.STDOUT,
        stdout=(tmp_path / "nginx.out").open("wb"),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/login", timeout=30)
        yield Cluster(f"http://127.0.0.1:{port}", *instances)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for instance in instances:
            instance.stop()


def _sign_in(front: str, role: str) -> requests.Session:
    web = requests.Session()
    form = web.get(front + "/login", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    username, password = ACCOUNTS[role]
    answer = web.post(
        front + "/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:300]
    return web


class Stream:
    """An open page's push stream, read line by line on a plain socket."""

    def __init__(self, base: str, cookies: requests.cookies.RequestsCookieJar) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.socket = socket.create_connection((host, int(port)), timeout=15)
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.socket.sendall(f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n\r\n".encode())
        self.lines = self.socket.makefile("rb")

    def until(self, wanted: re.Pattern[bytes]) -> re.Match[bytes] | None:
        """The first line matching, or None when the stream ends first."""
        for line in self.lines:
            if found := wanted.match(line):
                return found
        return None

    def ended_within(self, seconds: float) -> bool:
        """Whether the server closes the stream within `seconds` (a live one keeps sending status)."""
        deadline = time.monotonic() + seconds
        self.socket.settimeout(1)
        while time.monotonic() < deadline:
            try:
                if not self.socket.recv(65536):
                    return True
            except TimeoutError:
                continue
        return False

    def close(self) -> None:
        self.socket.close()


ALARM_ID = re.compile(rb"id: (\d+)")
STATUS = re.compile(rb"event: status")


def test_two_instances_behind_nginx_share_sessions_dispatch_push_and_survive_a_restart(cluster, postgres_url):
    desk = _sign_in(cluster.front, "duty_officer")
    for base in (cluster.front, cluster.a.base, cluster.b.base):  # one session, whichever instance answers
        assert desk.get(base + "/platform/emergency", allow_redirects=False, timeout=30).status_code == 200

    # two desks dispatch the same unit through different instances at the same moment: one wins
    token = users.create_token(postgres_url, TEST_ACTOR, "cluster-duty", "duty_officer")
    case = emergency.report_incident(postgres_url, DUTY, "accident", 3, *ZGC, "集群测试")["id"]
    unit = emergency.recommend(postgres_url, case, ("ambulance",), limit=1)[0].resource_id
    answers: list[int] = []
    gate = threading.Barrier(2)

    def dispatch(base: str, key: str) -> None:
        gate.wait()
        answer = requests.post(
            f"{base}/api/v1/incidents/{case}/dispatch",
            json={"resource_ids": [unit]},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            timeout=60,
        )
        answers.append(answer.status_code)

    desks = [threading.Thread(target=dispatch, args=(i.base, f"race-{i.name}")) for i in (cluster.a, cluster.b)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join()
    assert sorted(answers) == [200, 409]

    # an alarm ingested through B reaches a page served by A
    page = Stream(cluster.a.base, desk.cookies)
    first = page.until(ALARM_ID)
    assert first
    analyst = users.create_token(postgres_url, TEST_ACTOR, "cluster-analyst", "analyst")
    now = datetime.now(UTC).replace(tzinfo=None)
    readings = [
        {
            "device": "110108-manhole_tilt-00031",
            "seq": seq,
            "ts": (now - timedelta(seconds=age)).isoformat() + "Z",
            "values": {"tilt_deg": 40},
        }
        for seq, age in ((1, 20), (2, 0))
    ]
    stored = requests.post(
        cluster.b.base + "/api/v1/readings",
        json={"readings": readings},
        headers={"Authorization": f"Bearer {analyst}"},
        timeout=60,
    )
    assert stored.status_code == 200 and stored.json()["stored"] == 2
    pushed = page.until(ALARM_ID)
    assert pushed and int(pushed[1]) > int(first[1])
    page.close()

    # A restarts: its pages reconnect through nginx to B, and every page keeps its session
    pages = [Stream(cluster.front, desk.cookies) for _ in range(4)]
    for open_page in pages:
        assert open_page.until(STATUS)
    cluster.a.stop()
    ended = [p for p in pages if p.ended_within(12)]  # pages on A lose their stream; B's go on
    assert 0 < len(ended) < len(pages)
    for _ in ended:
        again = Stream(cluster.front, desk.cookies)
        assert again.until(STATUS)
        again.close()
    assert desk.get(cluster.front + "/platform/emergency", allow_redirects=False, timeout=30).status_code == 200
    cluster.a.start()
    assert desk.get(cluster.a.base + "/platform/emergency", allow_redirects=False, timeout=30).status_code == 200
    for open_page in pages:
        open_page.close()
