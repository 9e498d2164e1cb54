"""What the planning page shows, decided here so its callbacks only wire: the plan registry with each plan's
keeper, authority, vintage, legal status and revision; the zones of the plans chosen, coloured by use; the
conflict patches of a status and type, coloured by rule; counts by type, status and street; one patch with
its opinions and the steps the viewer may take; and the exports (GeoJSON, GeoPackage, a PDF list)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import orjson
import shapely

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.services.kernel import areas, pdf
from cockpit.services.kernel.geojson import feature, feature_collection
from cockpit.services.planning import planning
from cockpit.services.planning.plan_workflow import PERMISSION
from cockpit.services.support import audit
from cockpit.vocab import (
    PALETTE,
    PLAN_CONFLICT_STATUSES,
    PLAN_CONFLICT_TRANSITIONS,
    PLAN_RULE_COLOURS,
    PLAN_USE_COLOURS,
)
from data_access import planning as store
from data_access.db import transaction

CURRENT = "building"  # the standing buildings (现状) shown under the plans
COLUMNS = ("id", "rule", "left_layer", "left_code", "right_layer", "right_code", "area_m2", "department", "status")


def registry(url: str) -> list[dict[str, Any]]:
    with transaction(url) as session:
        layers = store.layers(session)
        zones = store.zones(session)
    return [layer | {"zones": len(zones.get(layer["key"], []))} for layer in layers]


def zones_geojson(url: str, shown: list[str]) -> dict:
    """The zones of the plans shown, bottom plan first, each with its use's colour."""
    with transaction(url) as session:
        zones = store.zones(session)
    order = [layer["key"] for layer in registry(url)]
    features = [
        feature(orjson.loads(geometry), {
                "layer": key,
                "name": f"{code} · {use}",
                "use": use,
                "colour": PLAN_USE_COLOURS.get(use, PALETTE["grey"]),
                "generated": True,
            })
        for key in order
        if key in shown
        for code, use, geometry in zones.get(key, [])
    ]
    return feature_collection(features)


def patches(url: str, status: str | None, rule: str | None) -> list[dict[str, Any]]:
    return planning.listing(url, status=status, rule=rule)


def patches_geojson(rows: list[dict[str, Any]]) -> dict:
    return feature_collection([
            feature(r["geometry"], {
                    "id": r["id"],
                    "rule": r["rule"],
                    "status": r["status"],
                    "colour": PLAN_RULE_COLOURS[r["rule"]],
                })
            for r in rows
        ])


def counts(url: str) -> dict[str, Any]:
    """Patches and m² by type and status, and open patches by street (where each patch's inner point lies)."""
    with transaction(url) as session:
        by_rule = store.counts(session)
    table = {rule: {s: 0 for s in PLAN_CONFLICT_STATUSES} for rule in PLAN_RULE_COLOURS}
    area = dict.fromkeys(PLAN_RULE_COLOURS, 0.0)
    for rule, status, n, m2 in by_rule:
        table[rule][status] = n
        if status != "settled":
            area[rule] += m2
    names = areas.names(url)
    streets: dict[str, int] = {}
    unsettled = [r for r in planning.listing(url) if r["status"] != "settled"]
    meetings = {tuple(r["meets"]["patches"]) for r in unsettled if r["meets"]}
    for row in (r for r in unsettled if r["status"] == "open"):
        point = shapely.from_geojson(orjson.dumps(row["geometry"]).decode()).representative_point()
        street = areas.locate(url, point.x, point.y).street_code
        name = names.get(street or "", "—")
        streets[name] = streets.get(name, 0) + 1
    return {
        "by_rule": table,
        "area_m2": area,
        "by_street": dict(sorted(streets.items(), key=lambda kv: -kv[1])),
        "meetings": len(meetings),  # places where three or more plans disagree, each counted once
    }


def detail(url: str, conflict_id: int, role: str | None) -> dict[str, Any] | None:
    """One patch with both zones, the departments' opinions, the plans' revisions it made, and the steps this
    role may take from its status."""
    with transaction(url) as session:
        found = store.conflict(session, conflict_id)
        if found is None:
            return None
        opinions = store.opinions(session, conflict_id)
        made = [r for r in store.revisions(session) if r["conflict_id"] == conflict_id]
    steps = [
        action
        for action, (starts, _) in PLAN_CONFLICT_TRANSITIONS.items()
        if found["status"] in starts and allows(role, PERMISSION[action])
    ]
    shape = orjson.loads(found["geometry"])
    meets = orjson.loads(found["meets"]) if found["meets"] else None
    return found | {"geometry": shape, "opinions": opinions, "revisions": made, "steps": steps, "meets": meets}


def export_geojson(rows: list[dict[str, Any]]) -> bytes:
    features = [
        feature(r["geometry"], {k: r.get(k) for k in _flat(r)}) for r in rows
    ]
    return orjson.dumps(feature_collection(features), default=str)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "rule": row["rule"],
        "plans": "/".join(row["plans"]),
        "meets": "/".join(row["meets"]["plans"]) if row.get("meets") else "",
        "zones": "/".join(row["zones"]),
        "area_m2": row["area_m2"],
        "department": row["department"],
        "status": row["status"],
    }


def export_gpkg(rows: list[dict[str, Any]]) -> bytes:
    """The patches as a GeoPackage layer in WGS-84, written by GDAL (pyogrio) to a file and read back."""
    frame = gpd.GeoDataFrame(
        [_flat(r) for r in rows],
        geometry=[shapely.from_geojson(orjson.dumps(r["geometry"]).decode()) for r in rows],
        crs=4326,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan_conflicts.gpkg"
        frame.to_file(path, layer="plan_conflict", driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def export_pdf(var_dir: Path, rows: list[dict[str, Any]], words: dict[str, str]) -> bytes:
    """A list of the patches for the coordination meeting: counts by type, then one line per patch."""
    document = pdf.document(var_dir, words["title"], words["subtitle"])
    totals: dict[str, int] = {}
    for r in rows:
        totals[words["rule." + r["rule"]]] = totals.get(words["rule." + r["rule"]], 0) + 1
    pdf.bar_chart(document, words["by_rule"], sorted(totals.items(), key=lambda kv: -kv[1]))
    document.set_font("cockpit", size=8)
    for r in rows:
        rule, status, zones = words["rule." + r["rule"]], words["status." + r["status"]], " / ".join(r["zones"])
        line = f"#{r['id']}  {rule}  {zones}  {r['area_m2']:,.0f} m²  {r['department']}  {status}"
        document.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def export(
    url: str, actor: Actor, kind: str, rows: list[dict[str, Any]], var_dir: Path, words: dict[str, str]
) -> tuple[str, bytes]:
    """The patches shown as GeoJSON, GeoPackage or the meeting's PDF, as (file name, bytes), audited here."""
    if kind not in ("geojson", "gpkg", "pdf"):
        raise ValueError(f"unknown export {kind!r}")
    audit.record_alone(url, actor, "planning.export", kind, after={"patches": len(rows)})
    if kind == "geojson":
        return "plan_conflicts.geojson", export_geojson(rows)
    if kind == "gpkg":
        return "plan_conflicts.gpkg", export_gpkg(rows)
    return "plan_conflicts.pdf", export_pdf(var_dir, rows, words)
