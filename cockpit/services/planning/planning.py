"""Multi-plan integration (多规合一) as a service: the plans of the sample city loaded once (generated on the real
geography, labelled), conflict patches detected between them and the standing buildings under the rule matrix
of plan_overlay and kept across detections (a patch keeps its key, so a plan corrected settles it), and the
listing the API and the scenario page read."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
import shapely
from shapely.geometry import mapping

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.planning import plan_overlay
from cockpit.services.support import audit
from cockpit.vocab import PLAN_CONFLICT_STATUSES
from data_access import cim
from data_access import planning as store
from data_access.db import transaction, write_transaction

RULES = tuple(r.key for r in plan_overlay.RULES)


@dataclass(frozen=True)
class Detected:
    new: int
    again: int
    settled: int
    slivers: int
    repaired: int


def geojson(shape: shapely.Geometry) -> str:
    return orjson.dumps(mapping(shapely.set_precision(shape, 1e-7))).decode()


def detect(url: str, actor: Actor) -> Detected:
    """Every rule over the stored plans and the standing buildings; the patches stored and audited together."""
    with transaction(url) as session:
        stored = store.zones(session)
        buildings = cim.base_features(session, "building")
    layers = {
        key: plan_overlay.layer(key, [(c, u, shapely.from_geojson(g)) for c, u, g in rows])
        for key, rows in stored.items()
    }
    layers["building"] = plan_overlay.layer(
        "building",
        [(str(b["properties"]["osm_id"]), "building", shapely.geometry.shape(b["geometry"])) for b in buildings],
    )
    found = plan_overlay.detect(layers)
    pieces: dict[tuple[str, str, str], int] = {}
    rows = []
    ordered = sorted(found.patches, key=lambda p: (p.rule, p.left_code, p.right_code, -p.area_m2))
    for patch in ordered:
        pair = (patch.rule, patch.left_code, patch.right_code)
        pieces[pair] = pieces.get(pair, 0) + 1
        rows.append(
            {
                "key": f"{patch.rule}:{patch.left_code}:{patch.right_code}:{pieces[pair]}",
                "rule": patch.rule,
                "left_layer": patch.left,
                "left_code": patch.left_code,
                "right_layer": patch.right,
                "right_code": patch.right_code,
                "area_m2": patch.area_m2,
                "department": patch.department,
                "geometry": geojson(patch.geometry),
                "meets": None,
            }
        )
    for meeting in plan_overlay.meetings(ordered):
        told = {
            "plans": list(meeting.plans),
            "rules": list(meeting.rules),
            "area_m2": meeting.area_m2,
            "patches": [rows[m]["key"] for m in meeting.members],
        }
        for m in meeting.members:
            rows[m]["meets"] = orjson.dumps(told).decode()
    with write_transaction(url) as session:
        counts = store.store_patches(session, rows, stored_now())
        audit.record(session, actor, "planning.detect", "plan_conflict", after=counts | {"slivers": found.slivers})
    return Detected(counts["new"], counts["again"], counts["settled"], found.slivers, found.repaired)


def listing(url: str, status: str | None = None, rule: str | None = None, limit: int = 1000) -> list[dict]:
    if status is not None and status not in PLAN_CONFLICT_STATUSES:
        raise Refused("planning.bad_status", http=400, allowed=", ".join(PLAN_CONFLICT_STATUSES))
    if rule is not None and rule not in RULES:
        raise Refused("planning.bad_rule", http=400, allowed=", ".join(RULES))
    with transaction(url) as session:
        rows = store.conflicts(session, status, rule, limit)
    return [
        {
            "id": r["id"],
            "rule": r["rule"],
            "plans": [r["left_layer"], r["right_layer"]],
            "zones": [r["left_code"], r["right_code"]],
            "area_m2": r["area_m2"],
            "department": r["department"],
            "status": r["status"],
            "detected_at": r["detected_at"],
            "meets": orjson.loads(r["meets"]) if r["meets"] else None,
            "geometry": r["geometry"],
        }
        for r in rows
    ]
