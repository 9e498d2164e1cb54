"""Emergency command storage: incidents, resources, plans and dispatches (support platform's scenario 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import Dispatch, Incident, Plan, Resource

INCIDENT_FIELDS = (
    "id",
    "code",
    "type",
    "level",
    "lon",
    "lat",
    "district_adcode",
    "street_code",
    "description",
    "reporter",
    "status",
    "reported_at",
    "closed_at",
    "generated",
)
RESOURCE_FIELDS = (
    "id",
    "code",
    "kind",
    "name",
    "base_name",
    "home_lon",
    "home_lat",
    "lon",
    "lat",
    "capacity",
    "occupancy",
    "status",
    "district_adcode",
    "generated",
)
DISPATCH_FIELDS = (
    "id",
    "incident_id",
    "resource_id",
    "status",
    "stage",
    "eta_s",
    "method",
    "route",
    "dispatched_by",
    "dispatched_at",
    "en_route_at",
    "on_scene_at",
    "returning_at",
    "finished_at",
    "reported_by",
)


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def replace_resources(session: Session, resources: list[dict[str, Any]], plans: list[dict[str, Any]]) -> None:
    """Clear the scenario (dispatches, incidents, resources; plans only when new ones are given)."""
    session.execute(delete(Dispatch))
    session.execute(delete(Incident))
    session.execute(delete(Resource))
    add_resources(session, resources)
    if plans:
        session.execute(delete(Plan))
        session.execute(insert(Plan), plans)


def add_resources(session: Session, resources: list[dict[str, Any]]) -> None:
    if resources:
        session.execute(insert(Resource), resources)


def add_incident(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    incident = Incident(**values)
    session.add(incident)
    session.flush()
    incident.code = f"INC-{incident.reported_at:%Y%m%d}-{incident.id:05d}"
    session.flush()
    return _row(incident, INCIDENT_FIELDS)


def incident(session: Session, incident_id: int) -> dict[str, Any] | None:
    found = session.get(Incident, incident_id)
    return _row(found, INCIDENT_FIELDS) if found else None


def incidents(session: Session, statuses: tuple[str, ...] | None = None, limit: int = 200) -> list[dict[str, Any]]:
    query = select(Incident).order_by(Incident.status == "closed", Incident.level, Incident.reported_at.desc())
    if statuses:
        query = query.where(Incident.status.in_(statuses))
    return [_row(i, INCIDENT_FIELDS) for i in session.scalars(query.limit(limit))]


def set_incident_status(session: Session, incident_id: int, status: str, at: datetime | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if status == "closed":
        values["closed_at"] = at
    session.execute(update(Incident).where(Incident.id == incident_id).values(**values))


def resources(session: Session, kinds: tuple[str, ...] | None = None, status: str | None = None) -> list[dict]:
    query = select(Resource).order_by(Resource.id)
    if kinds:
        query = query.where(Resource.kind.in_(kinds))
    if status:
        query = query.where(Resource.status == status)
    return [_row(r, RESOURCE_FIELDS) for r in session.scalars(query)]


def resources_by_id(session: Session, resource_ids: list[int]) -> list[dict[str, Any]]:
    return [_row(r, RESOURCE_FIELDS) for r in session.scalars(select(Resource).where(Resource.id.in_(resource_ids)))]


def lock_resources(session: Session, resource_ids: list[int]) -> list[dict[str, Any]]:
    """Rows locked for this transaction (PostgreSQL FOR UPDATE, in id order so two dispatchers never deadlock;
    SQLite writers already hold the database lock)."""
    query = select(Resource).where(Resource.id.in_(resource_ids)).order_by(Resource.id).with_for_update()
    return [_row(r, RESOURCE_FIELDS) for r in session.scalars(query)]


def set_resource(session: Session, resource_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Resource).where(Resource.id == resource_id).values(**values))


def active_dispatch_of(session: Session, resource_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = session.execute(
        select(Dispatch, Incident.code)
        .join(Incident, Dispatch.incident_id == Incident.id)
        .where(Dispatch.resource_id.in_(resource_ids), Dispatch.status == "active")
    )
    return {d.resource_id: _row(d, DISPATCH_FIELDS) | {"incident_code": code} for d, code in rows}


def add_dispatch(session: Session, values: dict[str, Any]) -> int:
    dispatch = Dispatch(**values)
    session.add(dispatch)
    session.flush()
    return dispatch.id


def dispatches(session: Session, incident_id: int | None = None, active_only: bool = False) -> list[dict[str, Any]]:
    query = (
        select(Dispatch, Resource.code, Resource.name, Resource.kind)
        .join(Resource, Dispatch.resource_id == Resource.id)
        .order_by(Dispatch.id)
    )
    if incident_id is not None:
        query = query.where(Dispatch.incident_id == incident_id)
    if active_only:
        query = query.where(Dispatch.status == "active")
    return [
        _row(d, DISPATCH_FIELDS) | {"resource_code": code, "resource_name": name, "resource_kind": kind}
        for d, code, name, kind in session.execute(query)
    ]


def update_dispatch(session: Session, dispatch_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Dispatch).where(Dispatch.id == dispatch_id).values(**values))


def plans(session: Session, incident_type: str | None = None, level: int | None = None) -> list[dict[str, Any]]:
    query = select(Plan).order_by(Plan.incident_type, Plan.level, Plan.kind)
    if incident_type:
        query = query.where(Plan.incident_type == incident_type)
    if level:
        query = query.where(Plan.level == level)
    return [
        _row(p, ("id", "incident_type", "level", "kind", "count", "target_minutes", "updated_by", "updated_at"))
        for p in session.scalars(query)
    ]


def update_plan(session: Session, plan_id: int, values: dict[str, Any]) -> dict[str, Any] | None:
    plan = session.get(Plan, plan_id)
    if plan is None:
        return None
    before = {k: getattr(plan, k) for k in values}
    for key, value in values.items():
        setattr(plan, key, value)
    return before


def resource_counts(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(Resource.kind, Resource.status, func.count()).group_by(Resource.kind, Resource.status)
    )
    return {(kind, status): n for kind, status, n in rows}


def replace_plans(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(delete(Plan))
    if rows:
        session.execute(insert(Plan), rows)
