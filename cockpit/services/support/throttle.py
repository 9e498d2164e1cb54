"""Failed sign-ins slow a guesser down without letting anyone lock a real person out (OWASP ASVS 2.2.1).

Three counters: the pair (account, address), the account from anywhere and the address whatever the
account. Past its free allowance each counter makes the next try wait, twice as long after each further
failure, up to MAX_DELAY; nothing ever refuses a right password for longer than that. A browser that has
signed in to the account before carries a device cookie and is held only by its own pair counter, so
neither a spray from one address nor a distributed guess at one account keeps the owner out (OWASP
"device cookies"). A try is counted before the password is checked, in one locked transaction, so
simultaneous tries cannot slip past the limit; success clears the account's counters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from cockpit.actor import Actor
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import support
from data_access.db import write_transaction

WINDOW = timedelta(minutes=15)  # a counter forgets failures older than this
MAX_DELAY = timedelta(minutes=15)
LIMITS = {"pair": 5, "account": 10, "address": 20}  # free tries before waits begin
ALERTED = ("account", "address")  # crossing these limits is an attack worth an administrator's eye


@dataclass(frozen=True)
class Attempt:
    """The counters one sign-in try touches."""

    name: str
    address: str | None
    trusted: bool

    def keys(self) -> dict[str, str]:
        digest = name_hash(self.name)
        keys = {"pair": f"pair:{digest}:{self.address}"}
        if not self.trusted:
            keys["account"] = f"account:{digest}"
            if self.address:
                keys["address"] = f"address:{self.address}"
        return keys


def name_hash(username: str) -> str:
    """Account names are counted and alerted on as a hash: a name typed into the wrong box may be a password."""
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:16]


def delay(failures: int, limit: int) -> timedelta:
    if failures < limit:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - limit, 20)), MAX_DELAY)


def reserve(url: str, attempt: Attempt, actor: Actor, now: datetime | None = None) -> int:
    """0 when this try may go ahead (it is then counted as a failure until `succeeded`), else the seconds
    to wait before the next try."""
    now = now or stored_now()
    keys = attempt.keys()
    with write_transaction(url) as session:
        support.lock_throttle(session)
        rows = support.throttle_rows(session, list(keys.values()))
        waits = [r["blocked_until"] - now for r in rows.values() if r["blocked_until"] and r["blocked_until"] > now]
        if waits:
            return int(max(waits).total_seconds()) + 1
        for scope, key in keys.items():
            row = rows.get(key)
            failures = (row["failures"] if row and now - row["last_at"] < WINDOW else 0) + 1
            wait = delay(failures, LIMITS[scope])
            support.save_throttle(session, key, failures, now, now + wait if wait else None)
            if scope in ALERTED and failures == LIMITS[scope]:
                audit.record(session, actor, "security.alert", key, after={"scope": scope, "failures": failures})
    return 0


def succeeded(url: str, attempt: Attempt) -> None:
    """A right password: the account's counters start again; the address keeps its other failures."""
    keys = attempt.keys()
    with write_transaction(url) as session:
        support.lock_throttle(session)
        support.forget_throttle(session, [keys["pair"], f"account:{name_hash(attempt.name)}"])
        address = keys.get("address")
        row = support.throttle_rows(session, [address]).get(address) if address else None
        if row:
            support.save_throttle(session, address, max(row["failures"] - 1, 0), row["last_at"], row["blocked_until"])


def unlock(url: str, actor: Actor, username: str) -> int:
    """An administrator's answer to a guesser who keeps an account waiting: the account's counters (from
    anywhere, and each address's pair) start again, so the owner signs in from a new browser at once and
    that browser earns the device cookie; the guesser must fail ten times more to make anyone wait."""
    digest = name_hash(username)
    with write_transaction(url) as session:
        support.lock_throttle(session)
        forgotten = support.forget_throttle_of(session, [f"account:{digest}", f"pair:{digest}:"])
        audit.record(session, actor, "user.unlock", f"user:{username}", after={"counters": forgotten})
    return forgotten
