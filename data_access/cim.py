"""City information model: districts, streets, grids and the detail zone's base-map features."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from data_access.models import BaseFeature, District, Facility, Grid, Street

GENERATED_LAYERS = ("pipeline", "community")  # drawn by a generator on the real base, replaced with the streets
BASE_LAYERS = ("road", "building", "water", "green", "poi", "coverage", *GENERATED_LAYERS)
FACILITY_KINDS = ("metro_station", "hospital", "shelter")


def replace_city(
    session: Session,
    districts: Iterable[dict[str, Any]],
    features: Iterable[dict[str, Any]],
    facilities: Iterable[dict[str, Any]],
) -> None:
    """Swap the real geography; callers clear what refers to districts first, in the same transaction."""
    for table in (Facility, BaseFeature, District):
        session.execute(delete(table))
    session.execute(insert(District), list(districts))
    session.execute(insert(BaseFeature), list(features))
    session.execute(insert(Facility), list(facilities))


def replace_streets(session: Session, streets: list[dict[str, Any]], grids: list[dict[str, Any]]) -> None:
    session.execute(delete(Grid))
    session.execute(delete(Street))
    if streets:
        session.execute(insert(Street), streets)
    if grids:
        session.execute(insert(Grid), grids)


def replace_generated_layer(session: Session, layer: str, rows: list[dict[str, Any]]) -> None:
    """Swap one generated layer (rows as BaseFeature columns): stored, so the core reads it like any layer."""
    if layer not in GENERATED_LAYERS:
        raise ValueError(f"not a generated layer: {layer!r}")
    session.execute(delete(BaseFeature).where(BaseFeature.layer == layer))
    if rows:
        session.execute(insert(BaseFeature), [r | {"layer": layer} for r in rows])


def _feature(geometry: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": orjson.loads(geometry), "properties": properties}


def districts(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(District).order_by(District.adcode)).scalars()
    return [{"adcode": d.adcode, "name": d.name, "lon": d.lon, "lat": d.lat, "geometry": d.geometry} for d in rows]


def district_geometry(session: Session, adcode: str) -> str | None:
    return session.scalar(select(District.geometry).where(District.adcode == adcode))


def district_features(session: Session) -> list[dict[str, Any]]:
    return [_feature(d["geometry"], {"adcode": d["adcode"], "name": d["name"]}) for d in districts(session)]


def base_features(session: Session, layer: str) -> list[dict[str, Any]]:
    if layer not in BASE_LAYERS:
        raise ValueError(f"unknown base layer {layer!r}")
    rows = session.execute(select(BaseFeature).where(BaseFeature.layer == layer).order_by(BaseFeature.id))
    return [_feature(f.geometry, {"name": f.name, "kind": f.kind, "osm_id": f.osm_id}) for f in rows.scalars()]


def base_rows(session: Session, layer: str) -> list[dict[str, Any]]:
    """A layer's features as rows (id, name, kind, properties and geometry as stored JSON text)."""
    if layer not in BASE_LAYERS:
        raise ValueError(f"unknown base layer {layer!r}")
    query = select(BaseFeature.id, BaseFeature.name, BaseFeature.kind, BaseFeature.properties, BaseFeature.geometry)
    return [dict(r._mapping) for r in session.execute(query.where(BaseFeature.layer == layer).order_by(BaseFeature.id))]


def grid_features(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Grid.code, Grid.geometry, Grid.generated, Street.name).join(Street, Grid.street_id == Street.id)
    )
    return [
        _feature(geometry, {"code": code, "street": street, "generated": generated})
        for code, geometry, generated, street in rows
    ]


def street_rows(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Street.id, Street.code, Street.name, Street.geometry, Street.district_adcode))
    return [dict(r._mapping) for r in rows]


def grid_rows(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Grid.id, Grid.code, Grid.street_id, Grid.geometry))
    return [dict(r._mapping) for r in rows]


def facility_points(session: Session, kind: str) -> list[dict[str, Any]]:
    if kind not in FACILITY_KINDS:
        raise ValueError(f"unknown facility kind {kind!r}")
    rows = session.execute(
        select(Facility.name, Facility.lon, Facility.lat, Facility.district_adcode, Facility.ref)
        .where(Facility.kind == kind)
        .order_by(Facility.id)
    )
    return [dict(r._mapping) for r in rows]


def facility_counts_by_district(session: Session) -> dict[tuple[str, str], int]:
    """(adcode, kind) -> count, for the overview's per-district table."""
    rows = session.execute(
        select(Facility.district_adcode, Facility.kind, func.count())
        .where(Facility.district_adcode.is_not(None))
        .group_by(Facility.district_adcode, Facility.kind)
    )
    return {(adcode, kind): n for adcode, kind, n in rows}


def named_features(session: Session, layers: tuple[str, ...]) -> list[dict[str, Any]]:
    """Base features of `layers` that have a name, with their ids: the gazetteer of the city's own data."""
    query = select(BaseFeature).where(BaseFeature.layer.in_(layers), BaseFeature.name.is_not(None))
    return [
        {
            "id": f.id,
            "layer": f.layer,
            "name": f.name,
            "kind": f.kind,
            "geometry": f.geometry,
            "properties": f.properties,
        }
        for f in session.scalars(query.order_by(BaseFeature.id))
    ]


def base_feature(session: Session, feature_id: int) -> dict[str, Any] | None:
    found = session.get(BaseFeature, feature_id)
    if found is None:
        return None
    return {c.key: getattr(found, c.key) for c in BaseFeature.__table__.columns}
