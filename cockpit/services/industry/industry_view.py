"""View models of the industry page: the map's layers (enterprises by sector or by production state, the
districts shaded by their enterprises' output, the parks, the planned business land of the detail zone) and
the chain drawn as a graph, with every decision (colour, size, label) made here."""

from __future__ import annotations

import math
from functools import cache

import shapely
from shapely.geometry import Point, mapping

from cockpit.i18n import t
from cockpit.profile import PARK_RADIUS_DEG, PARKS
from cockpit.refusal import Refused
from cockpit.services.industry import economy, enterprises
from cockpit.services.kernel.geojson import feature, feature_collection, point
from cockpit.vocab import PALETTE, PRODUCTION_COLOURS, SECTOR_OF, SECTORS
from data_access import cim, planning
from data_access.db import transaction

PLANNED_USES = ("B1",)  # regulatory plan: commercial and business land (GB 50137)


def sector(industry: str) -> str:
    return SECTOR_OF.get(industry, "other")


def enterprises_geojson(
    url: str, district: str | None, colour_by: str, sectors: list[str] | None, lang: str = "zh"
) -> dict:
    """Beijing's enterprises as points; the tooltip names the firm, its class and its power use this month."""
    firms = enterprises.beijing(url)
    if district:
        firms = firms[firms["district_adcode"] == district]
    features = []
    for row in firms.itertuples():
        key = sector(row.industry)
        if sectors and key not in sectors:
            continue
        state = economy.production_state(row.power_index)
        power = "—" if state is None else f"{100 * row.power_index:.0f}%"
        colour = (
            PRODUCTION_COLOURS.get(state or "", PALETTE["grey_dark"]) if colour_by == "production" else SECTORS[key][0]
        )
        features.append(
            point(
                row.lon,
                row.lat,
                {
                    "code": row.code,
                    "name": f"{row.name} · {row.industry} · {t('ind.power_tip', lang, power=power)}",
                    "color": colour,
                    "generated": True,
                },
            )
        )
    return feature_collection(features)


@cache
def districts_geojson(url: str) -> dict:
    """Districts shaded by their enterprises' 2024 revenue (score), for the drill-down."""
    firms = enterprises.beijing(url)
    output = firms.groupby("district_adcode")["revenue_2024"].sum() / 1e8
    with transaction(url) as session:
        rows = cim.district_features(session)
    for f in rows:
        f["properties"]["score"] = round(float(output.get(f["properties"]["adcode"], 0.0)), 1)
    return feature_collection(rows)


def district_viewport(url: str, district: str) -> dict:
    """The map's flight to a district picked for the drill-down; an unknown district is refused."""
    with transaction(url) as session:
        geometry = cim.district_geometry(session, district)
    if geometry is None:
        raise Refused("industry.no_district", http=404, district=district)
    west, south, east, north = shapely.from_geojson(geometry).bounds
    return {"bounds": [[south, west], [north, east]], "transition": "flyToBounds"}


def parks_geojson() -> dict:
    features = []
    for park in PARKS:
        disc = shapely.affinity.scale(Point(park.lon, park.lat).buffer(PARK_RADIUS_DEG, 24), xfact=1.3, yfact=1.0)
        features.append(feature(mapping(disc), {"name": park.name, "code": park.code, "generated": True}))
    return feature_collection(features)


@cache
def planned_geojson(url: str) -> dict:
    """The regulatory plan's business land of the detail zone (scenario 1's plans, generated)."""
    with transaction(url) as session:
        zones = planning.zones(session).get("regulatory", [])
    features = [
        feature(shapely.geometry.mapping(shapely.from_geojson(geometry)), {"name": f"{code} {use}", "generated": True})
        for code, use, geometry in zones
        if use in PLANNED_USES
    ]
    return feature_collection(features)


def chain_layout(chain: dict) -> dict:
    """Node positions for the chain graph: tiers left to right, nodes spread in each tier; marker size by the
    city's output, colour by the action."""
    tiers = {"up": 0, "mid": 1, "down": 2}
    placed = {}
    for tier, x in tiers.items():
        row = [n for n in chain["nodes"] if n["tier"] == tier]
        for i, n in enumerate(row):
            placed[n["key"]] = (x, (len(row) - 1) / 2 - i)
    top = max((n["local_output"] for n in chain["nodes"]), default=0) or 1
    return {
        "positions": placed,
        "sizes": {n["key"]: 14 + 30 * math.sqrt(n["local_output"] / top) for n in chain["nodes"]},
    }
