"""MS Project XML (MSPDI), the file every scheduling tool reads and writes: a project's tasks out with their
links, baseline and actuals, and a file in as a new set of tasks. Parsed with defusedxml, so entity bombs and
external entities are refused rather than expanded. Durations are MSPDI's working hours at 8 hours a day; link
lags are tenths of a minute; summary tasks (and task 0, the project itself) carry no work and are left out."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from cockpit.refusal import Refused
from cockpit.services.construction import cpm, schedules

NS = "http://schemas.microsoft.com/project"
HOURS_A_DAY = 8.0
LAG_UNITS_A_DAY = HOURS_A_DAY * 60 * 10  # tenths of a minute
TYPES = {"0": "FF", "1": "FS", "2": "SF", "3": "SS"}
TYPE_CODES = {kind: code for code, kind in TYPES.items()}
MOST_TASKS = 20_000
LONGEST_DAYS = 3650.0  # ten years: a task or a lag beyond it is a broken file, not a schedule
DURATION = re.compile(r"^PT(\d+(?:\.\d+)?)H(\d+(?:\.\d+)?)M(\d+(?:\.\d+)?)S$")


def _hours(days: float) -> str:
    hours = days * HOURS_A_DAY
    return f"PT{int(hours)}H{round((hours - int(hours)) * 60)}M0S"


def _when(start_on: date, offset: float) -> str:
    return f"{schedules.day(start_on, offset).isoformat()}T08:00:00"


def export(project: dict[str, Any], rows: list[dict[str, Any]], today: date) -> bytes:
    """The project's tasks as MSPDI: forecast dates, baseline 0, actuals and links."""
    start_on = project["start_on"]
    found = schedules.forecast(rows, start_on, today)
    uid = {row["code"]: n for n, row in enumerate(rows, start=1)}
    root = Element("Project", xmlns=NS)
    SubElement(root, "Name").text = project["name"]
    SubElement(root, "StartDate").text = _when(start_on, 0)
    SubElement(root, "MinutesPerDay").text = str(int(HOURS_A_DAY * 60))
    listed = SubElement(root, "Tasks")
    for row in rows:
        timing = found.timings[row["code"]]
        task = SubElement(listed, "Task")
        for tag, value in (
            ("UID", uid[row["code"]]),
            ("ID", uid[row["code"]]),
            ("Name", row["name"]),
            ("WBS", row["code"]),
            ("Start", _when(start_on, timing.es)),
            ("Finish", _when(start_on, timing.ef)),
            ("Duration", _hours(row["duration_days"])),
            ("PercentComplete", round(row["percent"] * 100)),
            ("Critical", int(row["code"] in found.critical)),
            ("TotalSlack", round(timing.total_float * LAG_UNITS_A_DAY)),
        ):
            SubElement(task, tag).text = str(value)
        if row["actual_start"]:
            SubElement(task, "ActualStart").text = f"{row['actual_start'].isoformat()}T08:00:00"
        if row["actual_finish"]:
            SubElement(task, "ActualFinish").text = f"{row['actual_finish'].isoformat()}T17:00:00"
        for link in schedules.tasks_of([row])[0].links:
            joined = SubElement(task, "PredecessorLink")
            SubElement(joined, "PredecessorUID").text = str(uid[link.predecessor])
            SubElement(joined, "Type").text = TYPE_CODES[link.kind]
            SubElement(joined, "LinkLag").text = str(round(link.lag * LAG_UNITS_A_DAY))
            SubElement(joined, "LagFormat").text = "7"  # days
        if row["baseline_start"] is not None:
            base = SubElement(task, "Baseline")
            SubElement(base, "Number").text = "0"
            SubElement(base, "Start").text = _when(start_on, row["baseline_start"])
            SubElement(base, "Finish").text = _when(start_on, row["baseline_finish"])
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + tostring(root, encoding="utf-8")


def _text(task: Element, tag: str) -> str | None:
    found = task.find(f"{{{NS}}}{tag}")
    if found is None:
        found = task.find(tag)
    return found.text.strip() if found is not None and found.text else None


def _children(task: Element, tag: str) -> list[Element]:
    return task.findall(f"{{{NS}}}{tag}") or task.findall(tag)


