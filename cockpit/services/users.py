"""People, roles and API tokens. Passwords are hashed with werkzeug's scrypt; tokens are stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from cockpit.actor import Actor
from cockpit.permissions import ROLES
from cockpit.services import audit
from cockpit.services.privacy import mask_phone, unmask
from data_access import support
from data_access.db import transaction, write_transaction

MIN_PASSWORD = 10
DEMO_USERS = (
    ("leader", "李领导", "leader"),
    ("duty", "王值班", "duty_officer"),
    ("duty2", "孙值班", "duty_officer"),  # a second officer: a case is verified by someone other than its handler
    ("safety", "赵公安", "safety_officer"),
    ("analyst", "陈数据", "analyst"),
    ("admin", "刘管理", "admin"),
)


class UserError(ValueError):
    pass


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _public(user: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in user.items() if k != "password_hash"}


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")


def add_user(
    url: str,
    actor: Actor,
    username: str,
    display_name: str,
    role: str,
    password: str,
    phone: str | None = None,
    demo: bool = False,
) -> dict[str, Any]:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not username or not username.isascii() or not username.replace("_", "").replace(".", "").isalnum():
        raise UserError("a username is ASCII letters, digits, '.' and '_'")
    _check_password(password)
    now = _now()
    with write_transaction(url) as session:
        if support.user_by_name(session, username):
            raise UserError(f"user {username!r} exists")
        user = support.add_user(
            session,
            {
                "username": username,
                "display_name": display_name,
                "role": role,
                "phone": phone,
                "active": True,
                "demo": demo,
                "password_hash": generate_password_hash(password),
                "created_at": now,
                "password_changed_at": now,
            },
        )
        audit.record(session, actor, "user.add", f"user:{username}", after=_public(user) | {"phone": None})
    return _public(user)


def set_active(url: str, actor: Actor, username: str, active: bool) -> None:
    with write_transaction(url) as session:
        user = support.user_by_name(session, username)
        if not user:
            raise UserError(f"no user {username!r}")
        support.update_user(session, user["id"], {"active": active})
        action = "user.enable" if active else "user.disable"
        audit.record(
            session, actor, action, f"user:{username}", before={"active": user["active"]}, after={"active": active}
        )


def reset_password(url: str, actor: Actor, username: str, password: str) -> None:
    """A new password also ends every session of that user (their session id carries the change time)."""
    _check_password(password)
    with write_transaction(url) as session:
        user = support.user_by_name(session, username)
        if not user:
            raise UserError(f"no user {username!r}")
        support.update_user(
            session, user["id"], {"password_hash": generate_password_hash(password), "password_changed_at": _now()}
        )
        audit.record(session, actor, "user.reset", f"user:{username}")


def authenticate(url: str, username: str, password: str) -> dict[str, Any] | None:
    """The user for a right name and password of an active account, else None (no hint which was wrong)."""
    with transaction(url) as session:
        user = support.user_by_name(session, username)
    if user is None:
        check_password_hash(generate_password_hash("timing"), password)
        return None
    if not user["active"] or not check_password_hash(user["password_hash"], password):
        return None
    return _public(user)


def session_user(url: str, user_id: int) -> dict[str, Any] | None:
    with transaction(url) as session:
        user = support.user_by_id(session, user_id)
    return _public(user) if user and user["active"] else None


def directory(url: str) -> list[dict[str, Any]]:
    """Everyone, phone numbers masked: the admin manages accounts, not people's contact data."""
    with transaction(url) as session:
        people = support.users(session)
    return [_public(u) | {"phone": mask_phone(u["phone"]) if u["phone"] else None} for u in people]


def unmask_phone(url: str, actor: Actor, username: str, reason: str) -> str | None:
    """A person's phone in clear for a role that may unmask, with the reason logged; None if no such phone."""
    with transaction(url) as session:
        user = support.user_by_name(session, username)
    if user is None or not user["phone"]:
        return None
    return unmask(url, actor, f"user:{username}", "phone", user["phone"], reason)


def ensure_demo_users(url: str, actor: Actor) -> list[tuple[str, str, str]]:
    """The sample city's demo accounts (README lists them); existing ones are left alone."""
    created = []
    with transaction(url) as session:
        existing = {u["username"] for u in support.users(session)}
    for n, (username, name, role) in enumerate(DEMO_USERS, start=1):
        if username in existing:
            continue
        password = f"{username}-demo-2026"
        add_user(url, actor, username, name, role, password, phone=f"1380013{n:04d}", demo=True)
        created.append((username, role, password))
    return created


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(url: str, actor: Actor, name: str, role: str) -> str:
    """A new bearer token, returned once; only its digest is kept."""
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    token = "cbt_" + secrets.token_urlsafe(32)
    with write_transaction(url) as session:
        token_id = support.add_token(session, name, role, token_digest(token), _now())
        audit.record(session, actor, "token.create", f"token:{token_id}", after={"name": name, "role": role})
    return token


def token_principal(url: str, token: str) -> dict[str, Any] | None:
    with transaction(url) as session:
        return support.token_by_hash(session, token_digest(token))
