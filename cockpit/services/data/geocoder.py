"""地理信息服务: an address or a place name to the building, street and grid it names, and a point back to
its street and grid, over the city's own data only (OpenStreetMap buildings, POIs and roads of the detail
zone, the streets and districts) — no request leaves the intranet. A query is cut into its district and its
remainder; the remainder is matched against the gazetteer by containment, then similarity."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

import orjson
from shapely.geometry import shape

from cockpit.services.data.conflicts import normalised
from cockpit.services.kernel import areas
from data_access import cim
from data_access.db import transaction

LEVELS = {"building": 3, "poi": 3, "road": 2, "street": 1, "district": 0}  # how precise a match is
CITY = ("北京市", "北京")


@dataclass(frozen=True)
class Entry:
    level: str
    ref: str  # building:<id>, poi:<id>, road:<name>, street:<code>, district:<adcode>
    name: str
    key: str  # normalised name
    lon: float
    lat: float
    district: str | None


@cache
def gazetteer(url: str) -> tuple[Entry, ...]:
    """Built once per database and process, like areas.levels."""
    with transaction(url) as session:
        features = cim.named_features(session, ("building", "poi", "road"))
        streets = cim.street_rows(session)
        districts = cim.districts(session)
    entries: list[Entry] = []
    roads: dict[str, list] = {}
    for feature in features:
        geometry = shape(orjson.loads(feature["geometry"]))
        if feature["layer"] == "road":
            roads.setdefault(feature["name"], []).append(geometry)
            continue
        point = geometry.representative_point()
        entries.append(_entry(url, feature["layer"], f"{feature['layer']}:{feature['id']}", feature["name"], point))
    for name, parts in roads.items():
        longest = max(parts, key=lambda g: g.length)
        entries.append(_entry(url, "road", f"road:{name}", name, longest.interpolate(0.5, normalized=True)))
    for street in streets:
        point = shape(orjson.loads(street["geometry"])).representative_point()
        entries.append(
            Entry(
                "street",
                f"street:{street['code']}",
                street["name"],
                normalised(street["name"]),
                point.x,
                point.y,
                street["district_adcode"],
            )
        )
    for district in districts:
        entries.append(
            Entry(
                "district",
                f"district:{district['adcode']}",
                district["name"],
                normalised(district["name"]),
                district["lon"],
                district["lat"],
                district["adcode"],
            )
        )
    return tuple(entries)


def _entry(url: str, level: str, ref: str, name: str, point) -> Entry:
    return Entry(
        level, ref, name, normalised(name), point.x, point.y, areas.locate(url, point.x, point.y).district_adcode
    )


@dataclass(frozen=True)
class Match:
    level: str
    ref: str
    name: str
    score: float
    lon: float
    lat: float
    district: str | None
    street: str | None
    grid: str | None
    address: str  # the standard address: city, district, street, place


def geocode(url: str, text: str, limit: int = 5) -> list[Match]:
    query = normalised(text.strip()[:200])
    for prefix in CITY:
        query = query.removeprefix(normalised(prefix))
    entries = gazetteer(url)
    district = next((e for e in entries if e.level == "district" and query.startswith(e.key)), None)
    rest = query.removeprefix(district.key) if district else query
    if not rest and district:
        return [_match(url, district, 1.0)]
    scored = []
    for entry in entries:
        if entry.level == "district" or (district and entry.district not in (None, district.district)):
            continue
        score = _score(rest, entry.key)
        if score >= 0.5:
            scored.append((score + LEVELS[entry.level] / 100, entry))
    scored.sort(key=lambda pair: -pair[0])
    return [_match(url, entry, round(min(score, 1.0), 3)) for score, entry in scored[:limit]]


def mentioned(url: str, text: str) -> Match | None:
    """地址抽取: the most precise place a free text names — the longest gazetteer name found in it, a building or
    POI before a road, a road before a street (names of fewer than three characters are too ambiguous)."""
    said = normalised(text)
    found = [e for e in gazetteer(url) if len(e.key) >= 3 and e.level != "district" and e.key in said]
    if not found:
        return None
    best = max(found, key=lambda e: (LEVELS[e.level], len(e.key)))
    return _match(url, best, 1.0)


def _score(query: str, key: str) -> float:
    if not query or not key:
        return 0.0
    if key == query:
        return 1.0
    if key in query and len(key) >= max(2, 0.3 * len(query)):  # "学院路37号" holds the road "学院路"
        return 0.7 + 0.25 * len(key) / len(query)
    if query in key:
        return 0.6 + 0.3 * len(query) / len(key)
    return difflib.SequenceMatcher(None, query, key).ratio() * 0.8


def reverse(url: str, lon: float, lat: float) -> Match:
    """The street and grid of a point, and the nearest named building or POI within 150 m."""
    near = [
        (abs(e.lon - lon) * 85_000 + abs(e.lat - lat) * 111_000, e)
        for e in gazetteer(url)
        if e.level in ("building", "poi")
    ]
    distance, entry = min(near, key=lambda pair: pair[0], default=(None, None))
    if entry is not None and distance is not None and distance <= 150:
        return _match(url, entry, 1.0, lon, lat)
    place = Entry("point", f"point:{lon:.6f},{lat:.6f}", "", "", lon, lat, None)
    return _match(url, place, 1.0, lon, lat)


def _match(url: str, entry: Entry, score: float, lon: float | None = None, lat: float | None = None) -> Match:
    lon, lat = lon if lon is not None else entry.lon, lat if lat is not None else entry.lat
    place = areas.locate(url, lon, lat)
    names = areas.names(url)
    parts = ["北京市", names.get(place.district_adcode or "", "")]
    if entry.level not in ("district", "street"):
        parts.append(names.get(place.street_code or "", ""))
    if entry.level != "district":
        parts.append(entry.name)
    return Match(
        entry.level,
        entry.ref,
        entry.name,
        score,
        round(lon, 6),
        round(lat, 6),
        place.district_adcode,
        place.street_code,
        place.grid_code,
        "".join(p for p in parts if p),
    )
