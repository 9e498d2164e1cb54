"""Construction projects and their schedules' tasks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import Project, ProjectTask


def _row(model: Any, found: Any) -> dict[str, Any]:
    return {c.key: getattr(found, c.key) for c in model.__table__.columns}


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Project)) or 0)


def add(session: Session, values: dict[str, Any], tasks: list[dict[str, Any]]) -> int:
    project_id = session.execute(insert(Project).returning(Project.id), [values]).scalar_one()
    if tasks:
        session.execute(insert(ProjectTask), [t | {"project_id": project_id} for t in tasks])
    return int(project_id)


def projects(session: Session) -> list[dict[str, Any]]:
    return [_row(Project, r) for r in session.scalars(select(Project).order_by(Project.id))]


def project(session: Session, project_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = select(Project).where(Project.id == project_id)
    found = session.scalars(query.with_for_update() if lock else query).first()
    return _row(Project, found) if found else None


def tasks(session: Session, project_id: int) -> list[dict[str, Any]]:
    query = select(ProjectTask).where(ProjectTask.project_id == project_id).order_by(ProjectTask.id)
    return [_row(ProjectTask, r) for r in session.scalars(query)]


def all_tasks(session: Session) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for r in session.scalars(select(ProjectTask).order_by(ProjectTask.id)):
        out.setdefault(r.project_id, []).append(_row(ProjectTask, r))
    return out


def replace_tasks(session: Session, project_id: int, rows: list[dict[str, Any]]) -> None:
    session.execute(delete(ProjectTask).where(ProjectTask.project_id == project_id))
    if rows:
        session.execute(insert(ProjectTask), [r | {"project_id": project_id} for r in rows])


def set_project(session: Session, project_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Project).where(Project.id == project_id).values(**values))
