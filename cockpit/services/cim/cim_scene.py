"""What the 3D view draws, as GeoJSON the browser's renderer (deck.gl) reads: buildings as objects with their
height (OSM `building:levels` × 3 m where tagged, else the housing service's generated floors, and said so),
the generated pipelines, imported CityJSON/OSM datasets, the city's own names as labels, and the generated
terrain as an image. Built once per database and kept (the base layers change only with `cockpit init`)."""

from __future__ import annotations

import io
from datetime import timedelta
from functools import cache

import numpy as np
import orjson
import pandas as pd
from PIL import Image
from shapely.geometry import mapping, shape

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.cim import terrain
from cockpit.services.cim.cim_layers import BLOCK_SIZES_M
from cockpit.services.data import catalog, housing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.geojson import feature, feature_collection, point
from data_access import catalog as catalog_store
from data_access import cim, iot
from data_access.db import transaction

STOREY_M = 3.0
METRES_PER_DEGREE = 111_320.0  # of latitude


def _collection(features: list[dict]) -> dict:
    return feature_collection(features)


@cache
def _buildings(url: str) -> tuple[list[dict], np.ndarray]:
    """Each building as a feature, and its centroid, height and residential flag as columns for the blocks."""
    with transaction(url) as session:
        rows = cim.base_rows(session, "building")
    features = []
    columns = np.empty((len(rows), 4))
    for i, row in enumerate(rows):
        geometry = shape(orjson.loads(row["geometry"]))
        tags = orjson.loads(row["properties"] or "{}")
        use, residential, floors, source, _ = housing.estimate(row["id"], tags, row["kind"], 0.0)
        features.append(
            feature(
                mapping(geometry),
                {
                    "id": row["id"],
                    "name": row["name"],
                    "use": use,
                    "residential": residential,
                    "floors": floors,
                    "height": floors * STOREY_M,
                    "height_source": source,
                },
            )
        )
        centre = geometry.centroid
        columns[i] = (centre.x, centre.y, floors * STOREY_M, float(residential))
    return features, columns


@cache
def buildings(url: str) -> bytes:
    return orjson.dumps(_collection(_buildings(url)[0]))


def building_features(url: str) -> list[dict]:
    """The standing buildings with their heights and uses (estimated where OpenStreetMap is silent)."""
    return _buildings(url)[0]


@cache
def blocks(url: str, cell_m: int) -> bytes:
    """The buildings as square blocks of `cell_m` for the 3D view's far levels of detail (as 3D Tiles' coarser
    tiles stand in for the city when it is small on screen): per block its centre, its tallest building, how many
    buildings and the share of them that are homes. Cells are cut on a lon/lat lattice whose steps are `cell_m` at
    the buildings' mean latitude."""
    if cell_m not in BLOCK_SIZES_M:
        raise Refused("cim.no_such_block", http=404, size=cell_m)
    columns = _buildings(url)[1]
    if not len(columns):
        return orjson.dumps({"cell_m": cell_m, "cells": []})
    lat_step = cell_m / METRES_PER_DEGREE
    lon_step = lat_step / np.cos(np.radians(columns[:, 1].mean()))
    cells = pd.DataFrame(
        {
            "i": np.floor(columns[:, 0] / lon_step).astype(np.int64),
            "j": np.floor(columns[:, 1] / lat_step).astype(np.int64),
            "height": columns[:, 2],
            "home": columns[:, 3],
        }
    )
    grouped = cells.groupby(["i", "j"]).agg(height=("height", "max"), count=("home", "size"), homes=("home", "mean"))
    i = grouped.index.get_level_values("i").to_numpy()
    j = grouped.index.get_level_values("j").to_numpy()
    out = np.column_stack(
        (
            ((i + 0.5) * lon_step).round(6),
            ((j + 0.5) * lat_step).round(6),
            grouped["height"].to_numpy(),
            grouped["count"].to_numpy(),
            grouped["homes"].to_numpy().round(2),
        )
    )
    return orjson.dumps({"cell_m": cell_m, "cells": out}, option=orjson.OPT_SERIALIZE_NUMPY)


