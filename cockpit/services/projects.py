"""The city's construction projects from approval to operation (项目建设全程可视): the register, loaded from
the development plan's key projects and OpenStreetMap's building under construction (generated, labelled);
each project's schedule forecast by CPM against its frozen baseline; the portfolio a leader reads (stages,
delay, budget used, by street and kind); and the schedule's import and export as MS Project XML (audited)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry import shape

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services import areas, audit, massing, msproject, schedules, schemes, sightline, structural_limits
from cockpit.services import sunlight as sunlight_analysis
from cockpit.services.clock import stored_now
from cockpit.services.spatial_ops import metric
from cockpit.vocab import PROJECT_STAGES, STRUCTURE_TYPES
from data_access import cim, monitoring
from data_access import planning as plans
from data_access import projects as store
from data_access.db import transaction, write_transaction
from sample_data import projects as sample

SOURCE = "generated (cockpit seeded generator, seed={seed}) on the development plan and OpenStreetMap (ODbL 1.0)"
STAGE_GAPS = {  # days from the schedule's start each stage was reached (negative: before ground was broken)
    "approval": -330,
    "planning_permit": -200,
    "construction_permit": -45,
    "construction": 0,
}
OPERATION_AFTER_DAYS = 60  # from acceptance to the building in use


def _sites(url: str) -> list[tuple[str, str, shapely.Geometry, str | None]]:
    """(code, use, site, plan code) of each project-to-be: the development plan's key projects and the
    building OpenStreetMap marks as under construction."""
    with transaction(url) as session:
        zones = plans.zones(session).get("development", [])
        buildings = cim.base_features(session, "building")
    sites = [(code, use, shapely.from_geojson(geometry), code) for code, use, geometry in zones]
    for b in buildings:
        if b["properties"]["kind"] == "construction":
            sites.append((f"OSM-{str(b['properties']['osm_id']).split('/')[-1]}", "B1", shape(b["geometry"]), None))
    return sites


def _design(site: shapely.Geometry, kind: str) -> dict[str, Any]:
    floors = sample.FLOORS[kind]
    given = massing.Rules(floors, 0.25, 1.0 if kind == "residential" else 0.0, 0.3)
    try:
        made, _green = massing.buildings(site, given)
    except Refused:  # a site too small for the slabs: the building stands on the whole site
        made = [{"geometry": orjson.loads(shapely.to_geojson(site)), "floors": floors, "use": kind}]
    features = [
        {
            "type": "Feature",
            "geometry": b["geometry"],
            "properties": {"floors": floors, "height": floors * schemes.STOREY_M, "use": kind},
        }
        for b in made
    ]
    return {"type": "FeatureCollection", "features": features}


def _progress(rows: list[dict[str, Any]], start_on: date, today: date, pace: float) -> None:
    """What has happened by today, when the work ran at `pace` times its planned durations: actual starts and
    finishes, and the share done of the tasks in hand."""
    durations = {r["code"]: r["duration_days"] * pace for r in rows}
    actual = schedules.baseline(rows, durations)
    now = (today - start_on).days
    for row in rows:
        es, ef = actual[row["code"]]
        row["actual_start"] = start_on + timedelta(days=round(es)) if es <= now else None
        row["actual_finish"] = start_on + timedelta(days=round(ef)) if ef <= now else None
        done = 1.0 if ef <= now else max(0.0, (now - es) / max(ef - es, 1.0)) if es <= now else 0.0
        row["percent"] = round(done, 3)


def load_sample(url: str, actor: Actor, seed: int) -> int:
    """The generated projects, once; answers how many were written (0 when projects are already there)."""
    with transaction(url) as session:
        if store.count(session):
            return 0
    sites = _sites(url)
    drawn = sample.draw(len(sites), seed)
    today = stored_now().date()
    written = 0
    with write_transaction(url) as session:
        for (code, use, site, plan_code), given in zip(sites, drawn, strict=True):
            kind = sample.KIND_OF_USE.get(use, "commercial")
            design = _design(site, kind)
            floors = sample.FLOORS[kind]
            rows = schedules.template(floors)
            planned = schedules.baseline(rows)
            for row in rows:
                row["baseline_start"], row["baseline_finish"] = planned[row["code"]]
            start_on = today - timedelta(days=given.started_days_ago)
            _progress(rows, start_on, today, given.pace)
            finish = max(f for _s, f in planned.values())
            reached = {s: (start_on + timedelta(days=d)).isoformat() for s, d in STAGE_GAPS.items()}
            reached["acceptance"] = (start_on + timedelta(days=round(finish * given.pace))).isoformat()
            reached["operation"] = (
                date.fromisoformat(reached["acceptance"]) + timedelta(OPERATION_AFTER_DAYS)
            ).isoformat()
            upto = PROJECT_STAGES.index(given.stage)
            floor_area = sum(metric(shape(f["geometry"])).area * floors for f in design["features"])
            budget = round(floor_area * sample.COST_YUAN_M2[kind] / 10_000, 1)
            done = np.mean([r["percent"] for r in rows])
            centre = site.representative_point()
            street = areas.locate(url, centre.x, centre.y).street_code
            values = {
                "code": f"XM-{code}",
                "name": f"{areas.names(url).get(street or '', '海淀')}{code}{sample.KIND_NAMES[kind]}",
                "kind": kind,
                "stage": given.stage,
                "stage_dates": orjson.dumps({s: reached[s] for s in PROJECT_STAGES[: upto + 1]}).decode(),
                "owner": given.owner,
                "contractor": given.contractor,
                "budget_wan": budget,
                "spent_wan": round(budget * float(done) * given.spend, 1),
                "street_code": street,
                "lon": round(centre.x, 6),
                "lat": round(centre.y, 6),
                "site": shapely.to_geojson(site),
                "design": orjson.dumps(design).decode(),
                "plan_code": plan_code,
                "start_on": start_on,
                "baseline_at": stored_now() if upto >= PROJECT_STAGES.index("construction_permit") else None,
                "generated": True,
                "source": SOURCE.format(seed=seed),
            }
            if upto < PROJECT_STAGES.index("construction"):
                for row in rows:
                    row |= {"actual_start": None, "actual_finish": None, "percent": 0.0}
            store.add(session, values, [r | {"links": orjson.dumps(r["links"]).decode()} for r in rows])
            written += 1
        audit.record(session, actor, "construction.load", "project", after={"projects": written})
    return written


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
        "by_kind": {k: sum(r["kind"] == k for r in rows) for k in sample.FLOORS},
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


def export_schedule(url: str, project_id: int) -> bytes:
    with transaction(url) as session:
        project = _found(session, project_id)
        rows = store.tasks(session, project_id)
    return msproject.export(project, rows, stored_now().date())


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
    """The sunlight analysis of the project's design (see cockpit.services.sunlight)."""
    with transaction(url) as session:
        project = _found(session, project_id)
    return sunlight_analysis.analyse(url, orjson.loads(project["design"]), day) | {"project": project["code"]}
