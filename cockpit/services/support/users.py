"""People, roles, their sessions and API tokens. Passwords are hashed with werkzeug's scrypt; session and
API tokens are random and stored only as SHA-256, so a copy of the database opens nothing."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from cockpit.actor import Actor
from cockpit.permissions import ROLES
from cockpit.services.emergency import crew
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations import operations
from cockpit.services.support import audit
from cockpit.services.support.privacy import mask_phone, unmask
from data_access import support
from data_access.db import transaction, write_transaction

MIN_PASSWORD = 10
TOUCH_EVERY = timedelta(minutes=1)  # a session's last-seen time is written at most this often
TOKEN_PREFIX = "cbt_"
DEMO_USERS = (
    ("leader", "李领导", "leader"),
    ("duty", "王值班", "duty_officer"),
    ("duty2", "孙值班", "duty_officer"),  # a second officer: a case is verified by someone other than its handler
    ("safety", "赵公安", "safety_officer"),
    ("analyst", "陈数据", "analyst"),
    ("admin", "刘管理", "admin"),
)
DEMO_FIELD = "field"  # the demo grid worker of the first grid
DEMO_CREW = "crew"  # the demo crew of the first ambulance


class UserError(ValueError):
    pass


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
    now = stored_now()
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
        if not active:
            support.end_sessions(session, stored_now(), "disabled", user_id=user["id"])
        action = "user.enable" if active else "user.disable"
        audit.record(
            session, actor, action, f"user:{username}", before={"active": user["active"]}, after={"active": active}
        )


def reset_password(url: str, actor: Actor, username: str, password: str) -> None:
    """A new password also ends every open session of that user."""
    _check_password(password)
    with write_transaction(url) as session:
        user = support.user_by_name(session, username)
        if not user:
            raise UserError(f"no user {username!r}")
        support.update_user(
            session,
            user["id"],
            {"password_hash": generate_password_hash(password), "password_changed_at": stored_now()},
        )
        support.end_sessions(session, stored_now(), "password reset", user_id=user["id"])
        audit.record(session, actor, "user.reset", f"user:{username}")


@cache
def _decoy_hash() -> str:
    """Checked for unknown names, so they cost the same one scrypt as a real account's wrong password."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(url: str, username: str, password: str) -> dict[str, Any] | None:
    """The user for a right name and password of an active account, else None (no hint which was wrong,
    and the same work either way)."""
    with transaction(url) as session:
        user = support.user_by_name(session, username)
    right = check_password_hash(user["password_hash"] if user else _decoy_hash(), password)
    return _public(user) if user and right and user["active"] else None


def audit_name(url: str, username: str) -> str:
    """How a failed sign-in names its account in the audit log: a real account by name; anything else only
    as a hash, since a name nobody has may be a password typed into the wrong box."""
    from cockpit.services.support.throttle import name_hash

    with transaction(url) as session:
        known = support.user_by_name(session, username) is not None
    return f"user:{username}" if known else f"name-sha256:{name_hash(username)}"


@dataclass(frozen=True)
class SessionRules:
    idle: timedelta
    absolute: timedelta


def open_session(url: str, actor: Actor, user: dict[str, Any]) -> str:
    """A new session for a right password; returns the token the browser keeps (only its digest is stored).
    The sign-in's audit row is written in the same transaction."""
    token = secrets.token_urlsafe(32)
    now = stored_now()
    with write_transaction(url) as session:
        support.add_session(
            session,
            {
                "id": token_digest(token),
                "user_id": user["id"],
                "created_at": now,
                "last_seen_at": now,
                "source_ip": actor.source_ip,
            },
        )
        audit.record(session, actor, "login", f"user:{user['username']}")
    return token


def resume_session(url: str, token: str, rules: SessionRules, now: datetime | None = None) -> dict[str, Any] | None:
    """The user of a live session, else None: ended, disabled, reset since, idle or too old. An expiry found
    here is written down, so the session stays ended whatever its cookie says later."""
    now = now or stored_now()
    digest = token_digest(token)
    with transaction(url) as session:
        row = support.session_by_id(session, digest)
        user = support.user_by_id(session, row["user_id"]) if row else None
    if row is None or user is None or row["ended_at"] is not None:
        return None
    reason = None
    if not user["active"]:
        reason = "disabled"
    elif row["created_at"] < user["password_changed_at"]:
        reason = "password reset"
    elif now - row["last_seen_at"] > rules.idle:
        reason = "idle"
    elif now - row["created_at"] > rules.absolute:
        reason = "expired"
    if reason or now - row["last_seen_at"] >= TOUCH_EVERY:
        with write_transaction(url) as session:
            if reason:
                support.end_sessions(session, now, reason, session_id=digest)
            else:
                support.touch_session(session, digest, now)
    return None if reason else _public(user)