def _date(value: str | None) -> date | None:
    try:
        return datetime.fromisoformat(value).date() if value else None
    except ValueError:
        raise Refused("schedule.bad_file", why=f"not a date: {value[:30]}") from None


def _days(value: str | None, what: str) -> float:
    match = DURATION.match(value or "")
    if not match:
        raise Refused("schedule.bad_file", why=f"{what}: not an MSPDI duration")
    hours, minutes, seconds = (float(g) for g in match.groups())
    return _bounded((hours + minutes / 60 + seconds / 3600) / HOURS_A_DAY, f"{what} Duration", 0.0, LONGEST_DAYS)


def _number(value: str | None, what: str, low: float, high: float) -> float:
    """A number from the file, finite and within what a schedule can hold: NaN, inf or 1e300 stored once made
    every reader of the portfolio fail until someone replaced the file."""
    try:
        number = float(value or 0)
    except ValueError:
        raise Refused("schedule.bad_file", why=f"{what}: not a number: {value[:20]}") from None
    return _bounded(number, what, low, high)


def _bounded(number: float, what: str, low: float, high: float) -> float:
    if not math.isfinite(number) or not low <= number <= high:
        raise Refused("schedule.bad_file", why=f"{what}: {number:g} is outside {low:g}…{high:g}")
    return number


def parse(body: bytes, start_on: date) -> list[dict[str, Any]]:
    """The leaf tasks of an MSPDI file as task rows (code = the WBS or UID), checked by CPM; the baseline comes
    from the file's baseline 0 where it has one. Refused whole with the reason when anything is wrong."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise Refused("schedule.bad_file", why=str(error)[:80]) from None
    if root.tag not in (f"{{{NS}}}Project", "Project"):
        raise Refused("schedule.bad_file", why="not an MS Project XML file")
    listed = _children(root, "Tasks")
    found = _children(listed[0], "Task") if listed else []
    if len(found) > MOST_TASKS:
        raise Refused("schedule.bad_file", why=f"more than {MOST_TASKS} tasks")
    codes: dict[str, str] = {}
    leaves = []
    for task in found:
        uid = _text(task, "UID")
        if not uid or uid == "0" or _text(task, "Summary") == "1":
            continue
        codes[uid] = (_text(task, "WBS") or uid)[:64]
        leaves.append(task)
    if not leaves:
        raise Refused("schedule.bad_file", why="no tasks")
    rows = []
    for task in leaves:
        uid = _text(task, "UID") or ""
        links = []
        for joined in _children(task, "PredecessorLink"):
            before = _text(joined, "PredecessorUID") or ""
            if before not in codes:
                raise Refused("schedule.unknown_predecessor", task=codes[uid], predecessor=before[:20])
            most = LONGEST_DAYS * LAG_UNITS_A_DAY
            lag = _number(_text(joined, "LinkLag"), f"{codes[uid]} LinkLag", -most, most) / LAG_UNITS_A_DAY
            links.append(
                {"predecessor": codes[before], "kind": TYPES.get(_text(joined, "Type") or "1", "FS"), "lag": lag}
            )
        base = next((b for b in _children(task, "Baseline") if _text(b, "Number") == "0"), None)
        base_start, base_finish = (_date(_text(base, "Start")), _date(_text(base, "Finish"))) if base else (None, None)
        percent = _number(_text(task, "PercentComplete"), f"{codes[uid]} PercentComplete", 0, 100)
        rows.append(
            {
                "code": codes[uid],
                "name": (_text(task, "Name") or codes[uid])[:200],
                "duration_days": _days(_text(task, "Duration"), codes[uid]),
                "links": links,
                "baseline_start": (base_start - start_on).days if base_start else None,
                "baseline_finish": (base_finish - start_on).days if base_finish else None,
                "actual_start": _date(_text(task, "ActualStart")),
                "actual_finish": _date(_text(task, "ActualFinish")),
                "percent": max(0.0, min(1.0, percent / 100)),
            }
        )
    cpm.network(schedules.tasks_of(rows))  # a loop or a duplicate refuses the whole file
    if any(r["baseline_start"] is None for r in rows):  # no baseline in the file: its plan becomes one
        planned = schedules.baseline(rows)
        for row in rows:
            row["baseline_start"], row["baseline_finish"] = planned[row["code"]]
    return rows
