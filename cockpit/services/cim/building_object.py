"""The building as an object and a hub (单体化建筑): one card, server-side, that gathers what every platform
knows about one building — where it is (standard address, district, street, community, grid), who lives there
(homes, households, residents: the housing service's estimates, generated), what senses it and what happened
around it (devices, open alarms, cases, incidents from the IoT, operations and emergency platforms), what
departments disagree about near it (data conflicts of the big-data platform) and the companies registered
there (the e-licence register), and its utility meters (water, power, gas: IoT devices inside the footprint,
read through the same ingestion as every sensor). Every figure the generator made is listed in `generated`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache

import orjson
import shapely
from shapely.geometry import Point, shape

from cockpit.profile import METER_TYPES
from cockpit.refusal import Refused
from cockpit.services.construction import structural_limits
from cockpit.services.data import housing
from cockpit.services.kernel import areas, clock
from cockpit.services.kernel.spatial_ops import metric
from cockpit.services.services import licences
from cockpit.vocab import STRUCTURE_TYPES
from data_access import building_links, cim, monitoring
from data_access import projects as projects_store
from data_access.db import transaction

REACH_M = {"devices": 100, "alarms": 150, "cases": 150, "incidents": 300, "conflicts": 150}
PROJECT_REACH_M = 100  # construction projects whose site lies this near: what is being built next door
STOREY_M = 3.0
DOOR_SPACING_M = 20  # one house number every 20 m along a road, odd on the left, even on the right


@dataclass(frozen=True)
class BuildingObject:
    id: int
    name: str | None
    use: str
    osm_id: str | None
    lon: float
    lat: float
    footprint_m2: float
    floors: int
    height_m: float
    height_source: str  # osm | generated
    address: str
    district: str | None
    district_name: str | None
    street: str | None
    street_name: str | None
    community: str | None
    community_name: str | None
    grid: str | None
    homes: int
    households: int
    residents: int
    devices: list[dict] = field(default_factory=list)
    meters: list[dict] = field(default_factory=list)  # inside the footprint, with their last readings
    alarms: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    incidents: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    enterprises: list[dict] = field(default_factory=list)  # companies registered here (placement generated)
    projects: list[dict] = field(default_factory=list)  # construction projects on or next to the building
    generated: tuple[str, ...] = ()
    geometry: dict | None = None

    def as_json(self) -> dict:
        return orjson.loads(orjson.dumps(asdict(self), default=str))


@cache
def _communities_by_street(url: str) -> dict[str, tuple[tuple[str, str, object], ...]]:
    """(code, name, cell) of the communities in each street: a layer the city's loader stores."""
    with transaction(url) as session:
        rows = cim.base_rows(session, "community")
    found: dict[str, list[tuple[str, str, object]]] = {}
    for r in rows:
        properties = orjson.loads(r["properties"])
        found.setdefault(properties["street_code"], []).append(
            (properties["code"], r["name"], shapely.from_geojson(r["geometry"]))
        )
    return {street: tuple(cells) for street, cells in found.items()}


def _communities(url: str, street_code: str) -> tuple[tuple[str, str, object], ...]:
    return _communities_by_street(url).get(street_code, ())


def community_of(url: str, street_code: str | None, point: Point) -> tuple[str | None, str | None]:
    for code, name, cell in _communities(url, street_code) if street_code else ():
        if cell.contains(point):
            return code, name
    return None, None


def _address(url: str, point: Point, district: str, street: str, name: str | None) -> tuple[str, bool]:
    """北京市 + district + street + the nearest named road with a generated house number (+ the building's own
    name); True when the number is generated."""
    roads = [
        r
        for r in routing_roads(url)
        if r[0] and shapely.distance(r[1], point) < 0.003  # about 250 m: a road the building can face
    ]
    number = ""
    generated = False
    if roads:
        road_name, line = min(roads, key=lambda r: shapely.distance(r[1], point))
        at = line.project(point)
        here, ahead = line.interpolate(at), line.interpolate(min(line.length, at + 1e-5))
        cross = (ahead.x - here.x) * (point.y - here.y) - (ahead.y - here.y) * (point.x - here.x)
        number = f"{road_name}{2 * int(at * 111_000 // DOOR_SPACING_M) + (1 if cross > 0 else 2)}号"
        generated = True
    return "北京市" + district + street + number + (name or ""), generated


