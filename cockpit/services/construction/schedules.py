"""A project's schedule: the tasks a building of its height needs (a template), the frozen baseline, and the
forecast from what has happened — finished tasks as they ran, started ones from their actual start with the
rest of their work still to do, the rest no earlier than the status date — by CPM. A critical task forecast to
finish after its baseline is a slip alert. Working days are counted as calendar days (no holiday calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson

from cockpit.services.construction.cpm import Link, Task, critical_path, schedule

TEMPLATE: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    # code, name, duration (days; "f" is the number of floors), links (predecessor, type, lag)
    ("prep", "场地准备", "20", ()),
    ("survey", "测量放线", "5", (("prep", "FS", "0"),)),
    ("pit", "基坑支护", "30", (("survey", "FS", "0"),)),
    ("excavate", "土方开挖", "25", (("pit", "SS", "10"),)),
    ("piles", "桩基施工", "30", (("excavate", "FS", "0"),)),
    ("basement", "地下室结构", "45", (("piles", "FS", "0"),)),
    ("frame", "主体结构", "7*f", (("basement", "FS", "0"),)),
    ("walls", "二次结构砌筑", "3*f", (("frame", "SS", "3*f"),)),
    ("mep", "机电安装", "4*f", (("frame", "SS", "4*f"),)),
    ("facade", "外立面与幕墙", "3*f", (("frame", "FF", "20"),)),
    ("roof", "屋面工程", "20", (("frame", "FS", "0"),)),
    ("elevator", "电梯安装", "40", (("frame", "FS", "0"),)),
    ("fitout", "装饰装修", "4*f", (("walls", "SS", "20"), ("mep", "SS", "20"))),
    ("outdoor", "室外工程与绿化", "45", (("facade", "FS", "0"),)),
    ("fire", "消防验收", "10", (("fitout", "FS", "0"), ("mep", "FS", "0"), ("elevator", "FS", "0"))),
    ("accept", "竣工验收", "15", (("fire", "FS", "0"), ("outdoor", "FS", "0"), ("roof", "FS", "0"))),
)


def _days(expression: str, floors: int) -> float:
    return float(floors) * float(expression[:-2]) if expression.endswith("*f") else float(expression)


def template(floors: int) -> list[dict[str, Any]]:
    """The tasks (code, name, duration, links) of a building with `floors` floors."""
    return [
        {
            "code": code,
            "name": name,
            "duration_days": _days(duration, floors),
            "links": [{"predecessor": p, "kind": k, "lag": _days(lag, floors)} for p, k, lag in links],
        }
        for code, name, duration, links in TEMPLATE
    ]


def tasks_of(rows: list[dict[str, Any]], durations: dict[str, float] | None = None) -> list[Task]:
    """Stored task rows as CPM tasks (links stored as JSON or given as lists), with durations changed where
    `durations` says."""
    out = []
    for row in rows:
        links = row["links"] if isinstance(row["links"], list) else orjson.loads(row["links"])
        duration = (durations or {}).get(row["code"], row["duration_days"])
        out.append(Task(row["code"], duration, tuple(Link(x["predecessor"], x["kind"], x["lag"]) for x in links)))
    return out


def baseline(rows: list[dict[str, Any]], durations: dict[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """The planned timing of every task (what a frozen baseline keeps), or with other durations the timing the
    work would have run at."""
    timings = schedule(tasks_of(rows, durations))
    return {code: (t.es, t.ef) for code, t in timings.items()}


@dataclass(frozen=True)
class Forecast:
    timings: dict[str, Any]  # code -> cpm.Timing, days from the project's start
    critical: list[str]
    finish: float
    baseline_finish: float | None
    slips: list[dict[str, Any]]  # critical tasks forecast to finish after their baseline


def forecast(rows: list[dict[str, Any]], start_on: date, today: date) -> Forecast:
    now = float((today - start_on).days)
    held: dict[str, float] = {}
    durations: dict[str, float] = {}
    for row in rows:
        begun = row["actual_start"]
        if begun is None:
            held[row["code"]] = max(now, 0.0)
            continue
        held[row["code"]] = float((begun - start_on).days)
        if row["actual_finish"] is not None:
            durations[row["code"]] = float((row["actual_finish"] - begun).days)
        else:  # what has run, and the planned rest of the work
            ran = max(0.0, now - held[row["code"]])
            durations[row["code"]] = ran + row["duration_days"] * (1 - row["percent"])
    cpm_tasks = tasks_of(rows, durations)
    timings = schedule(cpm_tasks, held)
    critical = critical_path(cpm_tasks, timings)
    finish = max((t.ef for t in timings.values()), default=0.0)
    planned = [r["baseline_finish"] for r in rows if r["baseline_finish"] is not None]
    slips = [
        {"code": r["code"], "name": r["name"], "days": round(timings[r["code"]].ef - r["baseline_finish"])}
        for r in rows
        if r["code"] in critical
        and r["baseline_finish"] is not None
        and r["actual_finish"] is None
        and timings[r["code"]].ef > r["baseline_finish"] + 0.5
    ]
    return Forecast(timings, critical, finish, max(planned) if planned else None, slips)


def day(start_on: date, offset: float) -> date:
    return start_on + timedelta(days=round(offset))
