"""Alarm rules as plain functions: given a rule, its state for one device and a new value, what happens.
Kinds: threshold (value op threshold), rate (change per minute op threshold; per day for the slow metrics of
structures, whose standards state rates per day), offline (silent for threshold seconds). A condition must
hold for duration_s before it raises."""

from __future__ import annotations

import math
import operator
from datetime import datetime
from typing import Any, NamedTuple

from data_access.ingest import METRICS

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
KINDS = ("threshold", "rate", "offline")
ANY_TYPE = "*"
OFFLINE_SECONDS = (10, 7 * 86400)
DAILY_RATE = frozenset({"settle_mm", "crack_mm"})  # GB 50497 and JGJ 8 give these rates in mm per day
DAY_S = 86400.0
DAY_SLACK_S = 3600.0  # a daily observation taken an hour early is still a day after the one before


class State(NamedTuple):
    """A tuple, so it is cheap to make for every value and stored as it is."""

    breach_since: datetime | None = None
    last_value: float | None = None
    last_ts: datetime | None = None


class Outcome(NamedTuple):
    state: State
    action: str | None  # "raise" | "clear" | None
    value: float | None = None


def validate(rule: dict[str, Any]) -> list[str]:
    """What is wrong with a rule as a user entered it; empty when it can be saved."""
    problems = []
    if rule.get("kind") not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}")
    if rule.get("op") not in OPS:
        problems.append(f"op must be one of {' '.join(OPS)}")
    if rule.get("kind") in ("threshold", "rate") and not rule.get("metric"):
        problems.append("threshold and rate rules need a metric")
    for name, low, high in (("duration_s", 0, 86400), ("escalate_after_s", 10, 86400 * 7), ("severity", 1, 4)):
        value = rule.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(f"{name} must be a whole number from {low} to {high}")
    threshold = rule.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not math.isfinite(threshold):
        problems.append("threshold must be a number")
    else:
        problems += _physical(rule, threshold)
    return problems


def _physical(rule: dict[str, Any], threshold: float) -> list[str]:
    """A threshold the metric can never reach (or always passes) makes a rule that never fires: refuse it."""
    if rule.get("kind") == "offline":
        low, high = OFFLINE_SECONDS
        return [] if low <= threshold <= high else [f"an offline threshold is {low} to {high} seconds"]
    span = METRICS.get(rule.get("metric") or "")
    if span is None:
        return []
    low, high = span
    if rule.get("kind") == "rate":
        width = high - low
        per = "day" if rule.get("metric") in DAILY_RATE else "minute"
        return [] if -width <= threshold <= width else [f"a rate threshold is within ±{width:g} per {per}"]
    return [] if low <= threshold <= high else [f"{rule['metric']} lies between {low:g} and {high:g}"]


def evaluate(rule: dict[str, Any], state: State, value: float, ts: datetime) -> Outcome:
    """Feed one value at time ts. Values older than the last one seen are ignored (reordered input)."""
    if state.last_ts is not None and ts < state.last_ts:
        return Outcome(state, None)
    if rule["kind"] == "rate":
        if state.last_value is None or state.last_ts is None or ts == state.last_ts:
            return Outcome(State(None, value, ts), None)
        span = (ts - state.last_ts).total_seconds()
        if rule["metric"] in DAILY_RATE:
            if span < DAY_S - DAY_SLACK_S:  # compared with the observation a day before, not noise of a minute
                return Outcome(state, None)
            measured = (value - state.last_value) / (span / DAY_S)
        else:
            measured = (value - state.last_value) / (span / 60)
    else:
        measured = value
    breach = OPS[rule["op"]](measured, rule["threshold"])
    if not breach:
        return Outcome(State(None, value, ts), "clear", measured)
    since = state.breach_since or ts
    held = (ts - since).total_seconds() >= rule["duration_s"]
    return Outcome(State(since, value, ts), "raise" if held else None, measured)


def run(rule: dict[str, Any], state: State, points: list[tuple[datetime, float]]) -> tuple[State, list[Outcome]]:
    """Feed one device's new values in time order; returns the final state and the outcomes that raise or
    clear. A threshold rule with no breach pending and no new breaching value — nearly every batch of a
    quiet city — is decided in one pass without building a state per value."""
    if rule["kind"] == "threshold" and state.breach_since is None:
        fresh = points if state.last_ts is None else [p for p in points if p[0] >= state.last_ts]
        breaches, limit = OPS[rule["op"]], rule["threshold"]
        if fresh and not any(breaches(value, limit) for _, value in fresh):
            ts, value = fresh[-1]
            final = State(None, value, ts)
            return final, [Outcome(final, "clear", value)]
    outcomes = []
    for ts, value in points:
        outcome = evaluate(rule, state, value, ts)
        state = outcome.state
        if outcome.action:
            outcomes.append(outcome)
    return state, outcomes


def offline_breach(rule: dict[str, Any], last_seen: datetime, now: datetime) -> bool:
    return (now - last_seen).total_seconds() >= rule["threshold"]
