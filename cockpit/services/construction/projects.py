"""The city's construction projects from approval to operation (项目建设全程可视): the register, loaded from
the development plan's key projects and OpenStreetMap's building under construction (generated, labelled);
each project's schedule forecast by CPM against its frozen baseline; the portfolio a leader reads (stages,
delay, budget used, by street and kind); and the schedule's import and export as MS Project XML (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
import shapely

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.cim import sightline
from cockpit.services.cim import sunlight as sunlight_analysis
from cockpit.services.construction import msproject, schedules, structural_limits
from cockpit.services.kernel import areas
from cockpit.services.kernel.clock import stored_now
from cockpit.services.planning import schemes
from cockpit.services.support import audit
from cockpit.vocab import PROJECT_KINDS, PROJECT_STAGES, STRUCTURE_TYPES
from data_access import monitoring
from data_access import projects as store
from data_access.db import transaction, write_transaction


def _done(rows: list[dict[str, Any]]) -> float:
    """The share of the planned work done, each task weighted by its duration."""
    total = sum(r["duration_days"] for r in rows)
    return sum(r["duration_days"] * r["percent"] for r in rows) / total if total else 0.0


def _summary(project: dict[str, Any], rows: list[dict[str, Any]], today: date) -> dict[str, Any]:
    started = PROJECT_STAGES.index(project["stage"]) >= PROJECT_STAGES.index("construction")
    found = schedules.forecast(rows, project["start_on"], today if started else project["start_on"])
    planned = found.baseline_finish if found.baseline_finish is not None else found.finish
    return {
        "id": project["id"],
        "code": project["code"],
        "name": project["name"],
        "kind": project["kind"],
        "stage": project["stage"],
        "street_code": project["street_code"],
        "lon": project["lon"],
        "lat": project["lat"],
        "owner": project["owner"],
        "contractor": project["contractor"],
        "budget_wan": project["budget_wan"],
        "spent_wan": project["spent_wan"],
        "budget_used": round(project["spent_wan"] / project["budget_wan"], 3) if project["budget_wan"] else 0.0,
        "done": round(_done(rows), 3),
        "delay_days": round(found.finish - planned) if rows else 0,
        "finish": schedules.day(project["start_on"], found.finish).isoformat(),
        "baseline_finish": schedules.day(project["start_on"], planned).isoformat(),
        "slips": found.slips,
        "generated": project["generated"],
    }


def portfolio(url: str) -> dict[str, Any]:
    """Every project's summary, ranked by delay, and the counts a leader reads by stage, street and kind."""
    today = stored_now().date()
    with transaction(url) as session:
        found = store.projects(session)
        tasks = store.all_tasks(session)
        bands = structural_limits.project_bands(monitoring.gravest_open(session, tuple(STRUCTURE_TYPES)))
    rows = [_summary(p, tasks.get(p["id"], []), today) | {"band": bands.get(p["code"], "normal")} for p in found]
    rows.sort(key=lambda r: (-r["delay_days"], r["code"]))
    names = areas.names(url)
    by_street: dict[str, dict[str, float]] = {}
    for r in rows:
        street = by_street.setdefault(names.get(r["street_code"] or "", "—"), {"projects": 0, "budget": 0, "spent": 0})
        street["projects"] += 1
        street["budget"] += r["budget_wan"]
        street["spent"] += r["spent_wan"]
    return {
        "projects": rows,
        "by_stage": {s: sum(r["stage"] == s for r in rows) for s in PROJECT_STAGES},
        "by_kind": {k: sum(r["kind"] == k for r in rows) for k in PROJECT_KINDS},
        "by_street": by_street,
        "budget_wan": round(sum(r["budget_wan"] for r in rows), 1),
        "spent_wan": round(sum(r["spent_wan"] for r in rows), 1),
        "late": sum(r["delay_days"] > 0 for r in rows if r["stage"] == "construction"),
        "slips": sum(len(r["slips"]) for r in rows),
        "structural": sum(r["band"] != "normal" for r in rows),
    }


def _found(session: Any, project_id: int) -> dict[str, Any]:
    found = store.project(session, project_id)
    if found is None:
        raise Refused("construction.no_project", http=404, project=project_id)
    return found


