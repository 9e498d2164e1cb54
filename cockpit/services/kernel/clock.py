"""One clock. Times are stored in UTC and shown in the city's time zone (a setting), formatted in the
viewer's language. The real air-quality series covers 2013-03 to 2017-02 in Beijing time, so the live city
replays it from the same calendar hour of the latest year it holds: the header's replay clock and the air
panel's hour are that one replayed time."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
SERIES_ZONE = "Asia/Shanghai"  # the UCI stations report Beijing time
SERIES_START = datetime(2013, 3, 1, 0)
SERIES_END = datetime(2017, 2, 28, 23)

FORMATS = {
    "zh": {
        "time": "%H:%M:%S",
        "short": "%m月%d日 %H:%M",
        "full": "%Y年%m月%d日 %H:%M:%S",
        "date": "%Y年%m月%d日",
        "hour": "%Y年%m月%d日 %H时",
        "axis": "%m月%d日 %H:%M",
        "series": "%Y年%m月%d日 %H时",
    },
    "en": {
        "time": "%H:%M:%S",
        "short": "%d %b %H:%M",
        "full": "%d %b %Y %H:%M:%S",
        "date": "%d %b %Y",
        "hour": "%d %b %Y %H:00",
        "axis": "%d %b %H:%M",
        "series": "%d %b %Y %H:00",
    },
}


def stored_now() -> datetime:
    """Now as the database stores times: UTC, without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def city_now(zone_name: str = DEFAULT_ZONE, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(zone(zone_name))


def to_city(ts: datetime, zone_name: str = DEFAULT_ZONE) -> datetime:
    """A stored time (naive means UTC) in the city's zone."""
    aware = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
    return aware.astimezone(zone(zone_name))


def show(ts: datetime | None, lang: str, zone_name: str = DEFAULT_ZONE, style: str = "short") -> str:
    if ts is None:
        return "—"
    return to_city(ts, zone_name).strftime(FORMATS[lang][style])


def show_local(ts: datetime, lang: str, style: str = "hour") -> str:
    """A time that is already local to its source (the real series' naive Beijing hours)."""
    return ts.strftime(FORMATS[lang][style])


def historical_hour(now: datetime) -> datetime:
    """The naive Beijing-time hour of the series that stands for `now` (same month, day and hour)."""
    local = city_now(SERIES_ZONE, now)
    day = 28 if (local.month, local.day) == (2, 29) else local.day
    for year in range(SERIES_END.year, SERIES_START.year - 1, -1):
        candidate = datetime(year, local.month, day, local.hour)
        if SERIES_START <= candidate <= SERIES_END:
            return candidate
    raise AssertionError("every calendar hour falls inside a four-year series")
