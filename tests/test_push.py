"""Server push at scale (#12): open pages cost memory, not threads. One hub per process builds each alarm feed
once and checks every open stream's session in one query; `cockpit serve` holds more open pages than the old
design had threads and still answers an operator."""

import re
import socket
import threading
import time

import requests
from fixtures.db import TEST_ACTOR
from test_bus import raise_alarm

from cockpit import push
from cockpit.services.iot import alarms
from cockpit.services.support import users


def _sessions(url: str, n: int) -> list[str]:
    users.add_user(url, TEST_ACTOR, "push_viewer", "Push", "leader", "push-viewer-password")
    leader = users.authenticate(url, "push_viewer", "push-viewer-password")
    return [users.open_session(url, TEST_ACTOR, leader) for _ in range(n)]


def _read_all(streams) -> tuple[list[list[str]], list[threading.Thread]]:
    texts: list[list[str]] = [[] for _ in streams]
    readers = [threading.Thread(target=lambda k=k: texts[k].extend(streams[k])) for k in range(len(streams))]
    for reader in readers:
        reader.start()
    return texts, readers


def test_one_feed_and_one_session_query_serve_every_stream(city_db, monkeypatch):
    built, checked = [], []
    feed, ended = alarms.feed, users.ended_sessions
    # other tests' hubs run on in this process: count only what is asked of this database
    monkeypatch.setattr(alarms, "feed", lambda url: (url == city_db and built.append(1)) or feed(url))
    monkeypatch.setattr(
        users,
        "ended_sessions",
        lambda url, tokens: (url == city_db and checked.append(set(tokens))) or ended(url, tokens),
    )
    monkeypatch.setattr(push, "CLOCK_EVERY_S", 1.0)
    hub = push.Hub(city_db, None)
    tokens = _sessions(city_db, 5)
    started = time.monotonic()
    streams = [push.frames(hub, tokens[i % 5], sees_alarms=True, max_s=4) for i in range(40)]
    texts, readers = _read_all(streams)
    time.sleep(1.5)
    raise_alarm(city_db, "110108-manhole_tilt-00011")
    for reader in readers:
        reader.join(timeout=15)
    cursor = max(int(line.split("\n")[0][4:]) for text in texts for line in text if line.startswith("id: "))
    assert all(any(line.startswith(f"id: {cursor}\n") for line in text) for text in texts)  # all got the new alarm
    assert len(built) <= 3  # the first feed, the new alarm's, perhaps one more: never one per stream
    # one session query a clock tick for all forty streams (a loaded machine stretches the run over more ticks)
    ticks = (time.monotonic() - started) / push.CLOCK_EVERY_S
    assert checked and all(len(tokens_checked) <= 5 for tokens_checked in checked) and len(checked) <= ticks + 2 < 40


def test_a_stream_ends_when_its_session_does(city_db, monkeypatch):
    monkeypatch.setattr(push, "CLOCK_EVERY_S", 1.0)
    hub = push.Hub(city_db, None)
    live, ending = _sessions(city_db, 2)
    texts, readers = _read_all([push.frames(hub, t, sees_alarms=False, max_s=6) for t in (live, ending)])
    time.sleep(1.5)
    users.end_session(city_db, TEST_ACTOR, ending)
    ended_at = time.monotonic()
    readers[1].join(timeout=10)
    assert texts[1][-1].startswith("event: ended") and time.monotonic() - ended_at < 3
    readers[0].join(timeout=10)
    assert not any(line.startswith("event: ended") for line in texts[0])
    assert not any(line.startswith("event: alarms") for text in texts for line in text)  # a field worker's


def _open_stream(base: str, cookie: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=30)
    conn.sendall(f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n\r\n".encode())
    return conn


def test_more_open_pages_than_the_old_design_had_threads_and_operators_still_answered(served, city_url):
    web = requests.Session()
    form = web.get(served + "/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = web.post(
        served + "/login",
        data={"username": "analyst", "password": "analyst-demo-2026", "csrf_token": csrf},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    cookie = "; ".join(f"{k}={v}" for k, v in web.cookies.items())
    pages = [_open_stream(served, cookie) for _ in range(120)]  # the old design: 2 workers x 16 threads
    try:
        for page in pages:  # every page gets its stream: none waits for a free thread
            lines = page.makefile("rb")
            assert any(line == b"event: status\n" for line in lines)
        assert web.get(served + "/platform/iot", timeout=20).status_code == 200
        assert web.get(served + "/geo/districts.json", timeout=20).status_code == 200
    finally:
        for page in pages:
            page.close()
