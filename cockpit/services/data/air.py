"""Current air quality per real station. While the live city runs, "now" for the real series is the replay
clock the header shows, so the panel and the clock tell one story; otherwise it is the same calendar hour of
the latest year the series holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cockpit.services.data import aqi
from cockpit.services.iot import live_status
from cockpit.services.kernel import clock
from cockpit.vocab import PALETTE
from data_access import bigdata
from data_access.db import transaction

LOOKBACK_HOURS = 3  # a station that missed the hour shows its last value from up to 3 hours before


def replay_hour(url: str, now: datetime | None = None) -> tuple[datetime, str | None]:
    """The series hour that stands for now, and the replay rate when the live city is replaying it."""
    live = live_status.status(url, now.replace(tzinfo=None) if now else None)
    if live["sim_clock"]:
        return datetime.fromisoformat(live["sim_clock"]).replace(minute=0), live["sim_rate"]
    return clock.historical_hour(now or datetime.now(UTC)), None


def row_aqi(row: dict[str, Any]) -> aqi.Aqi | None:
    """The HJ 633 index of one station hour (CO is stored in µg/m³ as the series gives it)."""
    co = row["co"] / 1000 if row["co"] is not None else None
    return aqi.aqi({p: row[p] for p in ("pm25", "pm10", "so2", "no2", "o3")} | {"co": co})


def current_air(url: str, now: datetime | None = None) -> dict[str, Any]:
    """Each station's latest reading at or before the replayed hour, with its AQI."""
    hour, rate = replay_hour(url, now)
    with transaction(url) as session:
        stations = bigdata.stations(session)
        window = bigdata.air_quality_window(session, hour - timedelta(hours=LOOKBACK_HOURS), hour)
    latest: dict[str, dict[str, Any]] = {}
    for row in window:
        if row["pm25"] is not None or row["pm10"] is not None:
            latest[row["station_code"]] = row
    out = []
    for s in stations:
        row = latest.get(s["code"])
        index = row_aqi(row) if row is not None else None
        out.append(
            s
            | {
                "reading": row,
                "aqi": index.value if index else None,
                "level": index.level if index else None,
                "color": index.color if index else PALETTE["slate_grey"],
                "primary": index.primary if index else None,
                "measured_at": row["ts"] if row else None,
            }
        )
    values = [s["aqi"] for s in out if s["aqi"] is not None]
    return {
        "hour": hour,
        "rate": rate,
        "stations": out,
        "city_aqi": round(sum(values) / len(values)) if values else None,
    }