def schedule_view(url: str, project_id: int) -> dict[str, Any]:
    """The schedule as the API gives it: every task with its baseline, forecast and float, and the critical
    path; dates in ISO form."""
    today = stored_now().date()
    with transaction(url) as session:
        project = _found(session, project_id)
        rows = store.tasks(session, project_id)
    start = project["start_on"]
    started = PROJECT_STAGES.index(project["stage"]) >= PROJECT_STAGES.index("construction")
    found = schedules.forecast(rows, start, today if started else start)

    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    tasks = [
        {
            "code": r["code"],
            "name": r["name"],
            "duration_days": r["duration_days"],
            "links": orjson.loads(r["links"]),
            "baseline_start": iso(schedules.day(start, r["baseline_start"]))
            if r["baseline_start"] is not None
            else None,
            "baseline_finish": iso(schedules.day(start, r["baseline_finish"]))
            if r["baseline_finish"] is not None
            else None,
            "start": schedules.day(start, found.timings[r["code"]].es).isoformat(),
            "finish": schedules.day(start, found.timings[r["code"]].ef).isoformat(),
            "total_float_days": round(found.timings[r["code"]].total_float, 1),
            "free_float_days": round(found.timings[r["code"]].free_float, 1),
            "critical": r["code"] in found.critical,
            "actual_start": iso(r["actual_start"]),
            "actual_finish": iso(r["actual_finish"]),
            "percent": r["percent"],
        }
        for r in rows
    ]
    return {
        "project": project["code"],
        "start": start.isoformat(),
        "status_date": today.isoformat(),
        "tasks": tasks,
        "critical_path": found.critical,
        "finish": schedules.day(start, found.finish).isoformat(),
        "baseline_finish": schedules.day(start, found.baseline_finish).isoformat() if found.baseline_finish else None,
        "slips": found.slips,
    }


def detail(url: str, project_id: int) -> dict[str, Any]:
    """One project: its summary, stage dates, design, the plan's height limit where it stands, and schedule."""
    today = stored_now().date()
    with transaction(url) as session:
        project = _found(session, project_id)
        rows = store.tasks(session, project_id)
    design = orjson.loads(project["design"])
    site = shapely.from_geojson(project["site"])
    tallest = max((f["properties"]["height"] for f in design["features"]), default=0.0)
    limit = schemes.limits(url, site)["height_max"]
    return _summary(project, rows, today) | {
        "stage_dates": orjson.loads(project["stage_dates"]),
        "design": design,
        "site": orjson.loads(project["site"]),
        "plan_code": project["plan_code"],
        "height_m": tallest,
        "height_max": limit,
        "height_ok": None if limit is None else tallest <= limit,
        "sightlines": sightline.check(url, design),
        "schedule": schedule_view(url, project_id),
        "source": project["source"],
    }


def _may_edit(actor: Actor) -> None:
    if not allows(actor.role, "construction.edit"):
        raise Refused("construction.not_allowed", http=403)


def import_schedule(url: str, actor: Actor, project_id: int, body: bytes) -> int:
    """An MS Project XML file's tasks replace the project's, all or nothing; answers how many."""
    _may_edit(actor)
    with write_transaction(url) as session:
        project = _found(session, project_id)
        rows = msproject.parse(body, project["start_on"])
        before = len(store.tasks(session, project_id))
        store.replace_tasks(session, project_id, [r | {"links": orjson.dumps(r["links"]).decode()} for r in rows])
        audit.record(
            session,
            actor,
            "construction.import",
            f"project:{project_id}",
            before={"tasks": before},
            after={"tasks": len(rows)},
        )
    return len(rows)


def export_schedule(url: str, actor: Actor, project_id: int) -> bytes:
    with transaction(url) as session:
        project = _found(session, project_id)
        rows = store.tasks(session, project_id)
    body = msproject.export(project, rows, stored_now().date())
    audit.record_alone(url, actor, "construction.export", f"project:{project_id}", after={"format": "mspdi"})
    return body


def freeze_baseline(url: str, actor: Actor, project_id: int) -> None:
    """The forecast as it stands becomes the baseline the next slips are measured against."""
    _may_edit(actor)
    today = stored_now().date()
    with write_transaction(url) as session:
        project = _found(session, project_id)
        rows = store.tasks(session, project_id)
        found = schedules.forecast(rows, project["start_on"], today)
        for row in rows:
            timing = found.timings[row["code"]]
            row["baseline_start"], row["baseline_finish"] = timing.es, timing.ef
        store.replace_tasks(
            session, project_id, [{k: v for k, v in r.items() if k not in ("id", "project_id")} for r in rows]
        )
        store.set_project(session, project_id, {"baseline_at": stored_now()})
        audit.record(session, actor, "construction.baseline", f"project:{project_id}", after={"finish": found.finish})


def sunlight(url: str, project_id: int, day: str) -> dict[str, Any]:
    """The sunlight analysis of the project's design (see cockpit.services.cim.sunlight)."""
    with transaction(url) as session:
        project = _found(session, project_id)
    return sunlight_analysis.analyse(url, orjson.loads(project["design"]), day) | {"project": project["code"]}
