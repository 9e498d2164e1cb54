"""Construction: CPM on a 10,000-task schedule and the sunlight analysis of a design against the detail zone,
each against a baseline measured in the same run.

    .venv/bin/python bench/construction.py [--repeat 5] [--tasks 10000]

CPM (`cockpit.services.construction.cpm.schedule`: earliest and latest times, total and free float, four link
types) on a
seeded network of --tasks tasks, each following up to three of the fifty before it (target <= 1 s); baseline:
networkx's own `dag_longest_path_length` on the same network, which gives the critical length alone.
Sunlight (`cockpit.services.cim.sunlight.analyse`) of an 80 m slab put south of a home in the middle of the small
sample city's detail zone, on 大寒日 (target <= 5 s); baseline: the same moments with each building's shadow
pieces unioned and each sample tested against the union (shapely.union_all + contains_xy), the way a first
version would, for the same samples. Medians of --repeat runs."""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from common import fresh_city
from shapely.geometry import box, mapping, shape

from cockpit.services.cim import cim_scene, sunlight
from cockpit.services.construction import cpm
from cockpit.services.kernel.spatial_ops import metric, wgs84


def network(n: int) -> list[cpm.Task]:
    rng = np.random.default_rng(16)
    tasks = []
    for i in range(n):
        before = rng.choice(np.arange(max(0, i - 50), i), size=min(i, 3), replace=False) if i else []
        tasks.append(cpm.Task(f"T{i}", float(rng.integers(1, 20)), tuple(cpm.Link(f"T{j}") for j in before)))
    return tasks


def longest(tasks: list[cpm.Task]) -> float:
    graph = nx.DiGraph()
    for t in tasks:
        graph.add_node(t.code)
        for link in t.links:
            graph.add_edge(link.predecessor, t.code)
    weight = {t.code: t.duration for t in tasks}
    for a, b in graph.edges:
        graph.edges[a, b]["w"] = weight[a]
    ends = [n for n in graph if graph.out_degree(n) == 0]
    for n in ends:
        graph.add_edge(n, "end", w=weight[n])
    return nx.dag_longest_path_length(graph, weight="w")


def timed(run, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def design_near_a_home(url: str) -> dict:
    homes = [f for f in cim_scene.building_features(url) if f["properties"]["residential"]]
    home = homes[len(homes) // 2]
    west, south, east, _north = metric(shape(home["geometry"])).bounds
    slab = wgs84(box(west - 40, south - 35, east + 40, south - 15))
    return {"type": "FeatureCollection", "features": [{"geometry": mapping(slab), "properties": {"height": 80.0}}]}


def unioned(samples: sunlight.Facade, standing: sunlight.Prisms, design: sunlight.Prisms, suns: list) -> np.ndarray:
    lit_total = np.zeros(len(samples.points))
    xy = shapely.get_coordinates(samples.points)
    for sun in suns:
        lit = np.cos(samples.normal - sun.azimuth) > 0
        for shade in (standing, design):
            cover = shapely.union_all(shade.shadows(sun))
            lit &= ~shapely.contains_xy(cover, xy[:, 0], xy[:, 1])
        lit_total += lit * sunlight.STEP_MIN
    return lit_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    tasks = network(args.tasks)
    took, timings = timed(lambda: cpm.schedule(tasks), args.repeat)
    finish = max(t.ef for t in timings.values())
    critical = sum(t.critical for t in timings.values())
    print(f"CPM on {len(tasks):,} tasks: {took:.3f} s (target <= 1 s): finish day {finish:.0f}, {critical} critical")
    base, length = timed(lambda: longest(tasks), args.repeat)
    print(f"  baseline networkx dag_longest_path_length: {base:.3f} s (length {length:.0f}); ratio {took / base:.1f}x")

    with tempfile.TemporaryDirectory() as folder:
        url = fresh_city(Path(folder), demo_users=False)
        design = design_near_a_home(url)
        cim_scene.building_features(url)  # the scene is built once, as a running cockpit has it
        took, found = timed(lambda: sunlight.analyse(url, design, "dahan"), args.repeat)
        print(
            f"Sunlight on 大寒日 of an 80 m slab in the detail zone: {took:.2f} s (target <= 5 s): "
            f"{len(found['homes'])} homes, {found['samples']} sills, {found['caused']} short because of it"
        )
        day, hours, _needed = sunlight.RULE_DAYS["dahan"]
        suns = [s for s in sunlight.sun_path(day, 40.0, hours) if math.degrees(s.altitude) >= sunlight.LOWEST_SUN_DEG]
        features = cim_scene.building_features(url)
        standing = metric(np.array([shape(f["geometry"]) for f in features], dtype=object))
        heights = np.array([f["properties"]["height"] for f in features])
        plan = metric(np.array([shape(f["geometry"]) for f in design["features"]], dtype=object))
        near = shapely.distance(standing, shapely.union_all(plan)) <= found["reach_m"]
        samples = sunlight.facades(standing[near & np.array([f["properties"]["residential"] for f in features])])
        prisms = sunlight.Prisms.of(standing[near], heights[near])
        proposed = sunlight.Prisms.of(plan, np.array([80.0]))
        ours, _ = timed(lambda: sunlight.lit_minutes(samples, prisms, proposed, suns), args.repeat)
        base, _ = timed(lambda: unioned(samples, prisms, proposed, suns), args.repeat)
        print(
            f"  the moments alone: {ours:.2f} s (STRtree queries) against {base:.2f} s unioning the shadows "
            f"(baseline); ratio {base / ours:.1f}x"
        )


if __name__ == "__main__":
    main()
