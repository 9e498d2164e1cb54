"""The bus that wakes server push. Every alarm change is a row in alarm_event, so any worker or process can
see it; with Redis configured, writers also publish on a channel so waiting pushes wake at once instead of
on their next look (a quarter of a second)."""

from __future__ import annotations

import os
import time
from functools import cache

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


def wait(database_url: str, cache_url: str | None, after: int, timeout: float) -> int:
    """Block until an alarm event newer than `after` exists or `timeout` passes; returns the newest id."""
    deadline = time.monotonic() + timeout
    pubsub = None
    if cache_url and cache_url.startswith("redis"):
        pubsub = _redis(cache_url).pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
    try:
        while True:
            newest = cursor(database_url)
            remaining = deadline - time.monotonic()
            if newest > after or remaining <= 0:
                return newest
            if pubsub is not None:
                pubsub.get_message(timeout=min(remaining, 5.0))
            else:
                time.sleep(min(POLL_S, remaining))
    finally:
        if pubsub is not None:
            pubsub.close()