@cache
def pipelines(url: str) -> bytes:
    """The pipelines under the roads: a generated layer the city's loader stores (each says so)."""
    with transaction(url) as session:
        rows = cim.base_rows(session, "pipeline")
    features = [feature(orjson.loads(r["geometry"]), orjson.loads(r["properties"])) for r in rows]
    return orjson.dumps(_collection(features))


@cache
def labels(url: str) -> bytes:
    """Names of roads (at their middle) and places: the map's own gazetteer, no tile server. A building's name
    is on its card and its tooltip, so the scene is not buried in them."""
    with transaction(url) as session:
        roads = cim.base_features(session, "road")
        named = [
            f for layer in ("building", "poi") for f in cim.base_features(session, layer) if f["properties"]["name"]
        ]
    seen: set[str] = set()
    points = []
    for road in sorted(roads, key=lambda f: -shape(f["geometry"]).length):
        name = road["properties"]["name"]
        if name and name not in seen:
            seen.add(name)
            middle = shape(road["geometry"]).interpolate(0.5, normalized=True)
            points.append({"text": name, "position": [middle.x, middle.y], "kind": "road"})
    for place in named:
        spot = shape(place["geometry"]).representative_point()
        points.append({"text": place["properties"]["name"], "position": [spot.x, spot.y], "kind": "place"})
    return orjson.dumps(points)


def dataset(url: str, actor: Actor, dataset_id: int) -> bytes:
    """An imported CityJSON or OSM dataset as a layer, if the viewer may read it (its sharing attribute)."""
    with transaction(url) as session:
        record = catalog_store.dataset(session, dataset_id)
    if record is None or record["kind"] != "import":
        raise Refused("catalog.no_dataset", http=404, dataset=dataset_id)
    if not catalog.may_read(actor.role, record):
        raise Refused("catalog.not_shared", http=403, dataset=record["name"], sharing=f"sharing.{record['sharing']}")
    features = []
    for item in catalog.every_record(url, dataset_id, cap=200_000):
        geometry = item.pop("_geometry", None)
        if geometry is None:
            continue
        height = next((item[f] for f in ("height", "高度") if isinstance(item.get(f), int | float)), None)
        floors = next((item[f] for f in ("层数", "floors") if isinstance(item.get(f), int | float)), None)
        height = height if height is not None else (floors * STOREY_M if floors else None)
        name = item.get("name") or item.get("名称") or item.get("id")
        properties = {"id": item["_id"], "name": name, "dataset": dataset_id}
        if height is not None and height > 0:
            properties["height"] = float(height)
        features.append(feature(geometry, properties))
    return orjson.dumps(_collection(features))


def terrain_png(url: str) -> bytes:
    """The terrain as a shaded-relief image over its bounds (terrain.Grid), for the renderer's bitmap layer."""
    return _terrain_png(url, terrain.stamp(url))


@cache
def _terrain_png(url: str, _stamp: int) -> bytes:
    grid = terrain.grid(url)
    z = grid.heights
    dy, dx = np.gradient(z, grid.cell_m)
    shade = np.clip(0.55 + 0.45 * (-dx * 0.7 - dy * 0.7) / np.sqrt(1 + dx**2 + dy**2), 0, 1)
    low, high = float(z.min()), float(z.max())
    share = (z - low) / (high - low or 1)
    rgb = np.stack([90 + 110 * share, 120 + 70 * share, 80 + 40 * share], axis=-1) * shade[..., None]
    alpha = np.full((*z.shape, 1), 255)
    image = Image.fromarray(np.concatenate([rgb, alpha], axis=-1).clip(0, 255).astype(np.uint8)[::-1], "RGBA")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def devices_at(url: str, minutes: int) -> bytes:
    """The IoT devices as the time slider sets them: now, or with the alarms that were open `minutes` ago."""
    with transaction(url) as session:
        rows = iot.device_points_with_status(session)
        alarmed = iot.devices_alarmed_at(session, stored_now() + timedelta(minutes=minutes)) if minutes < 0 else None
    features = []
    for row in rows:
        alarm = row["alarm"] if alarmed is None else row["id"] in alarmed
        status = "alarm" if alarm else ("online" if row["online"] else "offline")
        features.append(
            point(
                row["lon"],
                row["lat"],
                {"name": row["name"], "code": row["code"], "type": row["type"], "status": status},
            )
        )
    return orjson.dumps(_collection(features))
