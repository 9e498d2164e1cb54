"""The sample city's projects scenario: its generated rows loaded once, labelled, audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry import shape

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.cim import massing
from cockpit.services.construction import schedules
from cockpit.services.kernel import areas
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.spatial_ops import metric
from cockpit.services.planning import schemes
from cockpit.services.support import audit
from cockpit.vocab import PROJECT_STAGES
from data_access import cim
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


def load(url: str, actor: Actor, seed: int) -> int:
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
