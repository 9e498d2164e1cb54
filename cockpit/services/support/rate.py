"""How often one person may do one kind of thing in a minute (file tickets, upload photos): a burst from one
account or token is refused with the wait, so it cannot crowd out everyone else's work. Counted in the
database, so every worker and every instance behind nginx counts the same minute."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from data_access import support
from data_access.db import write_transaction

WINDOW = timedelta(minutes=1)


class TooMany(Refused):
    http = 429

    def __init__(self, kind: str, most: int, seconds: float) -> None:
        self.retry_after = max(1, int(seconds + 0.999))
        super().__init__("rate.too_many", kind=f"rate.kind.{kind}", most=most, seconds=self.retry_after)


def take(url: str, actor: Actor, kind: str, most: int, now: datetime | None = None) -> None:
    """Count one `kind` for `actor` in the current window, or refuse with how long until the next one."""
    now = now or stored_now()
    key = f"{kind}:{actor.name}"[:160]
    try:
        _count(url, key, kind, most, now)
    except IntegrityError:  # two first requests of a minute both inserted the window: the second counts again
        _count(url, key, kind, most, now)


def _count(url: str, key: str, kind: str, most: int, now: datetime) -> None:
    with write_transaction(url) as session:
        window = support.rate_window(session, key)
        if window is None or now - window["started_at"] >= WINDOW:
            support.save_rate_window(session, key, 1, now)
            return
        if window["count"] >= most:
            raise TooMany(kind, most, (window["started_at"] + WINDOW - now).total_seconds())
        support.save_rate_window(session, key, window["count"] + 1, window["started_at"])
