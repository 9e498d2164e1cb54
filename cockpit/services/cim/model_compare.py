"""Model comparison (模型比对, CJJ/T 315): two vintages of the buildings — the OpenStreetMap base layer, or any
version of an imported dataset of shapes (a census, a CityJSON model, a later OSM export) — matched building by
building, by id where both carry the OpenStreetMap id, else by footprint overlap (intersection over union at
least MATCH_IOU), and sorted into added, removed, changed (height by a storey or more, footprint overlap below
SAME_IOU, or name) and unchanged."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
import shapely
from shapely.geometry import mapping, shape

from cockpit.refusal import Refused
from cockpit.services.data import housing
from cockpit.services.kernel.geojson import feature
from data_access import catalog as store
from data_access import cim
from data_access.db import transaction

FORMATS = ("geojson", "gpkg", "shapefile", "osm", "cityjson")
MATCH_IOU = 0.5
SAME_IOU = 0.9
STOREY_M = 3.0
HEIGHT_FIELDS = ("height", "高度")
FLOOR_FIELDS = ("层数", "floors", "building:levels")
NAME_FIELDS = ("name", "名称")


@dataclass(frozen=True)
class Building:
    key: str | None  # the OpenStreetMap id, where the vintage carries it
    name: str | None
    height: float | None
    shape: object


def sources(url: str) -> list[dict]:
    """What can be compared: the base layer, then every version of an imported dataset of shapes."""
    with transaction(url) as session:
        versions = store.shape_versions(session, FORMATS)
    return [{"key": "base", "title": None, "title_en": None, "generated": False}] + [
        {
            "key": f"version:{v['version_id']}",
            "title": f"{v['title']} v{v['number']}",
            "title_en": f"{v['title_en'] or v['title']} v{v['number']}",
            "generated": v["generated"],
        }
        for v in versions
    ]


def _base(url: str) -> list[Building]:
    with transaction(url) as session:
        rows = cim.base_rows(session, "building")
    out = []
    for row in rows:
        tags = orjson.loads(row["properties"] or "{}")
        floors = housing.estimate(row["id"], tags, row["kind"], 0.0)[2]
        out.append(Building(tags.get("osm_id"), row["name"], floors * STOREY_M, shape(orjson.loads(row["geometry"]))))
    return out


def _version(url: str, version_id: int) -> list[Building]:
    with transaction(url) as session:
        names, records = store.version_records(session, version_id)
    if not names:
        raise Refused("compare.no_version", http=404, version=version_id)
    out = []
    for record in records:
        if not record["geometry"]:
            continue
        values = dict(zip(names, orjson.loads(record["data"]), strict=False))
        footprint = shape(orjson.loads(record["geometry"]))
        if footprint.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        height = next((values[f] for f in HEIGHT_FIELDS if isinstance(values.get(f), int | float)), None)
        if height is None:
            floors = next((values[f] for f in FLOOR_FIELDS if isinstance(values.get(f), int | float)), None)
            height = floors * STOREY_M if floors else None
        name = next((values[f] for f in NAME_FIELDS if values.get(f)), None)
        out.append(Building(values.get("osm_id"), name, height, footprint))
    return out


def _load(url: str, key: str) -> list[Building]:
    if key == "base":
        return _base(url)
    kind, _, number = key.partition(":")
    if kind != "version" or not number.isdecimal():
        raise Refused("compare.bad_source", source=key[:40])
    return _version(url, int(number))


def _iou(a, b) -> float:
    union = a.union(b).area
    return a.intersection(b).area / union if union else 0.0


def compare(url: str, left: str, right: str) -> dict:
    before, after = _load(url, left), _load(url, right)
    by_key = {b.key: i for i, b in enumerate(after) if b.key}
    tree = shapely.STRtree([b.shape for b in after]) if after else None
    taken: set[int] = set()
    pairs = []
    for old in before:
        j = by_key.get(old.key) if old.key else None
        if j is None and tree is not None:
            candidates = [int(c) for c in tree.query(old.shape, predicate="intersects") if int(c) not in taken]
            scored = [(_iou(old.shape, after[c].shape), c) for c in candidates]
            best = max(scored, default=(0.0, None))
            j = best[1] if best[0] >= MATCH_IOU else None
        if j is not None and j not in taken:
            taken.add(j)
            pairs.append((old, after[j]))
        else:
            pairs.append((old, None))
    out = {"added": [], "removed": [], "changed": [], "unchanged": 0}
    for old, new in pairs:
        if new is None:
            out["removed"].append(_feature(old, "removed", []))
            continue
        why = []
        if old.height is not None and new.height is not None and abs(old.height - new.height) >= STOREY_M:
            why.append("height")
        if _iou(old.shape, new.shape) < SAME_IOU:
            why.append("footprint")
        if old.name and new.name and old.name != new.name:
            why.append("name")
        if why:
            out["changed"].append(_feature(new, "changed", why, old))
        else:
            out["unchanged"] += 1
    out["added"] = [_feature(after[j], "added", []) for j in range(len(after)) if j not in taken]
    out["counts"] = {k: (len(v) if isinstance(v, list) else v) for k, v in out.items()}
    out["left"], out["right"] = left, right
    out["method"] = (
        f"matched by OpenStreetMap id, else by footprint intersection over union ≥ {MATCH_IOU}; changed when the "
        f"height differs by {STOREY_M:g} m or more, the overlap is below {SAME_IOU} or the name differs"
    )
    return out


def _feature(building: Building, change: str, why: list[str], before: Building | None = None) -> dict:
    properties = {
        "change": change,
        "why": why,
        "name": building.name,
        "osm_id": building.key,
        "height": round(building.height, 1) if building.height is not None else None,
    }
    if before is not None:
        properties["height_before"] = round(before.height, 1) if before.height is not None else None
    point = building.shape.representative_point()
    properties |= {"lon": round(point.x, 6), "lat": round(point.y, 6)}
    return feature(mapping(building.shape), properties)
