"""Conflict patches of the detail zone's plans, against a plain geopandas overlay of the same layers in the same run.

    .venv/bin/python bench/planning.py [--repeat 5]

The generated plans (regulatory, land-use, red line, transport, development) and the real OSM buildings are
overlaid under every rule of the matrix in `cockpit.services.planning.plan_overlay` (geometry repaired, slivers
dropped): the median of --repeat runs (target <= 2 s). Baseline: `geopandas.overlay(how="intersection")` of the
same layer pairs in EPSG:4547 with the rule's pairs kept afterwards and the same sliver filter (area and
width), the median of the same number of runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape

from cockpit.services.planning import plan_overlay
from sample_data import plans, real


def inputs() -> dict[str, list[tuple[str, str, shapely.Geometry]]]:
    generated = plans.plans(
        real.read_geojson("coverage.geojson"), real.read_geojson("green.geojson"), real.read_geojson("water.geojson"), 7
    )
    zones = {k: [(z.code, z.use, z.geometry) for z in v] for k, v in generated.items()}
    zones["building"] = [
        (f["properties"]["osm_id"], "building", shape(f["geometry"])) for f in real.read_geojson("buildings.geojson")
    ]
    return zones


def ours(zones: dict) -> plan_overlay.Detection:
    return plan_overlay.detect({k: plan_overlay.layer(k, v) for k, v in zones.items()})


def baseline(zones: dict) -> int:
    frames = {
        k: gpd.GeoDataFrame(
            {"code": [z[0] for z in v], "use": [z[1] for z in v]}, geometry=[z[2] for z in v], crs=4326
        ).to_crs(4547)
        for k, v in zones.items()
    }
    for frame in frames.values():
        frame.geometry = frame.geometry.make_valid()
    found = 0
    for rule in plan_overlay.RULES:
        joined = gpd.overlay(frames[rule.left], frames[rule.right], how="intersection", keep_geom_type=True)
        keep = np.array([rule.forbids(a, b) for a, b in zip(joined["use_1"], joined["use_2"], strict=True)], bool)
        pieces = joined[keep].explode(index_parts=False).geometry.to_numpy()
        big = shapely.area(pieces) >= plan_overlay.MIN_AREA_M2
        found += int((~shapely.is_empty(shapely.buffer(pieces[big], -plan_overlay.MIN_WIDTH_M / 2))).sum())
    return found


def timed(run, zones: dict, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run(zones)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    zones = inputs()
    counts = ", ".join(f"{k} {len(v)}" for k, v in zones.items())
    print(f"Plan layers of the detail zone: {counts}")
    took, found = timed(ours, zones, args.repeat)
    kinds = {r.key: sum(p.rule == r.key for p in found.patches) for r in plan_overlay.RULES}
    print(
        f"  conflict patches: {took:.2f} s (target <= 2 s): {len(found.patches)} patches "
        f"({', '.join(f'{k} {n}' for k, n in kinds.items())}), {found.slivers} slivers dropped, "
        f"{found.repaired} zones repaired"
    )
    base, pieces = timed(baseline, zones, args.repeat)
    print(f"  baseline geopandas.overlay of the same pairs: {base:.2f} s, {pieces} patches; ratio {base / took:.1f}x")


if __name__ == "__main__":
    main()
