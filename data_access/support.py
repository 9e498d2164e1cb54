"""Application support platform: install metadata and the settings every worker shares."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from data_access.models import Meta


def read_meta(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Meta.key, Meta.value)).all())


def write_meta(session: Session, values: dict[str, str]) -> None:
    session.execute(delete(Meta).where(Meta.key.in_(values)))
    session.execute(insert(Meta), [{"key": k, "value": v} for k, v in values.items()])
