"""Plan layers, their zones and the conflict patches between them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import PlanConflict, PlanLayer, PlanOpinion, PlanRevision, PlanZone

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
    """Patches found now: new keys open, known ones refreshed (a settled patch found again opens again, one in
    hand keeps its status), unsettled ones not found any more settled. Answers the three counts."""
    known = {k: (i, s) for i, k, s in session.execute(select(PlanConflict.id, PlanConflict.key, PlanConflict.status))}
    fresh = [p | {"status": "open", "detected_at": now, "settled_at": None} for p in patches if p["key"] not in known]
    if fresh:
        session.execute(insert(PlanConflict), fresh)
    again = [p for p in patches if p["key"] in known]
    for p in again:
        session.execute(
            update(PlanConflict)
            .where(PlanConflict.id == known[p["key"]][0])
            .values(area_m2=p["area_m2"], geometry=p["geometry"], meets=p.get("meets"), settled_at=None)
        )
        if known[p["key"]][1] == "settled":
            session.execute(update(PlanConflict).where(PlanConflict.id == known[p["key"]][0]).values(status="open"))
    found = {p["key"] for p in patches}
    gone = [i for k, (i, s) in known.items() if k not in found and s != "settled"]
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


def conflict(session: Session, conflict_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = select(PlanConflict).where(PlanConflict.id == conflict_id)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(PlanConflict, found) if found else None


def set_conflict(session: Session, conflict_id: int, values: dict[str, Any]) -> None:
    session.execute(update(PlanConflict).where(PlanConflict.id == conflict_id).values(**values))


def add_opinion(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(PlanOpinion), [values])


def opinions(session: Session, conflict_id: int) -> list[dict[str, Any]]:
    query = select(PlanOpinion).where(PlanOpinion.conflict_id == conflict_id).order_by(PlanOpinion.id)
    return [_row(PlanOpinion, r) for r in session.scalars(query)]


def zone(session: Session, layer_key: str, code: str) -> dict[str, Any] | None:
    query = select(PlanZone).join(PlanLayer).where(PlanLayer.key == layer_key, PlanZone.code == code)
    found = session.scalars(query).first()
    return _row(PlanZone, found) if found else None


def set_zone_geometry(session: Session, zone_id: int, geometry: str) -> None:
    session.execute(update(PlanZone).where(PlanZone.id == zone_id).values(geometry=geometry))


def next_revision(session: Session, layer_key: str) -> int:
    """The plan's revision after one more change, written."""
    revision = int(session.scalar(select(PlanLayer.revision).where(PlanLayer.key == layer_key)) or 0) + 1
    session.execute(update(PlanLayer).where(PlanLayer.key == layer_key).values(revision=revision))
    return revision


def add_revision(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(PlanRevision), [values])


def revisions(session: Session, layer_key: str | None = None) -> list[dict[str, Any]]:
    query = select(PlanRevision).order_by(PlanRevision.id)
    if layer_key:
        query = query.where(PlanRevision.layer_key == layer_key)
    return [_row(PlanRevision, r) for r in session.scalars(query)]


def counts(session: Session) -> list[tuple[str, str, int, float]]:
    """(rule, status, patches, m²) for every pair that has any."""
    query = select(PlanConflict.rule, PlanConflict.status, func.count(), func.sum(PlanConflict.area_m2)).group_by(
        PlanConflict.rule, PlanConflict.status
    )
    return [(r, s, int(n), float(a or 0)) for r, s, n, a in session.execute(query)]


def zone_limits(session: Session, layer_key: str) -> dict[str, dict[str, float | None]]:
    """Each zone's limits (FAR, height, green ratio) by its code."""
    query = (
        select(PlanZone.code, PlanZone.far_max, PlanZone.height_max, PlanZone.green_min)
        .join(PlanLayer)
        .where(PlanLayer.key == layer_key)
    )
    return {c: {"far_max": f, "height_max": h, "green_min": g} for c, f, h, g in session.execute(query)}