@cache
def routing_roads(url: str) -> tuple[tuple[str | None, object], ...]:
    with transaction(url) as session:
        return tuple((r["properties"]["name"], shape(r["geometry"])) for r in cim.base_features(session, "road"))


def building(url: str, building_id: int) -> BuildingObject:
    with transaction(url) as session:
        found = cim.base_feature(session, building_id)
    if found is None or found["layer"] != "building":
        raise Refused("housing.no_building", http=404, building=building_id)
    homes = housing.housing(url, building_id)
    geometry = shape(orjson.loads(found["geometry"]))
    point = geometry.representative_point()
    place = areas.locate(url, point.x, point.y)
    names = areas.names(url)
    district_name = names.get(place.district_adcode or "")
    street_name = names.get(place.street_code or "")
    community, community_name = community_of(url, place.street_code, point)
    address, numbered = _address(url, point, district_name or "", street_name or "", found["name"])
    links = _links(url, geometry)
    generated = [*homes.generated, "community_boundary"]
    if links["meters"]:
        generated.append("meters")
    companies = _enterprises(url, building_id)
    if companies:
        generated.append("enterprise_placement")
    if numbered:
        generated.append("house_number")
    return BuildingObject(
        id=building_id,
        name=found["name"],
        use=homes.use,
        osm_id=found["osm_id"],
        lon=round(point.x, 6),
        lat=round(point.y, 6),
        footprint_m2=homes.footprint_m2,
        floors=homes.floors,
        height_m=homes.floors * STOREY_M,
        height_source=homes.floors_source,
        address=address,
        district=place.district_adcode,
        district_name=district_name,
        street=place.street_code,
        street_name=street_name,
        community=community,
        community_name=community_name,
        grid=place.grid_code,
        homes=homes.homes,
        households=homes.households,
        residents=homes.residents,
        generated=tuple(generated),
        geometry=orjson.loads(found["geometry"]),
        enterprises=companies,
        projects=_projects(url, geometry),
        **links,
    )


def _projects(url: str, geometry) -> list[dict]:
    """Construction projects whose site lies on or near the building, nearest first."""
    footprint = metric(geometry)
    with transaction(url) as session:
        found = projects_store.projects(session)
        near = []
        for p in found:
            metres = float(shapely.distance(footprint, metric(shapely.from_geojson(p["site"]))))
            if metres <= PROJECT_REACH_M:
                sensors = monitoring.sensors(session, p["code"], tuple(STRUCTURE_TYPES))
                alarms = monitoring.open_alarms(session, [s["id"] for s in sensors]) if sensors else []
                near.append(
                    {
                        "id": p["id"],
                        "code": p["code"],
                        "name": p["name"],
                        "stage": p["stage"],
                        "metres": round(metres),
                        "sensors": len(sensors),
                        "band": structural_limits.BAND_OF_SEVERITY.get(
                            min((a["severity"] for a in alarms), default=0), "normal"
                        ),
                    }
                )
    return sorted(near, key=lambda r: r["metres"])


def _enterprises(url: str, building_id: int) -> list[dict]:
    """Companies registered in the building, by the e-licence register (none when it is not imported)."""
    try:
        found = licences.registered_at(url, building_id, clock.city_now().date())
    except Refused:
        return []
    return [{"name": f.holder, "credit_code": f.credit_code, "valid": f.valid, "why": f.why} for f in found]


def _links(url: str, geometry) -> dict[str, list[dict]]:
    """Each kind of neighbour within its reach of the footprint, nearest first, with its distance."""
    west, south, east, north = geometry.bounds
    pad = max(REACH_M.values()) / 80_000
    box = (west - pad, south - pad, east + pad, north + pad)
    with transaction(url) as session:
        found = {
            "devices": building_links.devices(session, box),
            "alarms": building_links.open_alarms(session, box),
            "cases": building_links.cases(session, box),
            "incidents": building_links.incidents(session, box),
            "conflicts": building_links.conflicts(session, box),
        }
    footprint = metric(geometry)
    out = {}
    for kind, rows in found.items():
        kept = []
        for row in rows:
            metres = shapely.distance(footprint, metric(Point(row["lon"], row["lat"])))
            if metres <= REACH_M[kind]:
                kept.append(row | {"metres": round(float(metres))})
        out[kind] = sorted(kept, key=lambda r: r["metres"])
    out["meters"] = [d for d in out["devices"] if d["type"] in METER_TYPES and d["metres"] == 0]
    return out
