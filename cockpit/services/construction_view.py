"""What the construction page draws, decided here: project sites coloured by stage, a project's Gantt rows
(baseline and forecast side by side, the critical path marked, what is done), the homes of a sunlight analysis
coloured by verdict and the design's shadows hour by hour."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from cockpit.vocab import PROJECT_STAGE_COLOURS
from data_access import projects as store
from data_access.db import transaction

VERDICT_COLOURS = {"caused": "#ff4d4f", "already": "#faad14", "passes": "#52c41a"}


def sites_geojson(url: str, summaries: list[dict[str, Any]], selected: int | None) -> dict[str, Any]:
    with transaction(url) as session:
        sites = {p["id"]: orjson.loads(p["site"]) for p in store.projects(session)}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": sites[s["id"]],
                "properties": {
                    "id": s["id"],
                    "name": s["name"],
                    "colour": PROJECT_STAGE_COLOURS[s["stage"]],
                    "selected": s["id"] == selected,
                    "generated": s["generated"],
                },
            }
            for s in summaries
        ],
    }


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
    homes = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": h["geometry"],
                "properties": {
                    "name": f"{h['name'] or '#' + str(h['id'])} · {h['hours_without']:.1f} → {h['hours_with']:.1f} h",
                    "colour": VERDICT_COLOURS[h["verdict"]],
                },
            }
            for h in result["homes"]
        ],
    }
    return homes, result["shadows"]
