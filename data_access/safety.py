"""Public-safety storage: key areas and their cameras, sightings and person files, tags, the watch list, the
search log, lost-person reports and unmask grants. Queries are shaped for the indexes the benchmarks rely on:
(plate, ts) for a vehicle's trajectory, (person_file_id, ts) for a person's, (device_id, ts) for a ring search."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from data_access.models import (
    CameraSite,
    Device,
    KeyArea,
    LostPerson,
    PersonFile,
    SafetyCase,
    SafetyCaseOfficer,
    SafetySearch,
    SafetyTag,
    Sighting,
    UnmaskGrant,
    WatchEntry,
)

SIGHTING_FIELDS = (
    "id",
    "sighting_id",
    "device_id",
    "ts",
    "kind",
    "confidence",
    "plate",
    "vehicle_type",
    "colour",
    "upper",
    "lower",
    "age_band",
    "bag",
    "hat",
    "feature",
    "person_file_id",
)
LOST_FIELDS = tuple(c.name for c in LostPerson.__table__.columns)


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in result]


def replace_key_areas(session: Session, areas: list[dict[str, Any]], sites: list[dict[str, Any]]) -> None:
    """Sites name their camera by device code and their area by area code; both are resolved to ids here."""
    session.execute(delete(CameraSite))
    session.execute(delete(KeyArea))
    if areas:
        session.execute(KeyArea.__table__.insert(), areas)
    area_ids = dict(session.execute(select(KeyArea.code, KeyArea.id)).all())
    codes = [s["camera_code"] for s in sites]
    device_ids = dict(session.execute(select(Device.code, Device.id).where(Device.code.in_(codes))).all())
    rows = [
        {"device_id": device_ids[s["camera_code"]], "key_area_id": area_ids.get(s["area_code"]), "sees": s["sees"]}
        for s in sites
        if s["camera_code"] in device_ids
    ]
    if rows:
        session.execute(CameraSite.__table__.insert(), rows)


def key_areas(session: Session) -> list[dict[str, Any]]:
    return _rows(
        session.execute(
            select(
                KeyArea.id,
                KeyArea.code,
                KeyArea.name,
                KeyArea.kind,
                KeyArea.lon,
                KeyArea.lat,
                KeyArea.radius_m,
                KeyArea.capacity,
                KeyArea.source,
            ).order_by(KeyArea.id)
        )
    )


def cameras(session: Session) -> list[dict[str, Any]]:
    """Every camera device with its key area (if any) and what it sees."""
    query = (
        select(
            Device.id,
            Device.code,
            Device.name,
            Device.lon,
            Device.lat,
            Device.online,
            Device.last_seen,
            CameraSite.key_area_id,
            func.coalesce(CameraSite.sees, "both").label("sees"),
        )
        .outerjoin(CameraSite, CameraSite.device_id == Device.id)
        .where(Device.type == "camera")
        .order_by(Device.id)
    )
    return _rows(session.execute(query))


def person_files_after(session: Session, after_id: int, seen_since: datetime) -> list[tuple]:
    """(id, centroid, sightings, last_seen) of the files newer than `after_id` seen since a time."""
    query = select(PersonFile.id, PersonFile.centroid, PersonFile.sightings, PersonFile.last_seen).where(
        PersonFile.id > after_id, PersonFile.last_seen >= seen_since
    )
    return [tuple(r) for r in session.execute(query.order_by(PersonFile.id))]


def add_person_files(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """New files in one statement; their ids in the order given."""
    if not rows:
        return []
    statement = insert(PersonFile).returning(PersonFile.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def update_person_files(session: Session, values: list[dict[str, Any]]) -> None:
    """Each dict: file (its id), centroid, sightings, last_seen; one executemany, a later time never moved back."""
    if not values:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "UPDATE person_file SET centroid = ?, sightings = ?, last_seen = max(last_seen, ?) WHERE id = ?",
            [(v["centroid"], v["sightings"], v["last_seen"].isoformat(" ", "microseconds"), v["file"]) for v in values],
        )
        return
    table = PersonFile.__table__
    statement = (
        table.update()
        .where(table.c.id == bindparam("file"))
        .values(
            centroid=bindparam("centroid"),
            sightings=bindparam("sightings"),
            last_seen=func.greatest(table.c.last_seen, bindparam("last_seen")),
        )
    )
    session.execute(statement, values)


def person_file(session: Session, file_id: int) -> dict[str, Any] | None:
    found = session.get(PersonFile, file_id)
    if found is None:
        return None
    return {c.name: getattr(found, c.name) for c in PersonFile.__table__.columns}


def identities(session: Session, subjects: list[str]) -> dict[str, str]:
    """person:<id> -> the identity an officer linked, for the files that have one."""
    ids = [int(s.partition(":")[2]) for s in subjects]
    if not ids:
        return {}
    query = select(PersonFile.id, PersonFile.identity).where(PersonFile.id.in_(ids), PersonFile.identity.is_not(None))
    return {f"person:{file_id}": identity for file_id, identity in session.execute(query)}


def link_identity(session: Session, file_id: int, identity: str | None) -> None:
    session.execute(update(PersonFile).where(PersonFile.id == file_id).values(identity=identity))


def stored_sighting_ids(session: Session, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(Sighting.sighting_id).where(Sighting.sighting_id.in_(ids))))


INSERTED = tuple(f for f in SIGHTING_FIELDS if f != "id")


def insert_sightings(session: Session, rows: list[tuple]) -> None:
    """Rows are tuples in INSERTED order. A sighting id already stored (a redelivery, a twin ingest process) is
    skipped by the database. On SQLite the rows go straight to the driver's executemany, sparing SQLAlchemy's
    per-row parameter building."""
    if not rows:
        return
    connection = session.connection()
    at = INSERTED.index("ts")
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            f"INSERT INTO sighting ({', '.join(INSERTED)}) VALUES ({', '.join('?' * len(INSERTED))}) "
            "ON CONFLICT (sighting_id) DO NOTHING",
            [(*r[:at], r[at].isoformat(" ", "microseconds"), *r[at + 1 :]) for r in rows],
        )
        return
    statement = postgresql_insert(Sighting.__table__).on_conflict_do_nothing(index_elements=["sighting_id"])
    session.execute(statement, [dict(zip(INSERTED, r, strict=True)) for r in rows])


def sightings_where(
    session: Session,
    *,
    plate: str | None = None,
    file_id: int | None = None,
    device_ids: Iterable[int] | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 5000,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """Sightings by plate, by person file or by camera, in a time window, with the camera's place."""
    query = select(*(getattr(Sighting, f) for f in SIGHTING_FIELDS), Device.code, Device.name, Device.lon, Device.lat)
    query = query.join(Device, Device.id == Sighting.device_id)
    if plate is not None:
        query = query.where(Sighting.plate == plate)
    if file_id is not None:
        query = query.where(Sighting.person_file_id == file_id)
    if device_ids is not None:
        query = query.where(Sighting.device_id.in_(list(device_ids)))
    if kind is not None:
        query = query.where(Sighting.kind == kind)
    if since is not None:
        query = query.where(Sighting.ts >= since)
    if until is not None:
        query = query.where(Sighting.ts <= until)
    order = (Sighting.ts.desc(), Sighting.id.desc()) if newest_first else (Sighting.ts, Sighting.id)
    return _rows(session.execute(query.order_by(*order).limit(limit)))


