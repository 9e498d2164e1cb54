"""房屋信息服务: a building of the city model to its housing information. Footprint and use are real
(OpenStreetMap); floors come from `building:levels` where tagged, otherwise from a seeded draw by use; the
housing units and registered households derived from them are generated and say so, since no source gives
them for the sample city."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import orjson
from pyproj import Geod
from shapely.geometry import shape

from cockpit.refusal import Refused
from cockpit.services import areas
from data_access import cim
from data_access.db import transaction

RESIDENTIAL = {"apartments", "residential", "dormitory", "house", "detached"}
FLOORS = {"residential": (6, 24), "other": (2, 12)}
UNIT_M2 = 90.0  # gross floor area per home
USABLE = 0.75
PEOPLE_PER_HOME = 2.62  # Beijing's 7th census household size
GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Housing:
    building_id: int
    name: str | None
    use: str
    residential: bool
    footprint_m2: float
    floors: int
    floors_source: str  # osm | generated
    floor_area_m2: float
    homes: int
    households: int
    district: str | None
    street: str | None
    grid: str | None
    generated: tuple[str, ...]  # which of these figures the generator made


def housing(url: str, building_id: int, seed: int = 20261124) -> Housing:
    with transaction(url) as session:
        found = cim.base_feature(session, building_id)
    if found is None or found["layer"] != "building":
        raise Refused("housing.no_building", http=404, building=building_id)
    properties = orjson.loads(found["properties"])
    geometry = shape(orjson.loads(found["geometry"]))
    footprint = abs(GEOD.geometry_area_perimeter(geometry)[0])
    use = str(properties.get("building") or found["kind"] or "yes")
    residential = use in RESIDENTIAL
    levels = properties.get("building:levels")
    generated = ["homes", "households"]
    if isinstance(levels, str | int | float) and str(levels).isdigit():
        floors, source = int(levels), "osm"
    else:
        low, high = FLOORS["residential" if residential else "other"]
        floors, source = int(np.random.default_rng(seed + building_id).integers(low, high + 1)), "generated"
        generated.insert(0, "floors")
    area = footprint * floors
    homes = int(area * USABLE / UNIT_M2) if residential else 0
    point = geometry.representative_point()
    place = areas.locate(url, point.x, point.y)
    return Housing(
        building_id,
        found["name"],
        use,
        residential,
        round(footprint, 1),
        floors,
        source,
        round(area, 1),
        homes,
        round(homes * PEOPLE_PER_HOME * 0.9),
        place.district_adcode,
        place.street_code,
        place.grid_code,
        tuple(generated),
    )
