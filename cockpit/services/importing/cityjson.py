"""CityJSON 1.x/2.0: each city object becomes a record with its type, attributes, height and 2D footprint
(the union of its surfaces seen from above). CityJSON is one JSON document, so it is parsed whole (orjson)
and refused above MAX_BYTES; a city that large comes as CityJSONSeq tiles. cjio would pull in a CLI and
its own geometry stack for what is, here, a vertex transform and a union, so shapely does it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import MultiLineString, MultiPoint, Polygon

from cockpit.services.importing.batch import BATCH_ROWS, Batch
from cockpit.services.importing.errors import ImportFailed

MAX_BYTES = 512 * 1024**2
SURFACES_DEPTH = {"MultiSurface": 1, "CompositeSurface": 1, "Solid": 2, "MultiSolid": 3, "CompositeSolid": 3}


class CityJsonReader:
    format = "cityjson"
    encoding = "utf-8"

    def __init__(self, path: Path, crs: CRS | None = None) -> None:
        if path.stat().st_size > MAX_BYTES:
            raise ImportFailed("import.too_big", mb=MAX_BYTES // 1024**2)
        try:
            self.doc = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as error:
            raise ImportFailed("import.unreadable", reason=str(error)[:200]) from None
        if not isinstance(self.doc, dict) or self.doc.get("type") != "CityJSON":
            raise ImportFailed("import.unreadable", reason='not a CityJSON document ("type": "CityJSON")')
        self.version = str(self.doc.get("version", ""))
        declared = (self.doc.get("metadata") or {}).get("referenceSystem")
        try:
            self.crs = CRS.from_user_input(_epsg(declared)) if declared else crs
        except CRSError as error:
            raise ImportFailed("import.bad_crs", crs=str(declared)[:100], reason=str(error)[:200]) from None
        transform = self.doc.get("transform") or {"scale": [1, 1, 1], "translate": [0, 0, 0]}
        try:
            self.vertices = np.asarray(self.doc.get("vertices", []), dtype=float).reshape(-1, 3)
            self.vertices = self.vertices * transform["scale"] + transform["translate"]
        except (ValueError, TypeError, KeyError) as error:
            raise ImportFailed("import.unreadable", reason=f"vertices: {error}") from None
        objects = self.doc.get("CityObjects")
        if not isinstance(objects, dict) or not objects:
            raise ImportFailed("import.empty")
        self.objects = objects
        names = sorted({k for o in objects.values() for k in (o.get("attributes") or {})})
        self.columns = ["id", "type", "lod", "height", "parents", *names]
        self.types = {"id": "text", "type": "text", "lod": "text", "height": "number", "parents": "text"}

    def batches(self):
        items = list(self.objects.items())
        for start in range(0, len(items), BATCH_ROWS):
            chunk = items[start : start + BATCH_ROWS]
            rows, shapes, numbers = [], [], []
            for number, (key, obj) in enumerate(chunk, start=start + 1):
                shape, lod, height = self._shape(obj.get("geometry") or [])
                attributes = obj.get("attributes") or {}
                fixed = [key, obj.get("type"), lod, height, ",".join(obj.get("parents") or []) or None]
                rows.append(fixed + [_cell(attributes.get(n)) for n in self.columns[5:]])
                shapes.append(shape)
                numbers.append(number)
            progress = min(1.0, (start + len(chunk)) / len(items))
            geometry = np.array(shapes, dtype=object)
            yield Batch(self.columns, rows, numbers, geometry, progress=progress, types=self._types())

    def _types(self) -> dict[str, str]:
        return self.types | {n: "text" for n in self.columns[5:]}

    def _shape(self, geometries: list[dict]):
        if not geometries:
            return None, None, None
        best = max(geometries, key=lambda g: float(g.get("lod", 0) or 0))
        kind, boundaries = best.get("type"), best.get("boundaries") or []
        try:
            if kind in SURFACES_DEPTH:
                surfaces = _flatten(boundaries, SURFACES_DEPTH[kind])
                rings = [self.vertices[s[0]] for s in surfaces if s and len(s[0]) >= 3]
                polygons = [Polygon(r[:, :2]) for r in rings]
                shape = shapely.union_all([p for p in polygons if p.is_valid and p.area > 0] or polygons)
                zs = np.concatenate([r[:, 2] for r in rings]) if rings else np.array([0.0])
                return shape, str(best.get("lod")), round(float(zs.max() - zs.min()), 2)
            if kind == "MultiPoint":
                return MultiPoint(self.vertices[boundaries][:, :2]), str(best.get("lod")), None
            if kind == "MultiLineString":
                return MultiLineString([self.vertices[b][:, :2] for b in boundaries]), str(best.get("lod")), None
        except (IndexError, ValueError, TypeError):
            return None, str(best.get("lod")), None
        return None, str(best.get("lod")), None


def _flatten(boundaries: list, depth: int) -> list:
    for _ in range(depth - 1):
        boundaries = [item for group in boundaries for item in group]
    return boundaries


def _epsg(reference: str) -> str:
    """'https://www.opengis.net/def/crs/EPSG/0/7415' (CityJSON 1.1+) or 'urn:ogc:def:crs:EPSG::7415' (1.0)."""
    code = reference.rstrip("/").split("/")[-1].split(":")[-1]
    return f"EPSG:{code}" if code.isdigit() else reference


def _cell(value: object) -> object:
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return None if value == "" else value
