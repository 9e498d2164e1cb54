"""Simulation runs and their frames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from data_access.models import Simulation, SimulationFrame


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def start(session: Session, values: dict[str, Any]) -> int:
    return session.execute(insert(Simulation).returning(Simulation.id), [values]).scalar_one()


def finish(session: Session, simulation_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Simulation).where(Simulation.id == simulation_id).values(**values))


def add_frames(session: Session, frames: Sequence[dict[str, Any]]) -> None:
    if frames:
        session.execute(insert(SimulationFrame), list(frames))


def get(session: Session, simulation_id: int) -> dict[str, Any] | None:
    found = session.get(Simulation, simulation_id)
    return _row(found) if found else None


def recent(session: Session, kind: str | None, limit: int) -> list[dict[str, Any]]:
    query = select(Simulation).order_by(Simulation.id.desc()).limit(limit)
    if kind:
        query = query.where(Simulation.kind == kind)
    return [_row(s) for s in session.scalars(query)]


def frame_minutes(session: Session, simulation_id: int) -> list[tuple[int, int]]:
    query = select(SimulationFrame.number, SimulationFrame.minute).where(SimulationFrame.simulation_id == simulation_id)
    return [tuple(r) for r in session.execute(query.order_by(SimulationFrame.number))]


def frame(session: Session, simulation_id: int, number: int) -> dict[str, Any] | None:
    found = session.get(SimulationFrame, (simulation_id, number))
    return _row(found) if found else None
