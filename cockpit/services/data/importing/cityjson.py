"""CityJSON 1.x/2.0 and CityJSONSeq: each city object becomes a record with its type, attributes, height and 2D
footprint (the union of its surfaces seen from above). A CityJSON document is one JSON object with one vertex
list, so it is parsed whole (orjson) and refused above MAX_BYTES; a city that large comes as CityJSONSeq
(`cjio … export jsonl`), which is streamed a feature (a line) at a time. cjio would pull in a CLI and its own
geometry stack for what is, here, a vertex transform and a union, so shapely does it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import orjson
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import MultiLineString, MultiPoint, Polygon

from cockpit.services.data.importing.batch import BATCH_ROWS, Batch
from cockpit.services.data.importing.errors import ImportFailed

MAX_BYTES = 512 * 1024**2
FIXED = {"id": "text", "type": "text", "lod": "text", "height": "number", "parents": "text"}
IDENTITY = {"scale": [1, 1, 1], "translate": [0, 0, 0]}
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
        self.crs = _declared_crs(self.doc, crs)
        self.vertices = _vertices(self.doc.get("vertices", []), self.doc.get("transform") or IDENTITY)
        objects = self.doc.get("CityObjects")
        if not isinstance(objects, dict) or not objects:
            raise ImportFailed("import.empty")
        self.objects = objects
        self.columns = [*FIXED, *sorted({k for o in objects.values() for k in (o.get("attributes") or {})})]

    def batches(self) -> Iterator[Batch]:
        items = list(self.objects.items())
        for start in range(0, len(items), BATCH_ROWS):
            chunk = items[start : start + BATCH_ROWS]
            rows, shapes = zip(*(_record(key, obj, self.vertices, self.columns) for key, obj in chunk), strict=True)
            numbers = list(range(start + 1, start + len(chunk) + 1))
            progress = min(1.0, (start + len(chunk)) / len(items))
            geometry = np.array(shapes, dtype=object)
            yield Batch(self.columns, list(rows), numbers, geometry, progress=progress, types=_types(self.columns))


class CityJsonSeqReader:
    """CityJSONSeq: a first line with the metadata and the transform, then one CityJSONFeature per line with its
    own vertices. Read twice, a line at a time: once for the attribute names (a dataset's fields are known before
    its first batch), once for the objects."""

    format = "cityjson"
    encoding = "utf-8"

    def __init__(self, path: Path, header: dict, crs: CRS | None = None) -> None:
        self.path = path
        self.crs = _declared_crs(header, crs)
        self.transform = header.get("transform") or IDENTITY
        names: set[str] = set()
        self.features = 0
        for _, feature in self._features():
            self.features += 1
            for obj in feature.get("CityObjects").values():
                names.update(obj.get("attributes") or {})
        if not self.features:
            raise ImportFailed("import.empty")
        self.columns = [*FIXED, *sorted(names)]

    def _features(self) -> Iterator[tuple[int, dict]]:
        with self.path.open("rb") as handle:
            next(handle)
            for number, line in enumerate(handle, start=2):
                if not line.strip():
                    continue
                try:
                    feature = orjson.loads(line)
                except orjson.JSONDecodeError as error:
                    raise ImportFailed("import.unreadable", reason=f"line {number}: {error}"[:200]) from None
                if not isinstance(feature, dict) or not isinstance(feature.get("CityObjects"), dict):
                    raise ImportFailed("import.unreadable", reason=f"line {number}: not a CityJSONFeature")
                yield number, feature

    def batches(self) -> Iterator[Batch]:
        rows, shapes, numbers = [], [], []
        for done, (number, feature) in enumerate(self._features(), start=1):
            vertices = _vertices(feature.get("vertices", []), self.transform)
            for key, obj in feature["CityObjects"].items():
                row, shape = _record(key, obj, vertices, self.columns)
                rows.append(row)
                shapes.append(shape)
                numbers.append(number)
            if len(rows) >= BATCH_ROWS or done == self.features:
                geometry = np.array(shapes, dtype=object)
                yield Batch(
                    self.columns, rows, numbers, geometry, progress=done / self.features, types=_types(self.columns)
                )
                rows, shapes, numbers = [], [], []


def open_city(path: Path, crs: CRS | None) -> CityJsonReader | CityJsonSeqReader:
    """A CityJSONSeq file starts with a one-line CityJSON object whose CityObjects are empty."""
    with path.open("rb") as handle:
        first = handle.readline(1 << 20)
    try:
        header = orjson.loads(first)
    except orjson.JSONDecodeError:
        return CityJsonReader(path, crs)
    seq = isinstance(header, dict) and header.get("type") == "CityJSON" and not header.get("CityObjects")
    if seq and path.stat().st_size > len(first):
        return CityJsonSeqReader(path, header, crs)
    return CityJsonReader(path, crs)


def _types(columns: list[str]) -> dict[str, str]:
    return {n: "text" for n in columns} | FIXED


def _declared_crs(doc: dict, crs: CRS | None) -> CRS | None:
    declared = (doc.get("metadata") or {}).get("referenceSystem")
    try:
        return CRS.from_user_input(_epsg(declared)) if declared else crs
    except CRSError as error:
        raise ImportFailed("import.bad_crs", crs=str(declared)[:100], reason=str(error)[:200]) from None


def _vertices(raw: list, transform: dict) -> np.ndarray:
    try:
        return np.asarray(raw, dtype=float).reshape(-1, 3) * transform["scale"] + transform["translate"]
    except (ValueError, TypeError, KeyError) as error:
        raise ImportFailed("import.unreadable", reason=f"vertices: {error}") from None


def _record(key: str, obj: dict, vertices: np.ndarray, columns: list[str]) -> tuple[list, object]:
    shape, lod, height = _shape(obj.get("geometry") or [], vertices)
    attributes = obj.get("attributes") or {}
    fixed = [key, obj.get("type"), lod, height, ",".join(obj.get("parents") or []) or None]
    return fixed + [_cell(attributes.get(n)) for n in columns[len(FIXED) :]], shape


def _shape(geometries: list[dict], vertices: np.ndarray):
    if not geometries:
        return None, None, None
    best = max(geometries, key=lambda g: float(g.get("lod", 0) or 0))
    kind, boundaries = best.get("type"), best.get("boundaries") or []
    try:
        if kind in SURFACES_DEPTH:
            surfaces = _flatten(boundaries, SURFACES_DEPTH[kind])
            rings = [vertices[s[0]] for s in surfaces if s and len(s[0]) >= 3]
            polygons = [Polygon(r[:, :2]) for r in rings]
            shape = shapely.union_all([p for p in polygons if p.is_valid and p.area > 0] or polygons)
            zs = np.concatenate([r[:, 2] for r in rings]) if rings else np.array([0.0])
            return shape, str(best.get("lod")), round(float(zs.max() - zs.min()), 2)
        if kind == "MultiPoint":
            return MultiPoint(vertices[boundaries][:, :2]), str(best.get("lod")), None
        if kind == "MultiLineString":
            return MultiLineString([vertices[b][:, :2] for b in boundaries]), str(best.get("lod")), None
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
