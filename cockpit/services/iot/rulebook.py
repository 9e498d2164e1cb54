"""The rules the city runs on: defaults for the sample city (air quality by the HJ 633 breakpoints,
waterlogging, manhole covers, lamps, noise, silence) and editing them, audited, from the IoT page."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from cockpit.actor import Actor
from cockpit.services.construction import structural_limits
from cockpit.services.iot import rules
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import iot
from data_access.db import transaction, write_transaction

EDITABLE = ("threshold", "duration_s", "severity", "escalate_after_s", "enabled", "op")
ACTIVE_TTL_S = 1.0  # how soon another process's ingestion sees a rule edit; the editing process sees it at once
_active: dict[str, tuple[float, list[dict[str, Any]]]] = {}

# (name, name_en, device_type, kind, metric, op, threshold, duration_s, severity, escalate_after_s)
DEFAULTS = (
    (
        "PM2.5 中度污染（>115，HJ 633）",
        "PM2.5 moderately polluted (>115, HJ 633)",
        "air_quality",
        "threshold",
        "pm25",
        ">",
        115,
        0,
        3,
        1800,
    ),
    (
        "PM2.5 严重污染（>250，HJ 633）",
        "PM2.5 severely polluted (>250, HJ 633)",
        "air_quality",
        "threshold",
        "pm25",
        ">",
        250,
        0,
        1,
        600,
    ),
    (
        "PM10 中度污染（>250，HJ 633）",
        "PM10 moderately polluted (>250, HJ 633)",
        "air_quality",
        "threshold",
        "pm10",
        ">",
        250,
        0,
        3,
        1800,
    ),
    (
        "PM10 严重污染（>420，HJ 633）",
        "PM10 severely polluted (>420, HJ 633)",
        "air_quality",
        "threshold",
        "pm10",
        ">",
        420,
        0,
        1,
        600,
    ),
    (
        "道路积水超过 15 cm（持续 30 秒）",
        "Waterlogging above 15 cm (for 30 s)",
        "water_level",
        "threshold",
        "level_cm",
        ">",
        15,
        30,
        2,
        300,
    ),
    (
        "积水上涨过快（>5 cm/分钟）",
        "Water rising fast (>5 cm/min)",
        "water_level",
        "rate",
        "level_cm",
        ">",
        5,
        0,
        2,
        300,
    ),
    (
        "井盖倾斜超过 10°（持续 10 秒）",
        "Manhole cover tilted over 10° (for 10 s)",
        "manhole_tilt",
        "threshold",
        "tilt_deg",
        ">",
        10,
        10,
        2,
        300,
    ),
    ("路灯故障", "Street-lamp fault", "street_lamp", "threshold", "lamp_fault", ">=", 1, 0, 3, 1800),
    (
        "噪声超过 75 dB（持续 60 秒）",
        "Noise above 75 dB (for 60 s)",
        "noise",
        "threshold",
        "noise_db",
        ">",
        75,
        60,
        4,
        3600,
    ),
    (
        "燃气表流量异常（>4 m³/h 持续 60 秒，疑似泄漏）",
        "Gas meter flow abnormal (>4 m³/h for 60 s, suspected leak)",
        "gas_meter",
        "threshold",
        "flow_m3h",
        ">",
        4,
        60,
        2,
        1800,
    ),
    ("设备离线超过 120 秒", "Device silent for 120 s", "*", "offline", None, ">=", 120, 0, 3, 1800),
    # the cameras' rules: evaluated from the sightings by cockpit.services.safety.vision_alarms, not from telemetry
    (
        "布控车辆或人员出现",
        "Watch-listed vehicle or person seen",
        "camera",
        "threshold",
        "watchlist",
        ">=",
        1,
        0,
        1,
        300,
    ),
    (
        "重点区域人员密度超过容量",
        "Crowd at a key area over its capacity",
        "camera",
        "threshold",
        "crowd_ratio",
        ">",
        1.0,
        0,
        2,
        600,
    ),
    (
        "人员徘徊超过 20 分钟",
        "Loitering by one camera over 20 min",
        "camera",
        "threshold",
        "loiter_min",
        ">=",
        20,
        0,
        3,
        1800,
    ),
)
FIELDS = tuple(f for f in iot.RULE_FIELDS if f != "enabled")


def defaults() -> list[dict[str, Any]]:
    return [dict(zip(FIELDS, d, strict=True)) | {"device_code": None} for d in DEFAULTS] + (
        structural_limits.default_rules()
    )


def ensure_defaults(url: str, actor: Actor) -> int:
    """Add the default rules an install does not have yet (an older install gains the rules of sensors added
    since, by name); returns how many were added."""
    with write_transaction(url) as session:
        have = {r["name"] for r in iot.rules(session, scoped=False)}
        now = stored_now()
        values = [
            d | {"enabled": True, "updated_by": actor.name, "updated_at": now}
            for d in defaults()
            if d["name"] not in have
        ]
        if not values:
            return 0
        iot.add_rules(session, values)
        audit.record(session, actor, "rule.defaults", "rules", after={"count": len(values)})
    _active.pop(url, None)
    return len(values)


def active(url: str, session: Session) -> list[dict[str, Any]]:
    """The enabled rules as ingestion asks for them, every batch: kept for a second, not re-read each time."""
    cached = _active.get(url)
    if cached is not None and time.monotonic() - cached[0] < ACTIVE_TTL_S:
        return cached[1]
    found = iot.rules(session, enabled_only=True)
    _active[url] = (time.monotonic(), found)
    return found


def all_rules(url: str) -> list[dict[str, Any]]:
    """The rules of device types; a building's own rules are kept on its project
    (cockpit.services.construction.structural)."""
    with transaction(url) as session:
        return iot.rules(session, scoped=False)


def update(url: str, actor: Actor, rule_id: int, changes: dict[str, Any]) -> list[str]:
    """Apply an edit from the rules table; returns what is wrong (nothing saved) or [] when saved."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        return [f"{', '.join(sorted(unknown))} cannot be edited"]
    with write_transaction(url) as session:
        current = next((r for r in iot.rules(session) if r["id"] == rule_id), None)
        if current is None:
            return [f"no rule {rule_id}"]
        merged = current | changes
        problems = rules.validate(merged)
        if problems:
            return problems
        before = iot.update_rule(session, rule_id, changes | {"updated_by": actor.name, "updated_at": stored_now()})
        audit.record(
            session, actor, "rule.update", f"rule:{rule_id}", before={k: before[k] for k in changes}, after=changes
        )
    _active.pop(url, None)
    return []