def ended_sessions(url: str, tokens: set[str]) -> set[str]:
    """Of these tokens, the ones whose session has ended or whose account is disabled: the push hub asks once
    for all the streams of its process, not once per stream."""
    if not tokens:
        return set()
    digests = {token_digest(t): t for t in tokens}
    with transaction(url) as session:
        live = support.live_session_ids(session, list(digests))
    return {token for digest, token in digests.items() if digest not in live}


def end_session(url: str, actor: Actor, token: str) -> None:
    """Sign-out: the session ends on the server, so a copied cookie opens nothing afterwards."""
    with write_transaction(url) as session:
        support.end_sessions(session, stored_now(), "signed out", session_id=token_digest(token))
        audit.record(session, actor, "logout", f"user:{actor.name}")


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
    field = [(username, name, "field_worker") for username, name in demo_field_workers(url)]
    unit = crew.demo_unit(url)
    if unit:
        field.append((DEMO_CREW, unit, "field_worker"))  # a crew: their display name is their unit's
    for n, (username, name, role) in enumerate([*DEMO_USERS, *field], start=1):
        if username in existing:
            continue
        password = f"{username}-demo-2026"
        add_user(url, actor, username, name, role, password, phone=f"1380013{n:04d}", demo=True)
        created.append((username, role, password))
    return created


def demo_field_workers(url: str) -> list[tuple[str, str]]:
    """(username, name) of the generated grid workers, one per grid: the first grid's is DEMO_FIELD, every
    other is gw<grid code>. Their name is the one cases are assigned to."""
    names = sorted(w["name"] for w in operations.workers(url))
    return [(DEMO_FIELD if n == 0 else "gw" + name.split()[-1], name) for n, name in enumerate(names)]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(url: str, actor: Actor, name: str, role: str, expires_in: timedelta | None = None) -> str:
    """A new bearer token, returned once; only its digest is kept."""
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = stored_now()
    expires_at = now + expires_in if expires_in else None
    with write_transaction(url) as session:
        if any(t["name"] == name for t in support.tokens(session)):
            raise UserError(f"a token named {name!r} exists")
        token_id = support.add_token(session, name, role, token_digest(token), now, expires_at)
        audit.record(
            session,
            actor,
            "token.create",
            f"token:{token_id}",
            after={"name": name, "role": role, "expires": expires_at},
        )
    return token


def tokens(url: str) -> list[dict[str, Any]]:
    """Every token with its state, for `cockpit token list` (never the token itself)."""
    now = stored_now()
    with transaction(url) as session:
        rows = support.tokens(session)
    return [r | {"state": _token_state(r, now)} for r in rows]


def _token_state(token: dict[str, Any], now: datetime) -> str:
    if token["revoked_at"] or not token["active"]:
        return "revoked"
    if token["expires_at"] and token["expires_at"] <= now:
        return "expired"
    return "active"


def revoke_token(url: str, actor: Actor, name: str) -> None:
    """Effective at once: every request looks its token up afresh."""
    with write_transaction(url) as session:
        token = next((t for t in support.tokens(session) if t["name"] == name), None)
        if token is None:
            raise UserError(f"no token named {name!r}")
        support.update_token(session, token["id"], {"active": False, "revoked_at": stored_now()})
        audit.record(session, actor, "token.revoke", f"token:{token['id']}", after={"name": name})


def token_principal(url: str, token: str) -> dict[str, Any] | None:
    """The token's name and role while it is active and unexpired; notes when it was last used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = stored_now()
    with transaction(url) as session:
        row = support.token_by_hash(session, token_digest(token))
    if row is None or _token_state(row, now) != "active":
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOUCH_EVERY:
        with write_transaction(url) as session:
            support.update_token(session, row["id"], {"last_used_at": now})
    return {"id": row["id"], "name": row["name"], "role": row["role"]}
