"""Application support platform: install metadata, people and their roles, API tokens and the audit log."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import ApiToken, AuditLog, IdempotencyKey, Meta, User

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 7_100_001  # any constant; all appenders lock the same key
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


# API tokens -----------------------------------------------------------------------------------------


def add_token(session: Session, name: str, role: str, token_hash: str, created_at: datetime) -> int:
    token = ApiToken(name=name, role=role, token_hash=token_hash, active=True, created_at=created_at)
    session.add(token)
    session.flush()
    return token.id


def token_by_hash(session: Session, token_hash: str) -> dict[str, Any] | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.active.is_(True)))
    return {"id": token.id, "name": token.name, "role": token.role} if token else None


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


def audit_chain(session: Session) -> Iterator[dict[str, Any]]:
    """Every row oldest first, streamed, for verification."""
    rows = session.execute(select(AuditLog).order_by(AuditLog.id).execution_options(yield_per=5000)).scalars()
    for r in rows:
        yield {c: getattr(r, c) for c in ("id", *AUDIT_FIELDS, "prev_hash", "hash")}


# idempotency keys -----------------------------------------------------------------------------------


def idempotency_get(session: Session, key: str, client: str) -> dict[str, Any] | None:
    row = session.get(IdempotencyKey, (key, client))
    if row is None:
        return None
    return {"body_hash": row.body_hash, "status": row.status, "response": row.response, "status_code": row.status_code}


def idempotency_start(session: Session, key: str, client: str, body_hash: str, at: datetime) -> None:
    session.add(IdempotencyKey(key=key, client=client, body_hash=body_hash, status="running", created_at=at))
    session.flush()


def idempotency_finish(session: Session, key: str, client: str, response: str, status_code: int) -> None:
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.key == key, IdempotencyKey.client == client)
        .values(status="done", response=response, status_code=status_code)
    )


def idempotency_forget(session: Session, key: str, client: str) -> None:
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.key == key, IdempotencyKey.client == client))
