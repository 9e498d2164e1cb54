"""IoT sensing platform: devices and coded city components."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from data_access.models import Component, Device


def replace_devices(session: Session, devices: list[dict[str, Any]], components: list[dict[str, Any]]) -> None:
    session.execute(delete(Component))
    session.execute(delete(Device))
    if devices:
        session.execute(insert(Device), devices)
    for start in range(0, len(components), 20_000):
        session.execute(insert(Component), components[start : start + 20_000])


def device_points(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Device.code, Device.name, Device.type, Device.lon, Device.lat, Device.online, Device.generated).order_by(
            Device.id
        )
    )
    return [dict(r._mapping) for r in rows]


def device_counts_by_district(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Device.district_adcode, func.count())
        .where(Device.district_adcode.is_not(None))
        .group_by(Device.district_adcode)
    )
    return dict(rows.all())


def totals(session: Session) -> dict[str, int]:
    return {
        "devices": session.scalar(select(func.count()).select_from(Device)) or 0,
        "devices_online": session.scalar(select(func.count()).where(Device.online.is_(True))) or 0,
        "components": session.scalar(select(func.count()).select_from(Component)) or 0,
    }
