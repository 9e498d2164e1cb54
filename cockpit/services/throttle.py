"""Failed sign-ins slow a guesser down. The audit log already holds every failure with its account and
address, so it is also the counter: no second store to keep in step, and it works across workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data_access import support
from data_access.db import transaction

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures for one account name, from anywhere
PER_ADDRESS = 20  # failures from one address, whatever the account names


def wait_seconds(url: str, username: str, address: str | None, now: datetime | None = None) -> int:
    """How long before this account may try again from this address; 0 when it may. After PER_ACCOUNT
    failures for the account, or PER_ADDRESS from the address, within WINDOW, every try (a right password
    too) is refused until the oldest of those failures has left the window, or, for the account, until an
    administrator resets its password. Unknown account names count the same as real ones, so the answer
    says nothing about which accounts exist."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    with transaction(url) as session:
        failures = support.failed_sign_ins(session, now - WINDOW)
        user = support.user_by_name(session, username)
    reset = user["password_changed_at"] if user else None  # an administrator's reset lifts the lock
    by_account = sorted(
        (ts for ts, name, _ in failures if name == f"user:{username}" and (reset is None or ts > reset)), reverse=True
    )
    by_address = sorted((ts for ts, _, ip in failures if address and ip == address), reverse=True)
    waits = [
        times[limit - 1] + WINDOW - now
        for times, limit in ((by_account, PER_ACCOUNT), (by_address, PER_ADDRESS))
        if len(times) >= limit
    ]
    return max((int(w.total_seconds()) + 1 for w in waits if w > timedelta(0)), default=0)
