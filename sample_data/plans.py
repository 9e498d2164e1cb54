"""Seeded plans of the detail zone for multi-plan integration (多规合一): no open source publishes Beijing's
regulatory, land-use, red-line, transport and development plans as data, so they are generated on the real
geography (OSM green, water and buildings of the three coverage boxes) with the disagreements real plans have:
a land-use plan drawn on a coarser, shifted lattice (its edges never meet the regulatory plan's), cells it
protects where the regulatory plan builds, a red line buffered from the real water and parks, planned roads
drawn straight through standing buildings, and development projects that ignore the other plans. Every zone
says it was generated."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, box, shape

from cockpit.profile import CONSTRUCTION_USES

# regulatory land-use codes (GB 50137) -> (FAR limit, height limit m, least green ratio)
REGULATORY_USES = {
    "R2": (2.5, 60.0, 0.30),
    "B1": (4.0, 80.0, 0.20),
    "A33": (1.2, 24.0, 0.35),
    "A5": (1.5, 30.0, 0.35),
    "G1": (0.0, 0.0, 0.70),
    "E1": (0.0, 0.0, 0.0),
}
LAND_USE_CLASSES = ("construction", "farmland", "ecological")
REGULATORY_CELL = (0.0016, 0.0013)  # lon, lat degrees: about 136 m by 144 m
LAND_USE_CELL = (0.0036, 0.0029)  # coarser, and shifted by a third of a cell
FLIPPED_SHARE = 0.12  # construction cells the land-use plan protects instead
RED_LINE_BUFFER_DEG = 0.0002  # about 20 m around the protected water and parks
PARK_MIN_DEG2 = 2e-6  # parks of about 2 ha and more are in the red line
CORRIDOR_HALF_DEG = 0.00018  # planned roads about 30 m wide
GREEN_KINDS = ("leisure=park", "landuse=forest", "landuse=grass", "landuse=meadow", "natural=grassland")


@dataclass(frozen=True)
class Zone:
    plan: str
    code: str
    use: str
    far_max: float | None
    height_max: float | None
    green_min: float | None
    geometry: shapely.Geometry


def _lattice(area: shapely.Geometry, cell: tuple[float, float], shift: float = 0.0) -> list[shapely.Geometry]:
    west, south, east, north = area.bounds
    out = []
    for y in np.arange(south - shift * cell[1], north, cell[1]):
        for x in np.arange(west - shift * cell[0], east, cell[0]):
            part = box(x, y, x + cell[0], y + cell[1]).intersection(area)
            if not part.is_empty and part.area > 1e-9:
                out.append(part)
    return out


def _shares(cells: list[shapely.Geometry], cover: shapely.Geometry) -> np.ndarray:
    cells_array = np.array(cells, dtype=object)
    return shapely.area(shapely.intersection(cells_array, cover)) / shapely.area(cells_array)


def plans(coverage: list[dict], green: list[dict], water: list[dict], seed: int) -> dict[str, list[Zone]]:
    """Every plan's zones on the detail zone, the same for the same seed."""
    rng = np.random.default_rng(seed + 3)
    zone = shapely.union_all([shape(f["geometry"]) for f in coverage])
    greens = [shape(f["geometry"]) for f in green if f["properties"].get("kind") in GREEN_KINDS]
    waters = [shape(f["geometry"]) for f in water]
    green_cover = shapely.make_valid(shapely.union_all(greens)).intersection(zone)
    water_cover = shapely.make_valid(shapely.union_all(waters)).intersection(zone)

    regulatory = []
    cells = _lattice(zone, REGULATORY_CELL)
    green_share, water_share = _shares(cells, green_cover), _shares(cells, water_cover)
    picks = rng.choice(CONSTRUCTION_USES, size=len(cells), p=(0.5, 0.25, 0.15, 0.10))
    for n, (cell, g, w, pick) in enumerate(zip(cells, green_share, water_share, picks, strict=True), start=1):
        use = "E1" if w > 0.4 else "G1" if g > 0.4 else str(pick)
        far, height, green_min = REGULATORY_USES[use]
        regulatory.append(Zone("regulatory", f"HD-KG-{n:04d}", use, far, height, green_min, cell))

    land_use = []
    cells = _lattice(zone, LAND_USE_CELL, shift=1 / 3)
    protected = _shares(cells, shapely.union(green_cover, water_cover))
    flips = rng.random(len(cells)) < FLIPPED_SHARE
    for n, (cell, p, flip) in enumerate(zip(cells, protected, flips, strict=True), start=1):
        use = (
            "ecological"
            if p > 0.3
            else ("farmland" if rng.random() < 0.5 else "ecological")
            if flip
            else "construction"
        )
        land_use.append(Zone("land_use", f"HD-TG-{n:04d}", use, None, None, None, cell))

    kept = [w for w in waters if not w.intersection(zone).is_empty] + [
        g for g in greens if g.area >= PARK_MIN_DEG2 and not g.intersection(zone).is_empty
    ]
    red_line = [
        Zone("red_line", f"HD-HX-{n:03d}", "ecological", None, None, None, area.buffer(RED_LINE_BUFFER_DEG))
        for n, area in enumerate(kept, start=1)
    ]

    transport = []
    for n, part in enumerate(shapely.get_parts(zone), start=1):
        west, south, east, north = part.bounds
        for k in range(2):
            y0, y1 = rng.uniform(south, north, 2)
            line = (
                LineString([(west, y0), (east, y1)])
                if k == 0
                else LineString([(rng.uniform(west, east), south), (rng.uniform(west, east), north)])
            )
            corridor = line.buffer(CORRIDOR_HALF_DEG, cap_style="flat").intersection(part)
            transport.append(Zone("transport", f"HD-JT-{n}{k + 1:02d}", "S1", None, None, None, corridor))

    development = []
    west, south, east, north = zone.bounds
    while len(development) < 12:
        x, y = rng.uniform(west, east), rng.uniform(south, north)
        site = box(x, y, x + rng.uniform(0.0008, 0.0022), y + rng.uniform(0.0006, 0.0018)).intersection(zone)
        if site.is_empty or site.area < 2e-7:
            continue
        use = str(rng.choice(CONSTRUCTION_USES[:3]))
        far, height, _ = REGULATORY_USES[use]
        development.append(Zone("development", f"HD-XM-{len(development) + 1:02d}", use, far, height, None, site))
    return {
        "development": development,
        "regulatory": regulatory,
        "land_use": land_use,
        "red_line": red_line,
        "transport": transport,
    }
