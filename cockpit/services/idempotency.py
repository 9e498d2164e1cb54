"""Idempotency-Key for API mutations: the same key and body again returns the stored answer, the same key
while the first is still running answers 409, the same key with another body answers 422."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError

from cockpit.services.alarms import now_utc
from data_access import support
from data_access.db import write_transaction

Answer = tuple[dict[str, Any], int]
MAX_KEY = 128


def run_once(url: str, client: str, key: str | None, body: bytes, action: Callable[[], Answer]) -> Answer:
    if key is None:
        return action()
    if not key or len(key) > MAX_KEY:
        return {"error": f"Idempotency-Key must be 1 to {MAX_KEY} characters"}, 400
    digest = hashlib.sha256(body).hexdigest()
    try:
        with write_transaction(url) as session:
            seen = support.idempotency_get(session, key, client)
            if seen is None:
                support.idempotency_start(session, key, client, digest, now_utc())
    except IntegrityError:  # another worker inserted the same key first (PostgreSQL)
        with write_transaction(url) as session:
            seen = support.idempotency_get(session, key, client)
    if seen is not None:
        if seen["body_hash"] != digest:
            return {"error": "this Idempotency-Key was used with a different body"}, 422
        if seen["status"] == "running":
            return {"error": "a request with this Idempotency-Key is still running"}, 409
        return orjson.loads(seen["response"]), seen["status_code"]
    try:
        answer, status = action()
    except Exception:
        with write_transaction(url) as session:
            support.idempotency_forget(session, key, client)
        raise
    with write_transaction(url) as session:
        support.idempotency_finish(session, key, client, orjson.dumps(answer, default=str).decode(), status)
    return answer, status
