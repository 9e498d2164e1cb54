"""The CIM layer registry (图层目录), after CJJ/T 315-2022 (城市信息模型基础平台技术标准): each layer with its
CIM level (CIM1 地表模型 … CIM7 零件模型), source department, vintage and licence, and the scene presets the
standard asks for. The base layers are declared here once; every imported CityJSON or OSM dataset of the
big-data platform becomes a layer too (CityJSON: CIM3; OSM, GeoJSON, GeoPackage and Shapefile shapes: CIM2),
extruded where its records carry a height or floors."""

from __future__ import annotations

from dataclasses import dataclass

from data_access import catalog as catalog_store
from data_access.db import transaction


@dataclass(frozen=True)
class Layer:
    key: str
    title: str  # i18n key, or the dataset's own title for an imported layer
    kind: str  # how the renderer draws it: terrain | line | area | extruded | point | pipe | live
    cim_level: int  # 0: not a model level (the IoT platform's live sensing)
    department: str  # i18n key, or the dataset's providing department
    vintage: str
    licence: str
    generated: bool
    url: str
    colour: tuple[int, int, int]
    imported: bool = False
    bounds: tuple[float, float, float, float] | None = None  # an imported layer's extent
    title_en: str | None = None  # an imported layer's English title (the catalog's)
    levels: tuple[str, ...] = ()  # coarser stand-ins drawn when the whole layer would not fit the frame budget


BLOCK_SIZES_M = (1600, 400, 100)  # the buildings' level-of-detail blocks, coarsest first


OSM = "ODbL 1.0 © OpenStreetMap contributors"
OSM_VINTAGE = "2017-06 · 2025-04 · 2026-03"  # the three OpenStreetMap exports of the detail zone
BASE: tuple[Layer, ...] = (
    Layer(
        "terrain",
        "cim.layer.terrain",
        "terrain",
        1,
        "cim.dept.survey",
        "cim.generated",
        "cim.licence.generated",
        True,
        "/cim/terrain.png",
        (120, 140, 110),
    ),
    Layer(
        "water",
        "cim.layer.water",
        "area",
        1,
        "cim.dept.osm",
        OSM_VINTAGE,
        OSM,
        False,
        "/geo/water.json",
        (44, 110, 170),
    ),
    Layer(
        "green", "cim.layer.green", "area", 1, "cim.dept.osm", OSM_VINTAGE, OSM, False, "/geo/green.json", (46, 125, 70)
    ),
    Layer(
        "road", "cim.layer.road", "line", 1, "cim.dept.osm", OSM_VINTAGE, OSM, False, "/geo/roads.json", (150, 170, 195)
    ),
    Layer(
        "building",
        "cim.layer.building",
        "extruded",
        2,
        "cim.dept.osm",
        OSM_VINTAGE,
        OSM,
        False,
        "/cim/buildings.json",
        (120, 160, 210),
        levels=tuple(f"/cim/blocks/{size}.json" for size in BLOCK_SIZES_M),
    ),
    Layer(
        "metro", "cim.layer.metro", "point", 2, "cim.dept.osm", "2024", OSM, False, "/geo/metro.json", (230, 120, 40)
    ),
    Layer(
        "hospital",
        "cim.layer.hospital",
        "point",
        1,
        "cim.dept.health",
        "114yygh",
        "cim.licence.reference",
        False,
        "/geo/hospitals.json",
        (230, 70, 80),
    ),
    Layer(
        "shelter",
        "cim.layer.shelter",
        "point",
        1,
        "cim.dept.emergency",
        "cim.vintage.open_data",
        "cim.licence.reference",
        False,
        "/geo/shelters.json",
        (70, 200, 120),
    ),
    Layer(
        "devices",
        "cim.layer.devices",
        "live",
        0,
        "cim.dept.iot",
        "cim.live",
        "cim.licence.generated",
        True,
        "/cim/devices.json",
        (82, 196, 26),
    ),
    Layer(
        "pipeline",
        "cim.layer.pipeline",
        "pipe",
        2,
        "cim.dept.utilities",
        "cim.generated",
        "cim.licence.generated",
        True,
        "/cim/pipelines.json",
        (255, 200, 60),
    ),
)
BY_KEY = {layer.key: layer for layer in BASE}
# scene presets: the layers each shows and its camera (pitch, bearing)
SCENES: dict[str, tuple[tuple[str, ...], int, int]] = {
    "operations": (("water", "green", "road", "building", "metro", "devices"), 50, -20),
    "planning": (("terrain", "water", "green", "road", "building", "pipeline"), 55, 15),
    "emergency": (("terrain", "road", "building", "hospital", "shelter", "metro", "devices"), 45, 0),
}
IMPORTED_FORMATS = {"cityjson": 3, "osm": 2, "geojson": 2, "gpkg": 2, "shapefile": 2}


def registry(url: str) -> list[Layer]:
    """The base layers, then one layer per imported CityJSON or OSM dataset with a current version."""
    with transaction(url) as session:
        imported = catalog_store.spatial_imports(session, tuple(IMPORTED_FORMATS))
    return [*BASE, *(_imported(row) for row in imported)]


def _imported(row: dict) -> Layer:
    level = IMPORTED_FORMATS[row["format"]]
    return Layer(
        f"dataset:{row['id']}",
        row["title"],
        "extruded",
        level,
        row["provider"],
        f"v{row['number']} · {row['created_at']:%Y-%m-%d}",
        row["source_name"],
        bool(row["generated"]),
        f"/cim/datasets/{row['id']}.json",
        (200, 170, 230),
        imported=True,
        bounds=(row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"]),
        title_en=row["title_en"],
    )
