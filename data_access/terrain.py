"""The imported terrain grid, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from data_access.models import TerrainGrid


def add(session: Session, values: dict[str, Any]) -> int:
    return session.execute(insert(TerrainGrid).returning(TerrainGrid.id), [values]).scalar_one()


def newest_id(session: Session) -> int:
    return int(session.scalar(select(func.max(TerrainGrid.id))) or 0)


def get(session: Session, grid_id: int) -> dict[str, Any] | None:
    found = session.get(TerrainGrid, grid_id)
    return {c.key: getattr(found, c.key) for c in TerrainGrid.__table__.columns} if found else None


def clear(session: Session) -> int:
    return session.execute(delete(TerrainGrid)).rowcount or 0
