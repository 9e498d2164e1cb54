"""Structural health monitoring of the projects (#16): settlement, tilt, crack, strain and vibration sensors are
IoT devices like any other — the same ingestion, rules and alarms, and their warnings become operations cases
by themselves. What is particular to structures lives here: limits as the standards give them (a control value
for the cumulative change and one for its daily rate, each in three bands), a building's design values
overriding those defaults on its own sensors, and the per-sensor view with the JGJ 8 stability test and the
hyperbolic forecast of when the control value is reached."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.construction import structural_limits
from cockpit.services.construction.structural_limits import LIMITS, Limit, rules_for
from cockpit.services.kernel import trend
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import STRUCTURE_TYPES
from data_access import iot
from data_access import monitoring as store
from data_access import projects as project_store
from data_access.db import transaction, write_transaction
from data_access.ingest import METRICS

TYPES = tuple(STRUCTURE_TYPES)
FORECAST = ("settle_mm", "crack_mm")  # what grows towards a final value and can be forecast
OBSERVED_AT = timedelta(hours=0)  # the daily observation is stamped 00:00 UTC, 08:00 in Beijing
LOADED_ON = "structures_loaded_on"
# the sample city ---------------------------------------------------------------------------------------------


# limits and design values ----------------------------------------------------------------------------------


def limits(url: str, sensors: list[dict[str, Any]]) -> dict[str, Limit]:
    """Each sensor's limit: its own (design) rules where it has them, else its type's."""
    with transaction(url) as session:
        typed = [r for r in iot.rules(session, enabled_only=True, scoped=False) if r["device_type"] in TYPES]
        own = iot.device_rules(session, [s["code"] for s in sensors])
    out = {}
    for s in sensors:
        mine = [r for r in own if r["device_code"] == s["code"] and r["enabled"]]
        found = mine or [r for r in typed if r["device_type"] == s["type"]]
        out[s["code"]] = Limit(_control(found, "threshold"), _control(found, "rate"), design=bool(mine))
    return out


def _control(found: list[dict[str, Any]], kind: str) -> float | None:
    """The control value is the severity-1 band's threshold."""
    return next((r["threshold"] for r in found if r["kind"] == kind and r["severity"] == 1), None)


def set_design(url: str, actor: Actor, project_id: int, device_type: str, control: float, rate: float | None) -> int:
    """The design's control values for one kind of sensor of a project: its sensors get their own rules in
    every band, replacing their type's; answers how many sensors. Audited in the same transaction."""
    if not allows(actor.role, "construction.edit"):
        raise Refused("construction.not_allowed", http=403)
    if device_type not in STRUCTURE_TYPES:
        raise Refused("struct.bad_type", types=", ".join(TYPES))
    metric = STRUCTURE_TYPES[device_type]
    low, high = METRICS[metric]
    if not 0 < control <= high or (rate is not None and not 0 < rate <= high - low):
        raise Refused("struct.bad_limit", low=0, high=f"{high:g}")
    if rate is not None and LIMITS[metric][1] is None:
        raise Refused("struct.no_rate", metric=f"metric.{metric}")
    with write_transaction(url) as session:
        project = project_store.project(session, project_id)
        if project is None:
            raise Refused("construction.no_project", http=404, project=project_id)
        sensors = store.sensors(session, project["code"], (device_type,))
        if not sensors:
            raise Refused("struct.no_sensors", http=404, type=f"device.{device_type}")
        existing = iot.device_rules(session, [s["code"] for s in sensors])
        now = stored_now()
        before = {"control": _control(existing, "threshold"), "rate": _control(existing, "rate")}
        for sensor in sensors:
            wanted = list(rules_for(device_type, Limit(control, rate, True), sensor["code"]))
            for rule in wanted:
                slot = (rule["kind"], rule["severity"])
                old = next(
                    (r for r in existing if r["device_code"] == sensor["code"] and (r["kind"], r["severity"]) == slot),
                    None,
                )
                stamp = {"enabled": True, "updated_by": actor.name, "updated_at": now}
                if old is None:
                    iot.add_rules(session, [rule | stamp])
                else:
                    iot.update_rule(session, old["id"], {k: rule[k] for k in ("name", "name_en", "threshold")} | stamp)
            for old in existing:
                if old["device_code"] == sensor["code"] and old["kind"] == "rate" and rate is None:
                    iot.update_rule(session, old["id"], {"enabled": False, "updated_by": actor.name, "updated_at": now})
        audit.record(
            session,
            actor,
            "structure.design",
            f"project:{project_id}:{device_type}",
            before=before,
            after={"control": control, "rate": rate},
        )
    return len(sensors)