def sightings_by_id(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    query = select(*(getattr(Sighting, f) for f in SIGHTING_FIELDS), Device.code, Device.lon, Device.lat)
    query = query.join(Device, Device.id == Sighting.device_id).where(Sighting.id.in_(ids))
    return _rows(session.execute(query.order_by(Sighting.ts)))


def vehicle_files(
    session: Session, plate: str | None, vehicle_type: str | None, colour: str | None, since: datetime, limit: int
) -> list[dict[str, Any]]:
    """一车一档 as a view over the sightings: one row per plate, its type and colour, when and how often seen."""
    query = select(
        Sighting.plate,
        func.max(Sighting.vehicle_type).label("vehicle_type"),
        func.max(Sighting.colour).label("colour"),
        func.count().label("sightings"),
        func.min(Sighting.ts).label("first_seen"),
        func.max(Sighting.ts).label("last_seen"),
    ).where(Sighting.kind == "vehicle", Sighting.ts >= since)
    if plate:
        query = query.where(Sighting.plate.like(plate.replace("*", "%").replace("?", "_")))
    if vehicle_type:
        query = query.where(Sighting.vehicle_type == vehicle_type)
    if colour:
        query = query.where(Sighting.colour == colour)
    query = query.group_by(Sighting.plate).order_by(func.max(Sighting.ts).desc()).limit(limit)
    return _rows(session.execute(query))


def person_sightings(
    session: Session, criteria: dict[str, Any], since: datetime, until: datetime | None, limit: int
) -> list[dict[str, Any]]:
    """Person sightings whose attributes equal the given ones (None: any), newest first."""
    query = select(*(getattr(Sighting, f) for f in SIGHTING_FIELDS), Device.code, Device.lon, Device.lat)
    query = query.join(Device, Device.id == Sighting.device_id)
    query = query.where(Sighting.kind == "person", Sighting.ts >= since)
    if until is not None:
        query = query.where(Sighting.ts <= until)
    for name, value in criteria.items():
        if value is not None:
            query = query.where(getattr(Sighting, name) == value)
    return _rows(session.execute(query.order_by(Sighting.ts.desc()).limit(limit)))


def counts_since(session: Session, since: datetime) -> dict[str, int]:
    query = select(Sighting.kind, func.count()).where(Sighting.ts >= since).group_by(Sighting.kind)
    return dict(session.execute(query).all())


def hourly_counts(session: Session, since: datetime) -> list[tuple[datetime, str, int]]:
    """(ts, kind) of every sighting since a time, bucketed by the caller: portable across SQLite and PostgreSQL."""
    query = select(Sighting.ts, Sighting.kind).where(Sighting.ts >= since)
    return [tuple(r) for r in session.execute(query)]


def area_presence(session: Session, since: datetime) -> list[dict[str, Any]]:
    """Per camera since a time: distinct person files, sightings, and each file's first and last time there."""
    query = (
        select(
            Sighting.device_id,
            Sighting.person_file_id,
            func.count().label("n"),
            func.min(Sighting.ts).label("first"),
            func.max(Sighting.ts).label("last"),
        )
        .where(Sighting.kind == "person", Sighting.ts >= since, Sighting.person_file_id.is_not(None))
        .group_by(Sighting.device_id, Sighting.person_file_id)
    )
    return _rows(session.execute(query))


def plates_seen(session: Session, plates: list[str], since: datetime) -> list[dict[str, Any]]:
    if not plates:
        return []
    query = (
        select(Sighting.device_id, Sighting.plate, func.count().label("n"), func.max(Sighting.ts).label("last"))
        .where(Sighting.plate.in_(plates), Sighting.ts >= since)
        .group_by(Sighting.device_id, Sighting.plate)
    )
    return _rows(session.execute(query))


def files_seen(session: Session, file_ids: list[int], since: datetime) -> list[dict[str, Any]]:
    if not file_ids:
        return []
    query = (
        select(Sighting.device_id, Sighting.person_file_id, func.count().label("n"))
        .where(Sighting.person_file_id.in_(file_ids), Sighting.ts >= since)
        .group_by(Sighting.device_id, Sighting.person_file_id)
    )
    return _rows(session.execute(query))


def delete_sightings_before(session: Session, cutoff: datetime) -> int:
    return session.execute(delete(Sighting).where(Sighting.ts < cutoff)).rowcount or 0


def delete_empty_person_files(session: Session) -> int:
    """Person files none of whose sightings is left."""
    used = select(Sighting.person_file_id).where(Sighting.person_file_id.is_not(None)).distinct()
    return session.execute(delete(PersonFile).where(PersonFile.id.not_in(used))).rowcount or 0


def add_tag(session: Session, values: dict[str, Any]) -> None:
    session.add(SafetyTag(**values))


def tags(session: Session, subjects: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if subjects:
        query = select(SafetyTag.subject, SafetyTag.tag).where(SafetyTag.subject.in_(subjects)).order_by(SafetyTag.id)
        for subject, tag in session.execute(query):
            out.setdefault(subject, []).append(tag)
    return out


def add_watch(session: Session, values: dict[str, Any]) -> int:
    row = WatchEntry(**values)
    session.add(row)
    session.flush()
    return row.id


def watch_entries(session: Session, active_at: datetime | None = None) -> list[dict[str, Any]]:
    query = select(*WatchEntry.__table__.columns).order_by(WatchEntry.id.desc())
    if active_at is not None:
        query = query.where(WatchEntry.active.is_(True), WatchEntry.until > active_at)
    return _rows(session.execute(query))


def end_watch(session: Session, entry_id: int) -> bool:
    done = session.execute(update(WatchEntry).where(WatchEntry.id == entry_id).values(active=False))
    return bool(done.rowcount)


def add_case(session: Session, values: dict[str, Any]) -> int:
    row = SafetyCase(**values)
    session.add(row)
    session.flush()
    return row.id


def case_by_number(session: Session, case_no: str) -> dict[str, Any] | None:
    row = session.execute(select(*SafetyCase.__table__.columns).where(SafetyCase.case_no == case_no)).first()
    return dict(row._mapping) if row else None


def close_case(session: Session, case_id: int, at: datetime) -> None:
    session.execute(update(SafetyCase).where(SafetyCase.id == case_id).values(closed_at=at))


def assign_officer(session: Session, values: dict[str, Any]) -> None:
    session.merge(SafetyCaseOfficer(**values))


def case_officers(session: Session, case_id: int) -> list[str]:
    query = select(SafetyCaseOfficer.officer).where(SafetyCaseOfficer.case_id == case_id)
    return sorted(session.scalars(query))


def cases_of(session: Session, officer: str | None = None) -> list[dict[str, Any]]:
    """The register, newest first; with `officer`, only the open cases that officer is assigned to."""
    query = select(*SafetyCase.__table__.columns).order_by(SafetyCase.id.desc())
    if officer is not None:
        mine = select(SafetyCaseOfficer.case_id).where(SafetyCaseOfficer.officer == officer)
        query = query.where(SafetyCase.id.in_(mine), SafetyCase.closed_at.is_(None))
    return [dict(r._mapping) for r in session.execute(query)]


def add_search(session: Session, values: dict[str, Any]) -> int:
    row = SafetySearch(**values)
    session.add(row)
    session.flush()
    return row.id


def searches(session: Session, since: datetime, until: datetime) -> list[dict[str, Any]]:
    query = select(*SafetySearch.__table__.columns).where(SafetySearch.at >= since, SafetySearch.at < until)
    return _rows(session.execute(query.order_by(SafetySearch.at)))


def searches_count(session: Session, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(SafetySearch).where(SafetySearch.at >= since)) or 0


def forget_search_criteria(session: Session, case_no: str) -> int:
    done = session.execute(update(SafetySearch).where(SafetySearch.case_no == case_no).values(criteria=None))
    return done.rowcount or 0


def add_lost_person(session: Session, values: dict[str, Any]) -> int:
    """The case's code is LP-<day it was taken in>-<its id>: unique without reading the others first."""
    row = LostPerson(**values | {"code": f"tmp-{values['created_at'].timestamp()}"})
    session.add(row)
    session.flush()
    row.code = f"LP-{values['created_at']:%Y%m%d}-{row.id:05d}"
    session.flush()
    return row.id


def lost_person(session: Session, lost_id: int, for_update: bool = False) -> dict[str, Any] | None:
    query = select(*LostPerson.__table__.columns).where(LostPerson.id == lost_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def lost_persons(session: Session, statuses: Iterable[str] | None = None, limit: int = 200) -> list[dict[str, Any]]:
    query = select(*LostPerson.__table__.columns).order_by(LostPerson.id.desc()).limit(limit)
    if statuses is not None:
        query = query.where(LostPerson.status.in_(list(statuses)))
    return _rows(session.execute(query))


def update_lost_person(session: Session, lost_id: int, values: dict[str, Any]) -> None:
    session.execute(update(LostPerson).where(LostPerson.id == lost_id).values(**values))


def lost_to_purge(session: Session) -> list[dict[str, Any]]:
    query = select(LostPerson.id, LostPerson.code, LostPerson.case_no).where(
        LostPerson.status == "closed", LostPerson.purged_at.is_(None)
    )
    return _rows(session.execute(query))


def add_grant(session: Session, values: dict[str, Any]) -> None:
    session.add(UnmaskGrant(**values))


def granted(session: Session, officer: str, subjects: list[str], at: datetime) -> set[str]:
    if not subjects:
        return set()
    query = select(UnmaskGrant.subject).where(
        UnmaskGrant.officer == officer, UnmaskGrant.subject.in_(subjects), UnmaskGrant.expires_at > at
    )
    return set(session.scalars(query))


def delete_grants_before(session: Session, cutoff: datetime) -> int:
    return session.execute(delete(UnmaskGrant).where(UnmaskGrant.expires_at < cutoff)).rowcount or 0


def search_row(session: Session, search_id: int) -> dict[str, Any] | None:
    row = session.execute(select(*SafetySearch.__table__.columns).where(SafetySearch.id == search_id)).first()
    return dict(row._mapping) if row else None
