"""What the construction page draws, decided here: project sites coloured by stage, a project's Gantt rows
(baseline and forecast side by side, the critical path marked, what is done), the homes of a sunlight analysis
coloured by verdict and the design's shadows hour by hour."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from cockpit.services.kernel.geojson import feature, feature_collection
from cockpit.vocab import PALETTE, PROJECT_STAGE_COLOURS
from data_access import projects as store
from data_access.db import transaction

VERDICT_COLOURS = {"caused": PALETTE["red"], "already": PALETTE["gold"], "passes": PALETTE["green"]}


def sites_geojson(url: str, summaries: list[dict[str, Any]], selected: int | None) -> dict[str, Any]:
    with transaction(url) as session:
        sites = {p["id"]: orjson.loads(p["site"]) for p in store.projects(session)}
    return feature_collection([
            feature(sites[s["id"]], {
                    "id": s["id"],
                    "name": s["name"],
                    "colour": PROJECT_STAGE_COLOURS[s["stage"]],
                    "selected": s["id"] == selected,
                    "generated": s["generated"],
                })
            for s in summaries
        ])


def gantt_rows(schedule: dict[str, Any]) -> list[dict[str, Any]]:
    """One row a task, in schedule order: baseline and forecast bars, and how it stands."""
    today = date.fromisoformat(schedule["status_date"])
    rows = []
    for task in schedule["tasks"]:
        finished = task["actual_finish"] is not None
        late = task["baseline_finish"] is not None and task["finish"] > task["baseline_finish"]
        state = "done" if finished else ("critical" if task["critical"] else "late" if late else "planned")
        rows.append(
            {
                "code": task["code"],
                "name": task["name"],
                "baseline": (task["baseline_start"], task["baseline_finish"]),
                "forecast": (task["start"], task["finish"]),
                "state": state,
                "float_days": task["total_float_days"],
                "percent": task["percent"],
                "running": task["actual_start"] is not None
                and not finished
                and date.fromisoformat(task["start"]) <= today,
            }
        )
    return rows


def sunlight_geojson(result: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(homes coloured by verdict, the design's hourly shadows)."""
    homes = feature_collection([
            feature(h["geometry"], {
                    "name": f"{h['name'] or '#' + str(h['id'])} · {h['hours_without']:.1f} → {h['hours_with']:.1f} h",
                    "colour": VERDICT_COLOURS[h["verdict"]],
                })
            for h in result["homes"]
        ])
    return homes, result["shadows"]


PHASE_COLOURS = {  # what a building under construction looks like in the playback
    "ground": PALETTE["earth"],  # site works, pit and foundations: the footprint at ground level
    "structure": PALETTE["mist_light"],  # the frame rising floor by floor
    "envelope": PALETTE["steel_light"],  # facade closing
    "complete": PALETTE["green"],
}
GROUND_M = 0.5


def _share(schedule: dict[str, Any], code: str, on: date) -> float:
    """How much of a task is done on a date, by its forecast (which holds what actually happened)."""
    task = next((t for t in schedule["tasks"] if t["code"] == code), None)
    if task is None:
        return 0.0
    start, finish = date.fromisoformat(task["start"]), date.fromisoformat(task["finish"])
    if on >= finish:
        return 1.0
    if on <= start:
        return 0.0
    return (on - start).days / max(1, (finish - start).days)


def playback(found: dict[str, Any], on: date) -> dict[str, Any]:
    """The project's buildings as they stand on a date: the floors the frame has reached, the phase's colour."""
    schedule = found["schedule"]
    frame, facade, accepted = (_share(schedule, c, on) for c in ("frame", "facade", "accept"))
    phase = "complete" if accepted >= 1 else "envelope" if facade > 0 else "structure" if frame > 0 else "ground"
    features = []
    for f in found["design"]["features"]:
        floors = f["properties"]["floors"]
        built = round(floors * frame)
        features.append(
            feature(f["geometry"], {
                    "height": max(GROUND_M, built * f["properties"]["height"] / max(floors, 1)),
                    "colour": PHASE_COLOURS[phase],
                    "name": f"{built}/{floors}F",
                })
        )
    return {
        "phase": phase,
        "floors": [round(f["properties"]["floors"] * frame) for f in found["design"]["features"]],
        "massing": feature_collection(features),
    }
