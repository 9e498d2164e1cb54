"""The cockpit clock runs in Beijing time; the real air-quality series covers 2013-03 to 2017-02, so the
overview shows the same calendar hour of the latest year the series holds, and says which hour it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "CST")
SERIES_START = datetime(2013, 3, 1, 0)
SERIES_END = datetime(2017, 2, 28, 23)


def beijing_now(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(BEIJING)


def historical_hour(now: datetime) -> datetime:
    """The naive Beijing-time hour of the series that stands for `now` (same month, day and hour)."""
    local = beijing_now(now)
    day = 28 if (local.month, local.day) == (2, 29) else local.day
    for year in range(SERIES_END.year, SERIES_START.year - 1, -1):
        candidate = datetime(year, local.month, day, local.hour)
        if SERIES_START <= candidate <= SERIES_END:
            return candidate
    raise AssertionError("every calendar hour falls inside a four-year series")
