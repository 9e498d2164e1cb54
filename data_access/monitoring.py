"""Structural monitoring's reads: a project's sensors (their codes start with the project's code) and their
daily series."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from data_access.models import Alarm, Device, Reading

DEVICE_COLUMNS = (Device.id, Device.code, Device.name, Device.type, Device.lon, Device.lat, Device.online)


def sensors(session: Session, project_code: str, types: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(*DEVICE_COLUMNS)
        .where(Device.code.startswith(f"{project_code}-", autoescape=True), Device.type.in_(types))
        .order_by(Device.code)
    )
    return [dict(r._mapping) for r in rows]


def all_sensors(session: Session, types: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = session.execute(select(*DEVICE_COLUMNS).where(Device.type.in_(types)).order_by(Device.code))
    return [dict(r._mapping) for r in rows]


def add_sensors(session: Session, devices: list[dict[str, Any]]) -> None:
    if devices:
        session.execute(insert(Device), devices)


def series(session: Session, device_ids: list[int], since: datetime | None = None) -> dict[int, list[tuple]]:
    """device id -> [(ts, values)] in time order."""
    query = select(Reading.device_id, Reading.ts, Reading.values).where(Reading.device_id.in_(device_ids))
    if since is not None:
        query = query.where(Reading.ts >= since)
    out: dict[int, list[tuple]] = {d: [] for d in device_ids}
    for device_id, ts, values in session.execute(query.order_by(Reading.ts, Reading.seq)):
        out[device_id].append((ts, orjson.loads(values)))
    return out


def open_alarms(session: Session, device_ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Alarm.id, Alarm.device_id, Alarm.alarm_type, Alarm.severity, Alarm.status, Alarm.raised_at)
        .where(Alarm.device_id.in_(device_ids), Alarm.status.in_(("new", "acknowledged")))
        .order_by(Alarm.severity, Alarm.raised_at)
    )
    return [dict(r._mapping) for r in rows]


def gravest_open(session: Session, types: tuple[str, ...]) -> dict[str, int]:
    """device code -> the gravest severity among its open alarms, for the sensors of the given types."""
    rows = session.execute(
        select(Device.code, func.min(Alarm.severity))
        .join(Alarm, Alarm.device_id == Device.id)
        .where(Device.type.in_(types), Alarm.status.in_(("new", "acknowledged")))
        .group_by(Device.code)
    )
    return dict(rows.all())
