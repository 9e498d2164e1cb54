"""Sharing by the rules (共享属性): a department reads through a key of its own, with a daily quota and a
per-minute rate (a 429 with Retry-After when spent, counted from the usage register); a conditionally
shared dataset opens to a department only through an approved application, which issues a key scoped to
that one dataset. Keys are API tokens (only their digest is stored) of the leader role, narrowed here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.services.support.users import TOKEN_PREFIX, token_digest
from data_access import catalog as catalog_store
from data_access import sharing as store
from data_access import support
from data_access.db import transaction, write_transaction

KEY_ROLE = "leader"  # reads what every desk role may read; the scope and quota narrow it further
DAILY_QUOTA = 10_000
PER_MINUTE = 60
APPLICATION_STATUSES = ("pending", "approved", "rejected")


@dataclass(frozen=True)
class Key:
    token_id: int
    name: str
    department: str
    dataset_id: int | None
    daily_quota: int
    per_minute: int


def key_of(url: str, principal: dict[str, Any] | None) -> Key | None:
    """The sharing key behind an API token, or None for an ordinary integration token."""
    if not principal:
        return None
    with transaction(url) as session:
        row = store.key(session, principal["id"])
    if row is None:
        return None
    return Key(
        row["token_id"], principal["name"], row["department"], row["dataset_id"], row["daily_quota"], row["per_minute"]
    )


def issue(
    url: str,
    actor: Actor,
    department: str,
    *,
    dataset_id: int | None = None,
    application_id: int | None = None,
    daily_quota: int = DAILY_QUOTA,
    per_minute: int = PER_MINUTE,
) -> str:
    """A new key for `department`, shown once."""
    department = department.strip()[:64]
    if not department:
        raise Refused("sharing.needs_department")
    if not (1 <= daily_quota <= 10_000_000 and 1 <= per_minute <= 100_000):
        raise Refused("sharing.bad_limits")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = stored_now()
    with write_transaction(url) as session:
        _issue(session, actor, department, token, now, dataset_id, application_id, daily_quota, per_minute)
    return token


def _issue(session, actor, department, token, now, dataset_id, application_id, daily_quota, per_minute) -> int:
    name = f"share:{department}:{secrets.token_hex(3)}"
    token_id = support.add_token(session, name, KEY_ROLE, token_digest(token), now, None)
    store.add_key(
        session,
        {
            "token_id": token_id,
            "department": department,
            "dataset_id": dataset_id,
            "application_id": application_id,
            "daily_quota": daily_quota,
            "per_minute": per_minute,
        },
    )
    audit.record(
        session,
        actor,
        "share.key",
        f"token:{token_id}",
        after={"department": department, "dataset": dataset_id, "daily": daily_quota, "minute": per_minute},
    )
    return token_id


def check(url: str, key: Key | None, dataset_id: int | None) -> None:
    """Before a key reads: its scope, then its rate and quota (a 429 saying when to come back)."""
    if key is None:
        return
    if key.dataset_id is not None and dataset_id != key.dataset_id:
        raise Refused("sharing.out_of_scope", http=403, dataset=dataset_id)
    now = stored_now()
    actor = f"token:{key.name}"
    with transaction(url) as session:
        minute, first_in_minute = store.reads_since(session, actor, now - timedelta(minutes=1))
        day, first_in_day = store.reads_since(session, actor, now - timedelta(days=1))
    if minute >= key.per_minute:
        raise QuotaSpent(60 - (now - first_in_minute).total_seconds(), "minute", key.per_minute)
    if day >= key.daily_quota:
        raise QuotaSpent(86_400 - (now - first_in_day).total_seconds(), "day", key.daily_quota)


class QuotaSpent(Refused):
    http = 429

    def __init__(self, seconds: float, window: str, limit: int) -> None:
        self.retry_after = max(1, int(seconds + 0.999))
        super().__init__("sharing.quota", window=f"sharing.window.{window}", limit=limit, seconds=self.retry_after)


def apply(
    url: str, actor: Actor, dataset_id: int, department: str, purpose: str, key: Key | None = None
) -> dict[str, Any]:
    """An application for a conditionally shared dataset; through a department's key only in that department's
    own name (a key applying for another department would pass its rights off as theirs)."""
    department, purpose = department.strip()[:64], purpose.strip()[:1000]
    if not department or len(purpose) < 4:
        raise Refused("sharing.needs_purpose")
    if key is not None and department != key.department:
        raise Refused("sharing.own_department", http=403, department=key.department)
    with write_transaction(url) as session:
        dataset = catalog_store.dataset(session, dataset_id)
        if dataset is None:
            raise Refused("catalog.no_dataset", http=404, dataset=dataset_id)
        if dataset["sharing"] != "conditional":
            raise Refused("sharing.not_conditional", dataset=dataset["name"], sharing=f"sharing.{dataset['sharing']}")
        values = {
            "dataset_id": dataset_id,
            "department": department,
            "purpose": purpose,
            "applicant": actor.name,
            "status": "pending",
            "created_at": stored_now(),
        }
        application_id = store.add_application(session, values)
        audit.record(session, actor, "share.apply", f"application:{application_id}", after=values)
        return store.application(session, application_id)


def decide(
    url: str,
    actor: Actor,
    application_id: int,
    approve: bool,
    reason: str | None = None,
    daily_quota: int = DAILY_QUOTA,
    per_minute: int = PER_MINUTE,
) -> tuple[dict[str, Any], str | None]:
    """Approve (issuing a key scoped to the dataset, shown once) or reject (with a reason)."""
    reason = (reason or "").strip()[:500] or None
    if not approve and not reason:
        raise Refused("conflict.needs_reason")
    now = stored_now()
    with write_transaction(url) as session:
        found = store.application(session, application_id, lock=True)
        if found is None:
            raise Refused("sharing.no_application", http=404, application=application_id)
        if found["status"] != "pending":
            raise Refused("sharing.decided", http=409, application=application_id, status=found["status"])
        token = None
        change: dict[str, Any] = {"status": "approved" if approve else "rejected", "reason": reason}
        change |= {"decided_by": actor.name, "decided_at": now}
        if approve:
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            change["token_id"] = _issue(
                session,
                actor,
                found["department"],
                token,
                now,
                found["dataset_id"],
                application_id,
                daily_quota,
                per_minute,
            )
        store.update_application(session, application_id, change)
        audit.record(session, actor, "share.decide", f"application:{application_id}", after=change)
        return store.application(session, application_id), token


def applications(url: str, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    if status is not None and status not in APPLICATION_STATUSES:
        raise Refused("sharing.bad_status", status=status[:20])
    with transaction(url) as session:
        return store.applications(session, status, limit)
