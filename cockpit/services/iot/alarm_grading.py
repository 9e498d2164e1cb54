"""Alarm semantics after ThingsBoard, as plain functions. One open alarm per device and alarm type (a metric,
its rate, or silence): the rules breached now decide its severity, which rises and falls in place, each move
kept in the alarm's history. An acknowledged alarm comes back to the duty officer only when its severity
rises; one the system cleared after it was acknowledged, breached again within REARM at no graver severity,
reopens acknowledged instead of starting a storm of new alarms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

REARM = timedelta(minutes=30)
SYSTEM = "system"


def alarm_type(rule: dict[str, Any]) -> str:
    if rule["kind"] == "offline":
        return "offline"
    return f"{rule['metric']}.rate" if rule["kind"] == "rate" else rule["metric"]


@dataclass
class Change:
    """What to write: a new alarm (`alarm_id` None) or a move of an open one, and the event to record."""

    kind: str  # raised | reopened | severity_up | severity_down | rules | cleared
    values: dict[str, Any] = field(default_factory=dict)
    alarm_id: int | None = None
    severity: int | None = None


def _grade(active: set[int], rules: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The gravest breached rule decides (severity 1 is the gravest)."""
    return min((rules[r] for r in active if r in rules), key=lambda r: (r["severity"], r["id"]))


def on_breach(
    alarm: dict[str, Any] | None,
    cleared: dict[str, Any] | None,
    rule: dict[str, Any],
    rules: dict[int, dict[str, Any]],
    value: float | None,
    at: datetime,
) -> Change | None:
    if alarm is None:
        if cleared is not None and at - cleared["resolved_at"] <= REARM and rule["severity"] >= cleared["severity"]:
            values = {
                "status": "acknowledged",
                "resolved_at": None,
                "resolved_by": None,
                "active_rules": {rule["id"]},
                "rule_id": rule["id"],
                "severity": rule["severity"],
                "value": value,
            }
            return Change("reopened", values, cleared["id"], rule["severity"])
        values = {
            "rule_id": rule["id"],
            "device_id": None,
            "alarm_type": alarm_type(rule),
            "severity": rule["severity"],
            "status": "new",
            "value": value,
            "raised_at": at,
            "escalation_level": 0,
            "active_rules": {rule["id"]},
        }
        return Change("raised", values, None, rule["severity"])
    if rule["id"] in alarm["active_rules"]:
        return None
    return _regrade(alarm, {*alarm["active_rules"], rule["id"]}, rules, value)


def on_clear(
    alarm: dict[str, Any] | None, rule: dict[str, Any], rules: dict[int, dict[str, Any]], at: datetime
) -> Change | None:
    if alarm is None or rule["id"] not in alarm["active_rules"]:
        return None
    active = set(alarm["active_rules"]) - {rule["id"]}
    if not active:
        values = {"status": "resolved", "resolved_at": at, "resolved_by": SYSTEM, "active_rules": set()}
        return Change("cleared", values, alarm["id"], alarm["severity"])
    return _regrade(alarm, active, rules, None)


def _regrade(alarm: dict[str, Any], active: set[int], rules: dict[int, dict[str, Any]], value: float | None) -> Change:
    decider = _grade(active, rules)
    values: dict[str, Any] = {"active_rules": active, "rule_id": decider["id"], "severity": decider["severity"]}
    if value is not None:
        values["value"] = value
    if decider["severity"] < alarm["severity"]:
        if alarm["status"] == "acknowledged":
            values |= {"status": "new", "acknowledged_at": None, "acknowledged_by": None, "escalation_level": 0}
        return Change("severity_up", values, alarm["id"], decider["severity"])
    if decider["severity"] > alarm["severity"]:
        return Change("severity_down", values, alarm["id"], decider["severity"])
    return Change("rules", values, alarm["id"], None)


def apply(alarm: dict[str, Any] | None, change: Change, new_id: int | None = None) -> dict[str, Any] | None:
    """The open alarm after the change, so later outcomes in the same batch see it (None once cleared)."""
    if change.kind == "cleared":
        return None
    if change.alarm_id is None:
        return change.values | {"id": new_id}
    base = alarm if alarm is not None else {}
    return base | change.values | {"id": change.alarm_id}
