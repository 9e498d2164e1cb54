"""Application support platform: install metadata, people and their roles, API tokens and the audit log."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from data_access.models import (
    ApiToken,
    AuditLog,
    IdempotencyKey,
    Meta,
    RateWindow,
    SignInThrottle,
    User,
    UserSession,
)

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 7_100_001  # any constant; all appenders lock the same key
THROTTLE_LOCK_KEY = 7_100_002
AUDIT_FIELDS = ("ts", "actor", "role", "action", "object", "before", "after", "source_ip", "request_id")


def read_meta(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Meta.key, Meta.value)).all())


def write_meta(session: Session, values: dict[str, str]) -> None:
    session.execute(delete(Meta).where(Meta.key.in_(values)))
    session.execute(insert(Meta), [{"key": k, "value": v} for k, v in values.items()])


# people ---------------------------------------------------------------------------------------------


def _user_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "phone": user.phone,
        "active": user.active,
        "demo": user.demo,
        "password_hash": user.password_hash,
        "created_at": user.created_at,
        "password_changed_at": user.password_changed_at,
    }


def user_by_name(session: Session, username: str) -> dict[str, Any] | None:
    user = session.scalar(select(User).where(User.username == username))
    return _user_row(user) if user else None


def user_by_id(session: Session, user_id: int) -> dict[str, Any] | None:
    user = session.get(User, user_id)
    return _user_row(user) if user else None


def users(session: Session) -> list[dict[str, Any]]:
    return [_user_row(u) for u in session.scalars(select(User).order_by(User.username))]


def add_user(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    user = User(**values)
    session.add(user)
    session.flush()
    return _user_row(user)


def update_user(session: Session, user_id: int, values: dict[str, Any]) -> None:
    session.execute(update(User).where(User.id == user_id).values(**values))


# sessions -------------------------------------------------------------------------------------------


def add_session(session: Session, values: dict[str, Any]) -> None:
    session.add(UserSession(**values))
    session.flush()


def session_by_id(session: Session, session_id: str) -> dict[str, Any] | None:
    row = session.get(UserSession, session_id)
    if row is None:
        return None
    return {c: getattr(row, c) for c in ("id", "user_id", "created_at", "last_seen_at", "ended_at", "end_reason")}


def live_session_ids(session: Session, session_ids: list[str]) -> set[str]:
    """Of these sessions, the ones not ended whose account is still active: one query for every open stream."""
    query = (
        select(UserSession.id)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.id.in_(session_ids), UserSession.ended_at.is_(None), User.active.is_(True))
    )
    return set(session.scalars(query))


def touch_session(session: Session, session_id: str, at: datetime) -> None:
    session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=at))


def end_sessions(
    session: Session, at: datetime, reason: str, session_id: str | None = None, user_id: int | None = None
) -> int:
    """End one session or all of a user's; returns how many were still open."""
    query = update(UserSession).where(UserSession.ended_at.is_(None))
    query = query.where(UserSession.id == session_id) if session_id else query.where(UserSession.user_id == user_id)
    return session.execute(query.values(ended_at=at, end_reason=reason)).rowcount


# sign-in throttle -----------------------------------------------------------------------------------


def lock_throttle(session: Session) -> None:
    """Serialise sign-in counting: SQLite writers are serial already, PostgreSQL takes an advisory lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(THROTTLE_LOCK_KEY)))


def throttle_rows(session: Session, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The counters of `keys`; the caller holds the throttle's lock."""
    query = select(SignInThrottle).where(SignInThrottle.key.in_(keys))
    return {
        r.key: {"failures": r.failures, "last_at": r.last_at, "blocked_until": r.blocked_until}
        for r in session.scalars(query)
    }


def save_throttle(session: Session, key: str, failures: int, last_at: datetime, blocked_until: datetime | None) -> None:
    row = session.get(SignInThrottle, key)
    if row is None:
        session.add(SignInThrottle(key=key, failures=failures, last_at=last_at, blocked_until=blocked_until))
    else:
        row.failures, row.last_at, row.blocked_until = failures, last_at, blocked_until
    session.flush()


def forget_throttle_of(session: Session, prefixes: list[str]) -> int:
    """Every counter whose key starts with one of `prefixes`; returns how many were forgotten."""
    query = delete(SignInThrottle).where(or_(*(SignInThrottle.key.startswith(p, autoescape=True) for p in prefixes)))
    return session.execute(query).rowcount


def rate_window(session: Session, key: str) -> dict[str, Any] | None:
    """The window at `key`, locked until the transaction ends (PostgreSQL; SQLite's writer is alone anyway)."""
    found = session.scalars(select(RateWindow).where(RateWindow.key == key).with_for_update()).first()
    return {"count": found.count, "started_at": found.started_at} if found else None


def save_rate_window(session: Session, key: str, count: int, started_at: datetime) -> None:
    session.merge(RateWindow(key=key, count=count, started_at=started_at))


