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
from cockpit.services.kernel import areas
from data_access import cim
from data_access.db import transaction

RESIDENTIAL = {"apartments", "residential", "dormitory", "house", "detached"}
FLOORS = {"residential": (6, 24), "other": (2, 12)}
UNIT_M2 = 90.0  # gross floor area per home
USABLE = 0.75
PEOPLE_PER_HOME = 2.62  # Beijing's 7th census household size
OCCUPIED = 0.9  # share of homes with a registered household
GEOD = Geod(ellps="WGS84")
SEED = 20261124


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
    residents: int
    district: str | None
    street: str | None
    grid: str | None
    generated: tuple[str, ...]  # which of these figures the generator made


def estimate(
    building_id: int, properties: dict, kind: str | None, footprint_m2: float, seed: int = SEED
) -> tuple[str, bool, int, str, int]:
    """Use, residential or not, floors with their source (osm | generated), and homes: one rule for the housing
    service, the building object and coverage analysis."""
    use = str(properties.get("building") or kind or "yes")
    residential = use in RESIDENTIAL
    levels = properties.get("building:levels")
    if isinstance(levels, str | int | float) and str(levels).isdigit():
        floors, source = int(levels), "osm"
    else:
        low, high = FLOORS["residential" if residential else "other"]
        floors, source = int(np.random.default_rng(seed + building_id).integers(low, high + 1)), "generated"
    homes = int(footprint_m2 * floors * USABLE / UNIT_M2) if residential else 0
    return use, residential, floors, source, homes


def households(homes: int) -> int:
    return round(homes * OCCUPIED)


def residents(homes: int) -> int:
    return round(households(homes) * PEOPLE_PER_HOME)


def housing(url: str, building_id: int, seed: int = SEED) -> Housing:
    with transaction(url) as session:
        found = cim.base_feature(session, building_id)
    if found is None or found["layer"] != "building":
        raise Refused("housing.no_building", http=404, building=building_id)
    properties = orjson.loads(found["properties"])
    geometry = shape(orjson.loads(found["geometry"]))
    footprint = abs(GEOD.geometry_area_perimeter(geometry)[0])
    use, residential, floors, source, homes = estimate(building_id, properties, found["kind"], footprint, seed)
    area = footprint * floors
    generated = ["homes", "households", "residents"]
    if source != "osm":
        generated.insert(0, "floors")
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
        households(homes),
        residents(homes),
        place.district_adcode,
        place.street_code,
        place.grid_code,
        tuple(generated),
    )