# one project's monitoring ------------------------------------------------------------------------------------


def sensor_state(
    sensor: dict[str, Any], points: list[tuple[datetime, dict[str, float]]], limit: Limit, seed: int = 0
) -> dict[str, Any]:
    """One sensor's reading: first, previous and latest value, change and daily rate, the band they put it in,
    and for what settles, the stability test and the forecast of the day it reaches its control value."""
    metric = STRUCTURE_TYPES[sensor["type"]]
    series = [(ts, v[metric]) for ts, v in points if metric in v]
    state: dict[str, Any] = {
        "code": sensor["code"],
        "name": sensor["name"],
        "type": sensor["type"],
        "metric": metric,
        "lon": sensor["lon"],
        "lat": sensor["lat"],
        "control": limit.control,
        "rate_control": limit.rate,
        "design": limit.design,
        "count": len(series),
        "first": None,
        "previous": None,
        "latest": None,
        "at": None,
        "change": None,
        "rate": None,
        "band": "normal",
        "stability": None,
        "forecast": None,
    }
    if not series:
        return state
    first_ts = series[0][0]
    days = np.array([(ts - first_ts).total_seconds() / 86400 for ts, _v in series])
    values = np.array([v for _ts, v in series])
    state |= {"first": values[0], "latest": values[-1], "at": series[-1][0]}
    if len(series) > 1:
        span = max(days[-1] - days[-2], 1e-9)
        state |= {
            "previous": values[-2],
            "change": values[-1] - values[-2],
            "rate": (values[-1] - values[-2]) / span if metric in LIMITS and LIMITS[metric][1] else None,
        }
    cumulative = values[-1]
    state["band"] = structural_limits.worse(
        structural_limits.band(cumulative, limit.control), structural_limits.band(state["rate"], limit.rate)
    )
    if metric in FORECAST and limit.control:
        found = trend.stability(days, values)
        state["stability"] = {"rate": found.rate, "stable": found.stable}
        forecast = trend.hyperbolic(days + 1, values, limit.control, seed)
        if forecast is not None:
            ahead = None
            if forecast.days is not None:
                ahead = tuple(max(0.0, d - 1 - days[-1]) for d in forecast.days)
            state["forecast"] = {
                "final": forecast.final,
                "r2": forecast.r2,
                "reach_share": forecast.reach_share,
                "days_ahead": ahead,
                "a": forecast.a,
                "b": forecast.b,
                "first_ts": first_ts,
            }
    return state


def project_view(url: str, project_id: int) -> dict[str, Any]:
    """A project's sensors with their states, its open structural alarms and its worst band."""
    with transaction(url) as session:
        project = project_store.project(session, project_id)
        if project is None:
            raise Refused("construction.no_project", http=404, project=project_id)
        sensors = store.sensors(session, project["code"], TYPES)
        ids = [s["id"] for s in sensors]
        points = store.series(session, ids)
        alarms = store.open_alarms(session, ids)
    found = limits(url, sensors)
    states = [sensor_state(s, points[s["id"]], found[s["code"]], seed=s["id"]) for s in sensors]
    worst = "normal"
    for s in states:
        worst = structural_limits.worse(worst, s["band"])
    codes = {s["id"]: s["code"] for s in sensors}
    return {
        "project": {k: project[k] for k in ("id", "code", "name", "stage", "contractor", "owner")},
        "sensors": states,
        "series": {s["code"]: points[s["id"]] for s in sensors},
        "alarms": [a | {"code": codes[a["device_id"]]} for a in alarms],
        "band": worst,
    }
