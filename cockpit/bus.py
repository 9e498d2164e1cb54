"""The bus that wakes server push. Every alarm change is a row in alarm_event, so any worker or process can
see it; with Redis configured, writers also publish on a channel so waiting pushes wake at once instead of
on their next look (a quarter of a second).

One listener per process and database fans out to every waiting stream (a condition variable), so a
hundred open pages cost one database look per POLL_S, not a hundred (#12)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from data_access import iot
from data_access.db import after_commit, transaction

CHANNEL = "cockpit:alarms"
POLL_S = 0.25


@cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def notify(cache_url: str | None = None) -> None:
    """Call after a commit that changed alarms (the cache URL defaults to the COCKPIT_CACHE_URL setting);
    inside an `atomic` block the signal waits for the block's commit, so no one wakes to see nothing."""
    cache_url = cache_url or os.environ.get("COCKPIT_CACHE_URL")
    if cache_url and cache_url.startswith("redis"):
        after_commit(lambda: _redis(cache_url).publish(CHANNEL, b"1"))


def cursor(database_url: str) -> int:
    with transaction(database_url) as session:
        return iot.last_alarm_event(session)


class Listener:
    """The newest alarm event as this process knows it, kept by one daemon thread: it looks at the database
    every POLL_S, or sooner when Redis says something changed, and wakes every waiting stream at once."""

    def __init__(self, database_url: str, cache_url: str | None) -> None:
        self.database_url, self.cache_url = database_url, cache_url
        self.pid = os.getpid()  # a forked child makes its own: threads do not survive a fork
        self.newest = cursor(database_url)
        self.looks = 0
        self.changed = threading.Condition()
        threading.Thread(target=self._listen, name="cockpit-bus", daemon=True).start()

    def _listen(self) -> None:
        pubsub = None
        while True:
            pubsub = self._nap(pubsub)
            try:
                newest = cursor(self.database_url)
            except Exception:  # a database hiccup must not end push for the whole process
                continue
            self.looks += 1
            if newest != self.newest:
                with self.changed:
                    self.newest = newest
                    self.changed.notify_all()

    def _nap(self, pubsub):
        """Wait up to POLL_S: for a Redis message when Redis is configured and reachable, else just the time.
        Returns the subscription to use next (None while Redis is away: the database look goes on)."""
        if not (self.cache_url and self.cache_url.startswith("redis")):
            time.sleep(POLL_S)
            return None
        try:
            if pubsub is None:
                pubsub = _redis(self.cache_url).pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
            pubsub.get_message(timeout=POLL_S)
            return pubsub
        except Exception:  # Redis restarting or gone: poll the database meanwhile, subscribe again later
            time.sleep(POLL_S)
            return None

    def wait(self, after: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.newest > after, timeout=max(timeout, 0))
            return self.newest


T = TypeVar("T")
_making: dict[int, threading.Lock] = {}


def per_process(registry: dict[tuple[str, str | None], T], key: tuple[str, str | None], make: Callable[[], T]) -> T:
    """One `make()` per process and key, made on first use in the worker that uses it: its threads (greenlets
    under gevent) do not survive a fork, so a forked child makes its own. The lock is made in the process
    too: one made before gevent patched the worker would block the worker's only thread."""
    with _making.setdefault(os.getpid(), threading.Lock()):
        if key not in registry or registry[key].pid != os.getpid():
            registry[key] = make()
        return registry[key]


_listeners: dict[tuple[str, str | None], Listener] = {}


def listener(database_url: str, cache_url: str | None) -> Listener:
    """This process's listener for the database."""
    return per_process(_listeners, (database_url, cache_url), lambda: Listener(database_url, cache_url))


def wait(database_url: str, cache_url: str | None, after: int, timeout: float) -> int:
    """Block until an alarm event newer than `after` exists or `timeout` passes; returns the newest id."""
    return listener(database_url, cache_url).wait(after, timeout)
