"""Vector formats through GDAL (pyogrio): GeoJSON, GeoPackage, Shapefile, OpenStreetMap XML and PBF, GTFS.
Layers are read in batches of features: by offset where the driver can seek (GeoPackage, Shapefile, GeoJSON),
through GDAL's Arrow stream where it cannot (OSM XML and PBF, GTFS), so memory is a batch, not the file.
Several layers become one dataset with a `layer` field and the union of their fields, so nothing a layer
carries is dropped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
from pyproj import CRS

from cockpit.services.data.importing.batch import BATCH_ROWS, Batch
from cockpit.services.data.importing.errors import ImportFailed

GDAL_ERRORS = (DataSourceError, DataLayerError, FieldError, GeometryError, RuntimeError, ValueError)
SEEKABLE = {"geojson", "gpkg", "shapefile"}
DTYPES = {"int": "integer", "uint": "integer", "float": "number", "bool": "boolean", "datetime64": "datetime"}
WKB_KEY = b"ARROW:extension:name"  # how GDAL's Arrow stream marks its geometry column
WGS84_BY_SPEC = {"geojson", "gtfs", "osm"}  # RFC 7946, the GTFS reference, OSM: coordinates are WGS-84


def _type(dtype: str) -> str:
    return next((kind for prefix, kind in DTYPES.items() if dtype.startswith(prefix)), "text")


class GdalReader:
    encoding = None

    def __init__(self, source: str, format_: str, crs: CRS | None = None) -> None:
        self.source, self.format = source, format_
        try:
            layers = [(str(name), geometry) for name, geometry in pyogrio.list_layers(source)]
            infos = {name: pyogrio.read_info(source, layer=name) for name, _ in layers}
        except GDAL_ERRORS as error:
            raise ImportFailed("import.unreadable", reason=str(error)[:300]) from None
        if format_ == "gtfs":
            layers = [(n, g) for n, g in layers if n != "shapes"]  # the same points as shapes_geom, drawn as lines
        self.layers = [n for n, _ in layers if infos[n]["features"] != 0]
        if not self.layers:
            raise ImportFailed("import.empty")
        self.infos = infos
        declared = {infos[n]["crs"] for n in self.layers if infos[n]["crs"]}
        if len(declared) > 1:
            raise ImportFailed("import.mixed_crs", crs=", ".join(sorted(declared)))
        if declared:
            self.crs: CRS | None = CRS.from_user_input(declared.pop())
        elif format_ in WGS84_BY_SPEC:
            self.crs = CRS.from_epsg(4326)
        else:
            self.crs = crs
        self.spatial = any(infos[n]["geometry_type"] for n in self.layers)
        multi = len(self.layers) > 1
        self.types: dict[str, str] = {"layer": "text"} if multi else {}
        for name in self.layers:
            for field, dtype in zip(infos[name]["fields"], infos[name]["dtypes"], strict=True):
                kind = _type(str(dtype))
                self.types[str(field)] = kind if self.types.get(str(field), kind) == kind else "text"
        self.columns = list(self.types)
        self.total = sum(max(0, infos[n]["features"]) for n in self.layers) or None

    def batches(self):
        done = 0
        for position, layer in enumerate(self.layers):
            for frame in self._frames(layer):
                done += len(frame)
                share = done / self.total if self.total else (position + 1) / len(self.layers)
                yield self._batch(layer, frame, min(1.0, share), done - len(frame))

    def _frames(self, layer: str):
        features = self.infos[layer]["features"]
        try:
            if self.format not in SEEKABLE or features < 0:
                yield from self._streamed(layer)
                return
            for start in range(0, features, BATCH_ROWS):
                yield pyogrio.read_dataframe(self.source, layer=layer, skip_features=start, max_features=BATCH_ROWS)
        except GDAL_ERRORS as error:
            raise ImportFailed("import.unreadable", reason=str(error)[:300]) from None

    def _streamed(self, layer: str):
        """A layer the driver cannot seek in (OSM, GTFS), read once through GDAL's Arrow stream a batch at a time:
        memory is a batch, not the layer."""
        with pyogrio.open_arrow(self.source, layer=layer, batch_size=BATCH_ROWS, use_pyarrow=True) as (_, stream):
            wkb = next((f.name for f in stream.schema if (f.metadata or {}).get(WKB_KEY) == b"geoarrow.wkb"), None)
            for records in stream:
                frame = records.to_pandas()
                if wkb is not None:
                    frame["geometry"] = shapely.from_wkb(frame.pop(wkb).to_numpy(), on_invalid="ignore")
                yield frame

    def _batch(self, layer: str, frame: pd.DataFrame, progress: float, offset: int) -> Batch:
        geometry = frame.geometry.to_numpy() if "geometry" in frame else None
        if geometry is None and self.spatial:  # a table layer (GTFS calendar…) beside spatial ones
            geometry = np.full(len(frame), None, dtype=object)
        table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        if "layer" in self.types:
            table.insert(0, "layer", layer)
        table = table.reindex(columns=self.columns)
        for name, kind in self.types.items():
            if kind == "datetime":
                table[name] = table[name].map(lambda v: v.isoformat() if pd.notna(v) else None)
        rows = table.astype(object).where(table.notna(), None).to_numpy().tolist()
        numbers = list(range(offset + 1, offset + len(rows) + 1))
        own = {"layer", *map(str, self.infos[layer]["fields"])}
        absent = frozenset(c for c in self.columns if c not in own)
        return Batch(self.columns, rows, numbers, geometry, progress=progress, types=self.types, absent=absent)
