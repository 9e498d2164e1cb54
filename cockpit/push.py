"""Server push over server-sent events. Open pages cost memory, not threads: `cockpit serve` runs gevent
workers, so a stream is a greenlet waiting on its process's hub (#12). The hub is one per process and
database: it wakes on the bus, builds the alarm feed and the live status once, checks the sessions of all its
open streams in one query, and hands every stream the same prepared text. A stream ends within
CLOCK_EVERY_S of its session ending (sign-out, reset, disable) rather than outliving it."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import flask
import flask_login
import orjson

from cockpit import auth, bus, context
from cockpit.services.iot import alarms, live_status
from cockpit.services.support import users

blueprint = flask.Blueprint("cockpit_push", __name__)
CLOCK_EVERY_S = 5.0
MAX_STREAM_S = 3600.0  # the browser reconnects by itself; bounded streams free what dead clients held


def _event(name: str, data: object, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {orjson.dumps(data, default=str).decode()}\n\n"


@dataclass(frozen=True)
class Frame:
    """What every stream of a process sends next, prepared once: `tick` counts status rounds."""

    generation: int = 0
    cursor: int = -1
    alarms: str = ""
    tick: int = 0
    status: str = ""
    ended: frozenset[str] = field(default_factory=frozenset)


class Hub:
    """One daemon (a greenlet under gevent) per process and database, feeding every open stream."""

    def __init__(self, database_url: str, cache_url: str | None) -> None:
        self.database_url, self.cache_url = database_url, cache_url
        self.pid = os.getpid()
        self.frame = Frame()
        self.watched: Counter[str] = Counter()
        self.changed = threading.Condition()
        self.ready = threading.Event()
        threading.Thread(target=self._run, name="cockpit-push", daemon=True).start()

    def _run(self) -> None:
        listener = bus.listener(self.database_url, self.cache_url)
        next_tick = 0.0
        while True:
            try:
                newest = listener.wait(self.frame.cursor, timeout=max(next_tick - time.monotonic(), 0))
                frame = self.frame
                if newest != frame.cursor:
                    feed = _event("alarms", alarms.feed(self.database_url), newest)
                    frame = replace(frame, cursor=newest, alarms=feed)
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + CLOCK_EVERY_S
                    status = _event("status", live_status.status(self.database_url))
                    with self.changed:
                        tokens = set(self.watched)
                    ended = frozenset(users.ended_sessions(self.database_url, tokens))
                    frame = replace(frame, tick=frame.tick + 1, status=status, ended=ended)
            except Exception:  # a database hiccup must not end push for the whole process
                time.sleep(bus.POLL_S)
                continue
            if frame is not self.frame:
                with self.changed:
                    self.frame = replace(frame, generation=frame.generation + 1)
                    self.changed.notify_all()
                self.ready.set()

    def wait(self, after: int, timeout: float) -> Frame:
        with self.changed:
            self.changed.wait_for(lambda: self.frame.generation > after, timeout=timeout)
            return self.frame

    def watch(self, token: str, on: bool) -> None:
        with self.changed:
            self.watched[token] += 1 if on else -1
            if self.watched[token] <= 0:
                del self.watched[token]


_hubs: dict[tuple[str, str | None], Hub] = {}


def hub(database_url: str, cache_url: str | None) -> Hub:
    """This process's hub for the database."""
    return bus.per_process(_hubs, (database_url, cache_url), lambda: Hub(database_url, cache_url))


def frames(feed: Hub, token: str, sees_alarms: bool, max_s: float = MAX_STREAM_S) -> Iterator[str]:
    """One stream's text: what changed since it last looked, until its session ends or max_s passes."""
    yield "retry: 2000\n\n"
    feed.ready.wait(timeout=CLOCK_EVERY_S)
    feed.watch(token, True)
    try:
        sent_cursor, sent_tick, generation = -1, -1, -1
        started = time.monotonic()
        while time.monotonic() - started < max_s:
            frame = feed.wait(generation, timeout=2 * CLOCK_EVERY_S)
            generation = frame.generation
            if token in frame.ended:
                yield _event("ended", {})  # the page reloads and meets the sign-in form
                return
            if sees_alarms and frame.alarms and frame.cursor != sent_cursor:
                sent_cursor = frame.cursor
                yield frame.alarms
            if frame.status and frame.tick != sent_tick:
                sent_tick = frame.tick
                yield frame.status
    finally:
        feed.watch(token, False)


@blueprint.get("/events")
@auth.guard("push")
def events() -> flask.Response:
    settings = context.settings()
    feed = hub(settings.database_url, settings.cache_url)
    token = flask_login.current_user.token
    sees_alarms = auth.allowed("view")  # a field worker's phone gets the clock (and so its tasks), not alarms
    response = flask.Response(frames(feed, token, sees_alarms), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response
