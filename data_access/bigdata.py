"""City big-data platform: the historical series the cockpit replays and analyses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from data_access.models import AirQualityHour, Station

AIR_COLUMNS = ("pm25", "pm10", "so2", "no2", "co", "o3", "temp", "pres", "dewp", "rain", "wd", "wspm")


def clear_air_quality(session: Session) -> None:
    session.execute(delete(AirQualityHour))
    session.execute(delete(Station))


def add_air_quality(session: Session, stations: list[dict[str, Any]], hours: pd.DataFrame) -> None:
    session.execute(insert(Station), stations)
    records = hours.astype(object).where(hours.notna(), None).to_dict("records")
    for start in range(0, len(records), 50_000):
        session.execute(insert(AirQualityHour), records[start : start + 50_000])


def stations(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Station).order_by(Station.code)).scalars()
    return [
        {"code": s.code, "name": s.name, "lon": s.lon, "lat": s.lat, "district_adcode": s.district_adcode} for s in rows
    ]


def air_quality_window(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Every station's hours in [start, end], oldest first."""
    rows = session.execute(
        select(AirQualityHour)
        .where(AirQualityHour.ts >= start, AirQualityHour.ts <= end)
        .order_by(AirQualityHour.station_code, AirQualityHour.ts)
    ).scalars()
    return [{"station_code": r.station_code, "ts": r.ts} | {c: getattr(r, c) for c in AIR_COLUMNS} for r in rows]


def rain_series(session: Session, station_code: str) -> list[tuple[datetime, float | None]]:
    """A station's hourly rain (mm) in time order."""
    query = select(AirQualityHour.ts, AirQualityHour.rain).where(AirQualityHour.station_code == station_code)
    return [(ts, rain) for ts, rain in session.execute(query.order_by(AirQualityHour.ts))]
