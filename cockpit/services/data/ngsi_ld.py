"""NGSI-LD export (FIWARE, ETSI GS CIM 009): a page of a dataset's records as entities of the matching Smart
Data Model (Device, Building, PointOfInterest, ServiceRequest, …), so an Orion-LD broker or any NGSI-LD
consumer can take the city's data as it is. A dataset with no model of its own is exported as entities of
a type named after it, every field a Property."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# the terms' IRIs: names, never fetched; the context that maps to them is the cockpit's own (`context()`), so an
# air-gapped consumer expands the entities without reaching the internet
CORE = "https://uri.etsi.org/ngsi-ld/"
SDM = "https://smartdatamodels.org/"
CORE_TERMS = {
    "id": "@id",
    "type": "@type",
    "Property": f"{CORE}Property",
    "GeoProperty": f"{CORE}GeoProperty",
    "value": f"{CORE}hasValue",
    "location": {"@id": f"{CORE}location", "@type": "@id"},
    "dateCreated": f"{CORE}createdAt",
}


@dataclass(frozen=True)
class Model:
    type: str
    key: str  # the field that names the entity in its URN
    attributes: dict[str, str] = field(default_factory=dict)  # model attribute -> dataset field
    category: str | None = None  # a fixed category, for datasets of one kind


MODELS = {
    "devices": Model(
        "Device",
        "code",
        {
            "name": "name",
            "category": "type",
            "owner": "owner_department",
            "dateLastValueReported": "last_seen",
            "deviceState": "online",
        },
    ),
    "hospitals": Model("PointOfInterest", "ref", {"name": "name"}, category="hospital"),
    "shelters": Model("PointOfInterest", "ref", {"name": "name"}, category="shelter"),
    "metro_stations": Model("PointOfInterest", "ref", {"name": "name"}, category="subwayStation"),
    "shelters_emergency": Model("PointOfInterest", "编号", {"name": "名称", "capacity": "容纳人数"}, "shelter"),
    "shelters_civil": Model("PointOfInterest", "编号", {"name": "名称", "capacity": "容纳人数"}, "shelter"),
    "base_features": Model("Building", "osm_id", {"name": "name", "category": "kind"}),
    "cases": Model(
        "ServiceRequest", "code", {"service_code": "category", "status": "status", "requested_datetime": "filed_at"}
    ),
    "tickets": Model(
        "ServiceRequest",
        "code",
        {
            "service_code": "category",
            "status": "status",
            "requested_datetime": "created_at",
            "updated_datetime": "closed_at",
            "description": "title",
            "agency_responsible": "department",
            "address_string": "address",
        },
    ),
    "incidents": Model(
        "Alert",
        "code",
        {"category": "type", "severity": "level", "dateIssued": "reported_at", "description": "description"},
    ),
    "air_quality": Model(
        "AirQualityObserved",
        "_id",
        {"pm25": "pm25", "pm10": "pm10", "no2": "no2", "so2": "so2", "co": "co", "o3": "o3", "dateObserved": "ts"},
    ),
}


def _value(value: Any) -> Any:
    return value.isoformat() + "Z" if isinstance(value, datetime) else value


def _type_of(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) or "Record"


def context() -> dict[str, Any]:
    """The JSON-LD context every exported entity names: the NGSI-LD core terms and those of the Smart Data
    Models the cockpit exports, mapped to their IRIs."""
    terms: dict[str, Any] = {"ngsi-ld": CORE, "sdm": SDM} | CORE_TERMS
    for model in MODELS.values():
        terms[model.type] = f"{SDM}dataModel.{model.type}/{model.type}"
        for attribute in (*model.attributes, "category", "dataProvider"):
            terms.setdefault(attribute, f"{SDM}{attribute}")
    return {"@context": terms}


def entities(dataset: dict[str, Any], records: list[dict[str, Any]], context_url: str) -> list[dict[str, Any]]:
    model = MODELS.get(dataset["name"])
    kind = model.type if model else _type_of(dataset["name"])
    out = []
    for record in records:
        ident = record.get(model.key) if model else None
        entity: dict[str, Any] = {
            "id": f"urn:ngsi-ld:{kind}:{dataset['name']}:{ident if ident is not None else record['_id']}",
            "type": kind,
            "@context": context_url,
        }
        pairs = model.attributes.items() if model else ((k, k) for k in record if not k.startswith("_"))
        for attribute, field_name in pairs:
            value = record.get(field_name)
            if value is not None and field_name not in ("geometry",):
                entity[attribute] = {"type": "Property", "value": _value(value)}
        if model and model.category:
            entity["category"] = {"type": "Property", "value": [model.category]}
        location = record.get("_geometry") or record.get("geometry") or _point(record)
        if location:
            entity["location"] = {"type": "GeoProperty", "value": location}
        entity["dataProvider"] = {"type": "Property", "value": dataset["provider"]}
        out.append(entity)
    return out


def _point(record: dict[str, Any]) -> dict[str, Any] | None:
    lon, lat = record.get("lon"), record.get("lat")
    if isinstance(lon, int | float) and isinstance(lat, int | float):
        return {"type": "Point", "coordinates": [lon, lat]}
    return None
