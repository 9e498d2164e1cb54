"""Alarm lifecycle (new → acknowledged → resolved → closed, with who and when), silence and escalation
sweeps, and the severity scale. How rule outcomes grade one alarm per device and type: alarm_grading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cockpit import bus
from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.iot import alarm_grading, rules
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import ALARM_TRANSITIONS as TRANSITIONS
from cockpit.vocab import SEVERITIES
from data_access import iot
from data_access.db import transaction, write_transaction

COMMAND_TIMEOUT_S = 30
ALERT_SEVERITIES = (1, 2)  # a new alarm this grave sounds and shows a notice on every open page, the wall too


class AlarmError(Refused):
    pass


@dataclass
class Evaluation:
    raised: list[int]
    resolved: list[int]


def transition(url: str, actor: Actor, alarm_id: int, action: str) -> dict[str, Any]:
    """An operator's step in the lifecycle, audited in the same transaction; refuses a step out of order."""
    if action not in TRANSITIONS:
        raise AlarmError("unknown_action", action=action)
    allowed_from, target = TRANSITIONS[action]
    now = stored_now()
    with write_transaction(url) as session:
        current = iot.alarm(session, alarm_id, for_update=True)
        if current is None:
            raise AlarmError("no_alarm", 404, alarm=alarm_id)
        if current["status"] not in allowed_from:
            status = "alarm.status." + current["status"]
            raise AlarmError("alarm_status", 409, alarm=alarm_id, status=status, action="alarm." + action)
        values: dict[str, Any] = {"status": target}
        stamp = {"acknowledge": "acknowledged", "resolve": "resolved", "close": "closed"}[action]
        values[f"{stamp}_at"], values[f"{stamp}_by"] = now, actor.name
        if action == "close" and current["acknowledged_at"] is None:
            values["acknowledged_at"], values["acknowledged_by"] = now, actor.name
        iot.change_alarm(session, alarm_id, target, values, now)
        audit.record(
            session,
            actor,
            f"alarm.{action}",
            f"alarm:{alarm_id}",
            before={"status": current["status"]},
            after={"status": target},
        )
        return current | values


def sweep(url: str, now: datetime | None = None) -> dict[str, int]:
    """Time-driven checks: devices gone silent (offline rules), unacknowledged alarms to escalate."""
    now = now or stored_now()
    raised = resolved = escalated = 0
    with write_transaction(url) as session:
        offline_rules = [r for r in iot.rules(session, enabled_only=True) if r["kind"] == "offline"]
        offline = {device: a for (device, _), a in iot.open_alarms_by_type(session, None, "offline").items()}
        for rule in offline_rules:
            device_type = None if rule["device_type"] == rules.ANY_TYPE else rule["device_type"]
            cutoff = now - timedelta(seconds=rule["threshold"])
            silent = iot.silent_devices(session, device_type, cutoff)
            iot.mark_offline(session, [d["id"] for d in silent])
            silent_ids = {d["id"] for d in silent}
            for device_id in silent_ids - set(offline):
                change = alarm_grading.on_breach(None, None, rule, {rule["id"]: rule}, None, now)
                offline[device_id] = change.values | {"device_id": device_id}
                iot.add_alarm(session, offline[device_id], now)
                raised += 1
            for device_id, alarm_row in list(offline.items()):
                if alarm_row["rule_id"] == rule["id"] and device_id not in silent_ids and "id" in alarm_row:
                    change = alarm_grading.on_clear(alarm_row, rule, {rule["id"]: rule}, now)
                    iot.change_alarm(session, change.alarm_id, change.kind, change.values, now, change.severity)
                    del offline[device_id]
                    resolved += 1
        for alarm_row in iot.unacknowledged_alarms(session):
            due = alarm_row["raised_at"] + timedelta(
                seconds=alarm_row["escalate_after_s"] * (alarm_row["escalation_level"] + 1)
            )
            if now >= due:
                iot.change_alarm(
                    session,
                    alarm_row["id"],
                    "escalated",
                    {"escalation_level": alarm_row["escalation_level"] + 1, "escalated_at": now},
                    now,
                )
                escalated += 1
        timed_out = iot.time_out_commands(session, now - timedelta(seconds=COMMAND_TIMEOUT_S), now)
    if raised or resolved or escalated:
        bus.notify()
    return {"raised": raised, "resolved": resolved, "escalated": escalated, "commands_timed_out": timed_out}


def open_alarms(url: str, limit: int = 200) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return iot.alarms(session, iot.OPEN, limit)


def recent_alarms(url: str, statuses: list[str] | None, limit: int = 200) -> list[dict[str, Any]]:
    with transaction(url) as session:
        return iot.alarms(session, statuses, limit)


def feed(url: str) -> dict[str, Any]:
    """What every open page shows about alarms: counts by severity and the newest open ones."""
    with transaction(url) as session:
        counts = iot.alarm_counts(session)
        latest = iot.alarms(session, iot.OPEN, limit=8)
        cursor = iot.last_alarm_event(session)
    return {
        "cursor": cursor,
        "open": sum(counts.values()),
        "by_severity": {str(k): counts.get(k, 0) for k in SEVERITIES},
        "latest": [
            {
                "id": a["id"],
                "severity": a["severity"],
                "status": a["status"],
                "device": a["device_name"],
                "code": a["device_code"],
                "rule": a["rule_name"],
                "rule_en": a["rule_name_en"],
                "value": a["value"],
                "raised_at": a["raised_at"].isoformat() + "Z",
                "escalation": a["escalation_level"],
                "alert": a["status"] == "new" and a["severity"] in ALERT_SEVERITIES,
            }
            for a in latest
        ],
    }
