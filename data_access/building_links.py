"""What lies around a building, for its object card: devices, open alarms, cases, incidents and data conflicts
in a box around it (portable SQL on the lon/lat columns; the service measures exact distances)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import Alarm, Case, DataConflict, Device, Incident

Box = tuple[float, float, float, float]


def _inside(model: Any, box: Box) -> list:
    west, south, east, north = box
    return [model.lon >= west, model.lon <= east, model.lat >= south, model.lat <= north]


def devices(session: Session, box: Box) -> list[dict[str, Any]]:
    query = select(
        Device.id, Device.code, Device.name, Device.type, Device.online, Device.lon, Device.lat, Device.last_values
    )
    rows = session.execute(query.where(*_inside(Device, box)).order_by(Device.code))
    return [
        {k: v for k, v in r._mapping.items() if k != "last_values"} | {"readings": orjson.loads(r.last_values or "{}")}
        for r in rows
    ]


def open_alarms(session: Session, box: Box) -> list[dict[str, Any]]:
    query = (
        select(
            Alarm.id,
            Alarm.alarm_type,
            Alarm.severity,
            Alarm.status,
            Alarm.raised_at,
            Device.code,
            Device.lon,
            Device.lat,
        )
        .join(Device, Device.id == Alarm.device_id)
        .where(*_inside(Device, box), Alarm.status.in_(("new", "acknowledged")))
        .order_by(Alarm.raised_at.desc())
    )
    return [dict(r._mapping) for r in session.execute(query)]


def cases(session: Session, box: Box, limit: int = 50) -> list[dict[str, Any]]:
    query = select(Case.id, Case.code, Case.category, Case.status, Case.filed_at, Case.lon, Case.lat)
    query = query.where(*_inside(Case, box), Case.merged_into.is_(None)).order_by(Case.filed_at.desc()).limit(limit)
    return [dict(r._mapping) for r in session.execute(query)]


def incidents(session: Session, box: Box, limit: int = 50) -> list[dict[str, Any]]:
    query = select(
        Incident.id,
        Incident.code,
        Incident.type,
        Incident.level,
        Incident.status,
        Incident.reported_at,
        Incident.lon,
        Incident.lat,
    )
    query = query.where(*_inside(Incident, box)).order_by(Incident.reported_at.desc()).limit(limit)
    return [dict(r._mapping) for r in session.execute(query)]


def conflicts(session: Session, box: Box) -> list[dict[str, Any]]:
    query = select(
        DataConflict.id,
        DataConflict.entity,
        DataConflict.attribute,
        DataConflict.status,
        DataConflict.department,
        DataConflict.lon,
        DataConflict.lat,
    )
    return [dict(r._mapping) for r in session.execute(query.where(*_inside(DataConflict, box)))]
