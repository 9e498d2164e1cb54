"""Field work storage: photos from the phones and the worker's own queue of cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from data_access.models import Case, Photo
from data_access.operations import CASE_FIELDS

PHOTO_FIELDS = (
    "id",
    "sha256",
    "case_id",
    "uploaded_by",
    "uploaded_at",
    "width",
    "height",
    "size",
    "gps_lon",
    "gps_lat",
    "taken_at",
)


def add_photo(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    photo = Photo(**values)
    session.add(photo)
    session.flush()
    return {f: getattr(photo, f) for f in PHOTO_FIELDS}


def photo(session: Session, photo_id: int) -> dict[str, Any] | None:
    row = session.get(Photo, photo_id)
    return {f: getattr(row, f) for f in PHOTO_FIELDS} if row else None


def photos_of_case(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(Photo).where(Photo.case_id == case_id).order_by(Photo.id))
    return [{f: getattr(r, f) for f in PHOTO_FIELDS} for r in rows]


def attach_photos(session: Session, photo_ids: list[int], case_id: int, uploaded_by: str) -> int:
    """Link the uploader's own photos that are unlinked (or already this case's: a retried step) to a case;
    returns how many are now the case's."""
    query = (
        update(Photo)
        .where(
            Photo.id.in_(photo_ids),
            Photo.uploaded_by == uploaded_by,
            or_(Photo.case_id.is_(None), Photo.case_id == case_id),
        )
        .values(case_id=case_id)
    )
    return session.execute(query).rowcount


def assigned(session: Session, assignee: str, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    query = select(Case).where(Case.assignee == assignee, Case.status.in_(statuses)).order_by(Case.id.desc())
    return [{f: getattr(c, f) for f in CASE_FIELDS} for c in session.scalars(query.limit(200))]
