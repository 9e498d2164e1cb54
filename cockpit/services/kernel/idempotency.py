"""Idempotency-Key for mutations. A key belongs to its client and to one request: method, route and body.
The change and its stored answer commit in one transaction (`db.atomic`), so after a crash a retry finds
either the committed answer or nothing, and then runs once; no key is ever left "running". While the first
request is in flight, a second with the same key waits on that transaction (SQLite's writers' lock, or
PostgreSQL's unique index) and then gets the stored answer: the database's lock is the lease, released
when the holder commits, rolls back or dies. Answers are kept for KEEP, then the key may be used again."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError

from cockpit.services.kernel.clock import stored_now
from data_access import support
from data_access.db import atomic, transaction

Answer = tuple[dict[str, Any], int]
MAX_KEY = 128
KEEP = timedelta(hours=24)
STORED = range(200, 500)  # a server error is not an answer: a retry runs again


def fingerprint(method: str, route: str, body: bytes) -> str:
    return hashlib.sha256(b"\0".join((method.encode(), route.encode(), body))).hexdigest()


def run_once(url: str, client: str, key: str | None, request: str, action: Callable[[], Answer]) -> Answer:
    """`request` is the request's fingerprint; `action` does the change through the usual services."""
    if key is None:
        return action()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        return {"error": f"Idempotency-Key must be 1 to {MAX_KEY} printable characters"}, 400
    try:
        with atomic(url) as session:
            seen = support.idempotency_get(session, key, client, stored_now() - KEEP)
            if seen is not None:
                return _replay(seen, request)
            support.idempotency_claim(session, key, client, request, stored_now())  # a twin now waits on this row
            answer, status = action()
            if status in STORED:
                support.idempotency_finish(session, key, client, orjson.dumps(answer, default=str).decode(), status)
            else:
                support.idempotency_forget(session, key, client)
            return answer, status
    except IntegrityError:  # PostgreSQL: a twin claimed the key first; its answer is committed by now
        with transaction(url) as session:
            seen = support.idempotency_get(session, key, client, stored_now() - KEEP)
        if seen is None:
            raise
        return _replay(seen, request)


def _replay(seen: dict[str, Any], request: str) -> Answer:
    if seen["fingerprint"] != request:
        return {"error": "this Idempotency-Key was used for another request (method, route or body)"}, 422
    return orjson.loads(seen["response"]), seen["status_code"]