def forget_throttle(session: Session, keys: list[str]) -> None:
    session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))


# API tokens -----------------------------------------------------------------------------------------


TOKEN_FIELDS = ("id", "name", "role", "active", "created_at", "expires_at", "last_used_at", "revoked_at")


def add_token(
    session: Session, name: str, role: str, token_hash: str, created_at: datetime, expires_at: datetime | None
) -> int:
    token = ApiToken(
        name=name, role=role, token_hash=token_hash, active=True, created_at=created_at, expires_at=expires_at
    )
    session.add(token)
    session.flush()
    return token.id


def token_by_hash(session: Session, token_hash: str) -> dict[str, Any] | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    return {f: getattr(token, f) for f in TOKEN_FIELDS} if token else None


def tokens(session: Session) -> list[dict[str, Any]]:
    return [{f: getattr(t, f) for f in TOKEN_FIELDS} for t in session.scalars(select(ApiToken).order_by(ApiToken.id))]


def update_token(session: Session, token_id: int, values: dict[str, Any]) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(**values))


# audit log ------------------------------------------------------------------------------------------


def audit_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's fields in a fixed order, so any edit breaks the chain."""
    fields = [row[f].isoformat() if isinstance(row[f], datetime) else row[f] for f in AUDIT_FIELDS]
    return hashlib.sha256(prev_hash.encode() + orjson.dumps(fields)).hexdigest()


def _lock_chain(session: Session) -> None:
    """Serialise appends so two writers never chain onto the same previous row. SQLite transactions that
    write take the database lock at BEGIN (see db.write_transaction); PostgreSQL takes an advisory lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(AUDIT_LOCK_KEY)))


def append_audit(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    """Add one audit row in the caller's transaction, chained to the last one."""
    _lock_chain(session)
    prev = session.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)) or GENESIS
    values = {f: row.get(f) for f in AUDIT_FIELDS} | {"prev_hash": prev}
    values["hash"] = audit_hash(prev, values)
    session.execute(insert(AuditLog).values(**values))
    return values


def audit_rows(
    session: Session, action: str | None = None, actor: str | None = None, limit: int | None = 500
) -> list[dict[str, Any]]:
    query = select(AuditLog).order_by(AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action == action)
    if actor:
        query = query.where(AuditLog.actor == actor)
    if limit:
        query = query.limit(limit)
    return [{c: getattr(r, c) for c in ("id", *AUDIT_FIELDS, "prev_hash", "hash")} for r in session.scalars(query)]


def failed_sign_ins(session: Session, since: datetime) -> list[tuple[datetime, str | None, str | None]]:
    """(time, object, source address) of each failed sign-in since `since`, found through the ts index."""
    rows = session.execute(
        select(AuditLog.ts, AuditLog.object, AuditLog.source_ip).where(
            AuditLog.ts >= since, AuditLog.action == "login.failed"
        )
    )
    return [tuple(row) for row in rows]


def audit_head(session: Session) -> tuple[int, int, str]:
    """(row count, last id, last hash) of the chain; (0, 0, GENESIS) when empty."""
    count = session.scalar(select(func.count()).select_from(AuditLog)) or 0
    last = session.execute(select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)).first()
    return (count, last.id, last.hash) if last else (0, 0, GENESIS)


def audit_chain(session: Session) -> Iterator[dict[str, Any]]:
    """Every row oldest first, streamed, for verification."""
    rows = session.execute(select(AuditLog).order_by(AuditLog.id).execution_options(yield_per=5000)).scalars()
    for r in rows:
        yield {c: getattr(r, c) for c in ("id", *AUDIT_FIELDS, "prev_hash", "hash")}


# idempotency keys -----------------------------------------------------------------------------------


def idempotency_get(session: Session, key: str, client: str, kept_since: datetime) -> dict[str, Any] | None:
    """The stored answer of a key, unless it is older than `kept_since` (then it is forgotten now)."""
    row = session.get(IdempotencyKey, (key, client))
    if row is None:
        return None
    if row.created_at < kept_since:
        session.delete(row)
        session.flush()
        return None
    return {"fingerprint": row.fingerprint, "response": row.response, "status_code": row.status_code}


def idempotency_claim(session: Session, key: str, client: str, fingerprint: str, at: datetime) -> None:
    """Insert the key at once: a concurrent request with the same key blocks on it until this commits."""
    session.add(
        IdempotencyKey(key=key, client=client, fingerprint=fingerprint, response="", status_code=0, created_at=at)
    )
    session.flush()


def idempotency_finish(session: Session, key: str, client: str, response: str, status_code: int) -> None:
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.key == key, IdempotencyKey.client == client)
        .values(response=response, status_code=status_code)
    )


def idempotency_forget(session: Session, key: str, client: str) -> None:
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.key == key, IdempotencyKey.client == client))
