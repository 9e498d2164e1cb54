"""Plan layers, their zones and the conflict patches between them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import PlanConflict, PlanLayer, PlanZone

ZONE_FIELDS = ("code", "use", "far_max", "height_max", "green_min", "geometry")


def _row(model: Any, found: Any) -> dict[str, Any]:
    return {c.key: getattr(found, c.key) for c in model.__table__.columns}


def layer_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(PlanLayer)) or 0)


def replace_plans(session: Session, layers: list[dict[str, Any]], zones: dict[str, list[dict[str, Any]]]) -> int:
    """Every plan and its zones anew; answers how many zones were written."""
    session.execute(delete(PlanZone))
    session.execute(delete(PlanLayer))
    written = 0
    for values in layers:
        layer_id = session.execute(insert(PlanLayer).returning(PlanLayer.id), [values]).scalar_one()
        rows = [{"layer_id": layer_id} | {k: z[k] for k in ZONE_FIELDS} for z in zones[values["key"]]]
        if rows:
            session.execute(insert(PlanZone), rows)
        written += len(rows)
    return written


def layers(session: Session) -> list[dict[str, Any]]:
    return [_row(PlanLayer, r) for r in session.scalars(select(PlanLayer).order_by(PlanLayer.id))]


def zones(session: Session) -> dict[str, list[tuple[str, str, str]]]:
    """Each plan's zones as (code, use, GeoJSON geometry)."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    query = select(PlanLayer.key, PlanZone.code, PlanZone.use, PlanZone.geometry).join(PlanLayer)
    for key, code, use, geometry in session.execute(query.order_by(PlanZone.id)):
        out.setdefault(key, []).append((code, use, geometry))
    return out


def store_patches(session: Session, patches: list[dict[str, Any]], now: datetime) -> dict[str, int]:
    """Patches found now: new keys open, known ones refreshed (an open or settled patch found again is open),
    open ones not found any more settled. Answers the three counts."""
    known = {k: (i, s) for i, k, s in session.execute(select(PlanConflict.id, PlanConflict.key, PlanConflict.status))}
    fresh = [p | {"status": "open", "detected_at": now, "settled_at": None} for p in patches if p["key"] not in known]
    if fresh:
        session.execute(insert(PlanConflict), fresh)
    again = [p for p in patches if p["key"] in known]
    for p in again:
        session.execute(
            update(PlanConflict)
            .where(PlanConflict.id == known[p["key"]][0])
            .values(area_m2=p["area_m2"], geometry=p["geometry"], status="open", settled_at=None)
        )
    found = {p["key"] for p in patches}
    gone = [i for k, (i, s) in known.items() if k not in found and s == "open"]
    if gone:
        session.execute(update(PlanConflict).where(PlanConflict.id.in_(gone)).values(status="settled", settled_at=now))
    return {"new": len(fresh), "again": len(again), "settled": len(gone)}


def conflicts(session: Session, status: str | None, rule: str | None, limit: int) -> list[dict[str, Any]]:
    query = select(PlanConflict).order_by(PlanConflict.area_m2.desc(), PlanConflict.id).limit(limit)
    if status:
        query = query.where(PlanConflict.status == status)
    if rule:
        query = query.where(PlanConflict.rule == rule)
    return [_row(PlanConflict, r) | {"geometry": orjson.loads(r.geometry)} for r in session.scalars(query)]
