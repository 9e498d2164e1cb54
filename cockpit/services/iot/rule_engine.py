"""Rules over incoming readings. The work is split around the write lock: before it, readings are grouped
per (rule, device) and evaluated against the rule states as they were read; inside it, the states are read
again and only a pair whose state moved meanwhile (another ingestion process got there first) is evaluated
again. So a second ingestion process can evaluate its batch while this one writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

from cockpit.services.iot import alarm_grading, rules
from cockpit.services.iot.alarm_grading import SYSTEM
from cockpit.services.iot.alarms import Evaluation
from data_access import iot, readings
from data_access.readings import Pair, RuleStateRow, StoredReading

Result = tuple[rules.State, list[rules.Outcome]]


@dataclass
class RulePlan:
    rules: dict[int, dict[str, Any]] = field(default_factory=dict)
    series: dict[Pair, list[tuple[datetime, float]]] = field(default_factory=dict)
    states: dict[Pair, RuleStateRow] = field(default_factory=dict)  # as read when planning
    results: dict[Pair, Result] = field(default_factory=dict)


def group(
    active: list[dict[str, Any]], stored: list[StoredReading], seen_before: dict[int, datetime | None]
) -> RulePlan:
    """Which enabled rules each reading feeds, each device's values in time order. A reading older than its
    device's last sign of life before this batch (a reading or a heartbeat) arrived late: it is kept, but
    it does not drive alarms, which have already moved past it."""
    plan = RulePlan()
    by_type: dict[str, list[tuple[int, str]]] = {}
    own: dict[str, list[dict[str, Any]]] = {}
    for rule in active:
        if rule["kind"] != "offline":
            plan.rules[rule["id"]] = rule
            if rule.get("device_code"):
                own.setdefault(rule["device_code"], []).append(rule)
            else:
                by_type.setdefault(rule["device_type"], []).append((rule["id"], rule["metric"]))
    generic = by_type.pop(rules.ANY_TYPE, [])
    applicable = {kind: found + generic for kind, found in by_type.items()}
    overrides = {
        code: ({_slot(r) for r in found}, [(r["id"], r["metric"]) for r in found]) for code, found in own.items()
    }
    series = plan.series
    for reading in stored:
        newest = seen_before.get(reading.device_id)
        if newest is not None and reading.ts < newest:
            continue
        feeds = applicable.get(reading.device_type, generic)
        if reading.device_code in overrides:
            slots, mine = overrides[reading.device_code]
            feeds = [f for f in feeds if _slot(plan.rules[f[0]]) not in slots] + mine
        for rule_id, metric in feeds:
            value = reading.values.get(metric)
            if value is not None:
                points = series.get((rule_id, reading.device_id))
                if points is None:
                    series[(rule_id, reading.device_id)] = [(reading.ts, value)]
                else:
                    points.append((reading.ts, value))
    for points in series.values():
        points.sort(key=itemgetter(0))
    return plan


def _slot(rule: dict[str, Any]) -> tuple[str, str, int]:
    """A device's own rule replaces its type's rule in the same slot: same metric, kind and severity."""
    return rule["metric"], rule["kind"], rule["severity"]


def evaluate(plan: RulePlan, states: dict[Pair, RuleStateRow]) -> RulePlan:
    """Run every planned series from the given states; pure, so it runs before the write lock."""
    plan.states = states
    plan.results = {pair: _run(plan, pair, states) for pair in plan.series}
    return plan


def _run(plan: RulePlan, pair: Pair, states: dict[Pair, RuleStateRow]) -> Result:
    before = rules.State(*states[pair]) if pair in states else rules.State()
    return rules.run(plan.rules[pair[0]], before, plan.series[pair])


def settle(session: Session, plan: RulePlan, now: datetime) -> Evaluation:
    """In the caller's write transaction: keep one open alarm per device and alarm type, graded by the rules
    breached now (alarm_grading), and keep the rule states. A threshold rule keeps a state only while a breach
    is pending (all a sustained-for condition needs), so a quiet city neither reads nor writes rule states."""
    result = Evaluation([], [])
    if not plan.series:
        return result
    current = readings.rule_states(session, plan.series)
    device_ids = {device for _, device in plan.series}
    open_alarms = iot.open_alarms_by_type(session, device_ids)
    cleared_before = iot.recently_cleared(session, device_ids, now - alarm_grading.REARM, SYSTEM)
    changed: dict[Pair, rules.State] = {}
    cleared: list[Pair] = []
    for pair in sorted(plan.series, key=lambda p: plan.rules[p[0]]["severity"]):  # gravest first
        rule = plan.rules[pair[0]]
        moved = current.get(pair) != plan.states.get(pair) or pair not in plan.results
        state, outcomes = _run(plan, pair, current) if moved else plan.results[pair]
        before_since = current[pair][0] if pair in current else None
        if rule["kind"] != "threshold" or state.breach_since not in (None, before_since):
            changed[pair] = state
        elif state.breach_since is None and pair in current:
            cleared.append(pair)
        key = (pair[1], alarm_grading.alarm_type(rule))
        for outcome in outcomes:
            alarm = open_alarms.get(key)
            if outcome.action == "raise":
                at = outcome.state.last_ts or now
                change = alarm_grading.on_breach(alarm, cleared_before.get(key), rule, plan.rules, outcome.value, at)
            else:
                change = alarm_grading.on_clear(alarm, rule, plan.rules, now)
            if change is None:
                continue
            new_id = _write(session, change, pair[1], now)
            open_alarms[key] = alarm_grading.apply(alarm, change, new_id)
            if open_alarms[key] is None:
                del open_alarms[key]
            if change.kind != "rules":
                (result.resolved if change.kind == "cleared" else result.raised).append(new_id or change.alarm_id)
    readings.save_rule_states(session, changed)
    readings.delete_rule_states(session, cleared)
    return result


def _write(session: Session, change: alarm_grading.Change, device_id: int, now: datetime) -> int | None:
    """Store a change; a new alarm's id, else None."""
    if change.alarm_id is None:
        return iot.add_alarm(session, change.values | {"device_id": device_id}, now)
    if change.kind == "rules":  # which rules hold it changed, nothing a person sees: no event
        iot.update_alarm(session, change.alarm_id, change.values)
    else:
        iot.change_alarm(session, change.alarm_id, change.kind, change.values, now, change.severity)
    return None
