"""The device registry as the IoT page and the API see it: search, detail with latest values, history."""

from __future__ import annotations

from typing import Any

from cockpit.services.iot import alarm_queue
from data_access import iot
from data_access.db import transaction

MAX_RESULTS = 50
HISTORY = 240
# metric -> factor to the unit people read it in: CO is stored in µg/m³ as the UCI series gives it, and shown
# in mg/m³ as Chinese reports (HJ 633) give it, which also keeps it on the same chart scale as the others
DISPLAY_SCALE = {"co": 0.001}


def for_display(values: dict[str, float]) -> dict[str, float]:
    return {name: value * DISPLAY_SCALE.get(name, 1) for name, value in values.items()}


def search(url: str, text: str | None, device_type: str | None) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return iot.search_devices(session, (text or "").strip()[:64], device_type or None, MAX_RESULTS)


def detail(url: str, code: str) -> dict[str, Any] | None:
    """Everything the device drawer shows: registry row, latest values, history, alarms, commands."""
    with transaction(url) as session:
        device = iot.device_detail(session, code)
        if device is None:
            return None
        history = iot.device_history(session, device["id"], HISTORY)
        device_alarms = iot.alarms(session, None, limit=10, device_id=device["id"])
        commands = iot.device_commands(session, device["id"])
    history = [row | {"values": for_display(row["values"])} for row in history]
    return device | {
        "last_values": for_display(device["last_values"]),
        "history": history,
        "alarms": [alarm_queue.as_item(a, can_act=False) for a in device_alarms],
        "commands": commands,
    }


def place(url: str, code: str) -> tuple[float, float] | None:
    """(lon, lat) of a device, for centring a map on it."""
    with transaction(url) as session:
        device = iot.device_detail(session, code[:32])
    return (device["lon"], device["lat"]) if device else None


def quarantine(url: str, recent: int = 30) -> dict[str, Any]:
    with transaction(url) as session:
        return iot.quarantine_summary(session, recent)


def listing(url: str, limit: int = 1000, offset: int = 0) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return iot.device_page(session, limit, offset)
