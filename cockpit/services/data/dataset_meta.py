"""What the catalog computes from a record's own attributes: the overdue flag and timeliness against the
declared update frequency, the quality score from its dimensions, and the text search runs over."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from cockpit.vocab import FREQUENCY_DAYS

DIMENSIONS = ("completeness", "validity", "timeliness", "uniqueness", "consistency")


def overdue_days(frequency: str, updated_at: datetime | None, now: datetime) -> float:
    """Days past the next update the frequency promised (0 when on time; irregular data is never overdue)."""
    period = FREQUENCY_DAYS.get(frequency)
    if period is None or updated_at is None:
        return 0.0
    return max(0.0, (now - updated_at).total_seconds() / 86400 - period)


def timeliness(frequency: str, updated_at: datetime | None, now: datetime) -> float:
    """1 when on time, falling linearly to 0 at one more whole period overdue."""
    period = FREQUENCY_DAYS.get(frequency)
    if period is None:
        return 1.0
    if updated_at is None:
        return 0.0
    return max(0.0, 1.0 - overdue_days(frequency, updated_at, now) / period)


def score(dimensions: dict[str, float | None]) -> float:
    """The mean of the dimensions that were measured; one not measured is left out, not counted as perfect."""
    measured = [v for k, v in dimensions.items() if k in DIMENSIONS and v is not None]
    return round(sum(measured) / len(measured), 4) if measured else 0.0


def search_text(record: dict, fields: Iterable[tuple[str, str]]) -> str:
    parts = [record["name"], record["title"], record["title_en"], record["description"], record["keywords"]]
    parts += [record["provider"], record["source_department"]]
    parts += [f"{name} {description}" for name, description in fields]
    return " ".join(p for p in parts if p).lower()
