"""The CIM platform's speed, each figure against a baseline measured in the same run.

    .venv/bin/python bench/cim.py [--buildings 100000] [--queries 200] [--skip-browser] [--skip-postgres]

1. The 3D view with --buildings buildings (the sample city's 889 real ones and generated footprints spread
   over the Haidian plain around them, as a large city would hold) on /platform/cim in headless Chromium
   (software WebGL: this machine has no GPU): time to the first frame, and frames per second while the view
   is dragged round for five seconds; against the same buildings as the 2D Leaflet GeoJSON layer of the IoT
   page (canvas renderer), dragged the same way in the same browser.
2. within (a 1 km box) and nearest (k=5) p95 over those buildings, on SQLite (shapely STRtree) and on PostGIS
   (GiST on EPSG:4547); baseline: a shapely scan of every building in the same process.
3. isochrone (walk, 5/10/15 min) p95 at random places of the road network; baseline: one Dijkstra.
4. the flood of the detail zone at 10 m cells over a 6-hour 1-in-50-year storm; baseline: one model step
   times the steps taken (what the run costs beyond the model is the impacts and the frames).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import orjson
import shapely
from common import DESK, FLAGS, free_port, pct, postgres_server, serve
from sqlalchemy import insert, text

from cockpit.services.cim import flood, isochrones
from cockpit.services.cim.cim_layers import BLOCK_SIZES_M
from cockpit.services.kernel import routing, spatial_ops
from data_access.db import transaction, write_transaction
from data_access.models import BaseFeature
from data_access.schema import upgrade
from sample_data.load import load_sample_city

CENTRE = (116.335, 39.985)
SPREAD = 0.12  # degrees either side: about 20 km by 27 km of the Haidian plain


def add_buildings(url: str, count: int, seed: int = 7) -> None:
    """Generated footprints (a bench's, not the sample city's) up to `count` buildings in all."""
    with transaction(url) as session:
        have = session.execute(text("SELECT count(*) FROM base_feature WHERE layer = 'building'")).scalar()
    rng = np.random.default_rng(seed)
    n = max(0, count - have)
    x = rng.uniform(CENTRE[0] - SPREAD, CENTRE[0] + SPREAD, n).tolist()
    y = rng.uniform(CENTRE[1] - SPREAD, CENTRE[1] + SPREAD, n).tolist()
    w, h = rng.uniform(0.00012, 0.0004, n).tolist(), rng.uniform(0.00008, 0.0003, n).tolist()
    rows = []
    for i in range(n):
        ring = [[x[i], y[i]], [x[i] + w[i], y[i]], [x[i] + w[i], y[i] + h[i]], [x[i], y[i] + h[i]], [x[i], y[i]]]
        rows.append(
            {
                "layer": "building",
                "osm_id": None,
                "name": None,
                "kind": "residential" if i % 3 else "yes",
                "properties": orjson.dumps({"generated": True}).decode(),
                "geometry": orjson.dumps({"type": "Polygon", "coordinates": [ring]}).decode(),
                "min_lon": float(x[i]),
                "min_lat": float(y[i]),
                "max_lon": float(x[i] + w[i]),
                "max_lat": float(y[i] + h[i]),
                "source": f"bench/cim.py generated (seed {seed})",
            }
        )
    with write_transaction(url) as session:
        for start in range(0, len(rows), 20_000):
            session.execute(insert(BaseFeature), rows[start : start + 20_000])


def queries(url: str, n: int, label: str) -> None:
    rng = random.Random(11)
    places = spatial_ops.places(url, "building") if url.startswith("sqlite") else None
    within, nearest = [], []
    for _ in range(n):
        lon = CENTRE[0] + rng.uniform(-SPREAD, SPREAD) * 0.9
        lat = CENTRE[1] + rng.uniform(-SPREAD, SPREAD) * 0.9
        area = shapely.box(lon, lat, lon + 0.0117, lat + 0.009)  # about 1 km by 1 km
        started = time.perf_counter()
        found = spatial_ops.within(url, "building", area)
        within.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        spatial_ops.nearest(url, "building", shapely.Point(lon, lat), 5)
        nearest.append((time.perf_counter() - started) * 1000)
    print(
        f"  {label}: within p50 {pct(within, 50):.1f} ms, p95 {pct(within, 95):.1f} ms (last found {len(found)});"
        f" nearest p50 {pct(nearest, 50):.1f} ms, p95 {pct(nearest, 95):.1f} ms (target p95 <= 50 ms)"
    )
    if places is not None:
        scans = []
        for _ in range(20):
            started = time.perf_counter()
            shapely.contains(shapely.box(lon, lat, lon + 0.0117, lat + 0.009), places.points)
            shapely.distance(places.metric, spatial_ops.metric(shapely.Point(lon, lat)))
            scans.append((time.perf_counter() - started) * 1000)
        print(f"  baseline, a scan of every building (within + nearest): p50 {pct(scans, 50):.1f} ms")


def isochrone_latency(url: str, n: int) -> None:
    net = routing.network(url, "walk")
    rng = random.Random(5)
    nodes = rng.sample(net.nodes, n)
    isochrones.isochrones(url, nodes[0][0], nodes[0][1], [5, 10, 15], "walk")  # the network is built once
    took, dijkstra = [], []
    for lon, lat in nodes:
        started = time.perf_counter()
        isochrones.isochrones(url, lon, lat, [5, 10, 15], "walk")
        took.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        nx.single_source_dijkstra_path_length(net.graph, (lon, lat), cutoff=900, weight="seconds")
        dijkstra.append((time.perf_counter() - started) * 1000)
    print(
        f"  isochrone 5/10/15 min walk: p50 {pct(took, 50):.0f} ms, p95 {pct(took, 95):.0f} ms (target <= 200 ms);"
        f" baseline one Dijkstra p50 {pct(dijkstra, 50):.1f} ms"
    )


def flood_time(url: str) -> None:
    from cockpit.services.cim import flood_model, terrain

    grid = terrain.grid(url)
    started = time.perf_counter()
    outcome = flood.simulate(url, {"storm": "design", "return_years": 50, "hours": 6, "drainage_mm_h": 36})
    seconds = time.perf_counter() - started
    depth = np.zeros_like(grid.heights, dtype=np.float32) + 0.05
    started = time.perf_counter()
    for _ in range(20):
        flood_model._flows(grid.heights.astype(np.float32), depth, grid.cell_m, 30.0, True)
    step = (time.perf_counter() - started) / 20
    steps = outcome.summary["steps"]
    print(
        f"  flood, {grid.shape[0]}×{grid.shape[1]} cells of {grid.cell_m:g} m, 6 h + 1 h settling, {steps} steps: "
        f"{seconds:.1f} s (target <= 10 s); baseline one model step × steps {step * steps:.1f} s"
    )


ORBIT = """async (ms) => {
  const c = window.cockpitCim; const before = c.stats().frames; const t0 = performance.now();
  const start = c.stats().viewState.bearing || 0;
  await new Promise(done => { function tick(now) { const t = now - t0;
    c.view({bearing: start + t / 50}); if (t < ms) requestAnimationFrame(tick); else done(); }
    requestAnimationFrame(tick); });
  const seen = c.stats();
  return {rate: (seen.frames - before) / ((performance.now() - t0) / 1000), level: seen.levels["a:building"],
          budget: seen.movingBudget};
}"""
LEVELS = (*(f"{size} m blocks" for size in BLOCK_SIZES_M), "footprints")

FPS = """async (ms) => {
  let frames = 0; const t0 = performance.now();
  await new Promise(done => { function tick() { frames++; if (performance.now() - t0 < ms) requestAnimationFrame(tick);
    else done(); } requestAnimationFrame(tick); });
  return frames / ((performance.now() - t0) / 1000);
}"""


def drag(page, selector: str, seconds: float, button: str = "left") -> float:
    """Drag round the view while counting the frames the browser paints."""
    box = page.locator(selector).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down(button=button)
    counting = page.evaluate_handle(f"() => ({FPS})({seconds * 1000})")
    end = time.monotonic() + seconds
    step = 0
    while time.monotonic() < end:
        step += 1
        page.mouse.move(cx + 200 * np.cos(step / 10), cy + 120 * np.sin(step / 10))
        page.wait_for_timeout(16)
    page.mouse.up(button=button)
    return float(counting.json_value())


def browser_frames(folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = serve(folder, port, "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(base + "/login")
            page.fill("#username", "leader")
            page.fill("#password", DESK["leader"])
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            started = time.perf_counter()
            page.goto(base + "/platform/cim")
            while not page.evaluate(
                "() => !!(window.cockpitCim && window.cockpitCim.stats().ready && window.cockpitCim.stats().frames > 0)"
            ):
                page.wait_for_timeout(50)
            first = time.perf_counter() - started
            print(f"  3D (deck.gl, software WebGL): first frame {first:.1f} s after navigation")
            rates = []
            for zoom, where in ((11.8, "the whole city"), (14.5, "a district"), (16.5, "a street")):
                page.evaluate(f"() => window.cockpitCim.focus(116.335, 39.985, {zoom})")
                page.wait_for_timeout(2000)
                page.evaluate(ORBIT, 6000)  # the view settles its level of detail for moving frames
                seen = page.evaluate(ORBIT, 5000)  # the camera turns 20°/s, moved every browser frame
                drawn, level = seen["rate"], seen["level"]
                rates.append(drawn)
                print(
                    f"    orbiting {where} (zoom {zoom}, moving frames drawn as {LEVELS[level]}, "
                    f"at most {seen['budget']:,} features a layer): {drawn:.1f} scene frames/s (target >= 30)"
                )
            started = time.perf_counter()
            page.goto(base + "/platform/iot")
            while not page.evaluate(
                "() => document.querySelectorAll('.leaflet-overlay-pane canvas').length > 0"
                " && performance.getEntriesByType('resource').some(r => r.name.includes("
                "'/geo/buildings.json') && r.responseEnd > 0)"
            ):
                page.wait_for_timeout(50)
            page.wait_for_load_state("networkidle")
            first_2d = time.perf_counter() - started
            painted_2d = drag(page, "#iot-map", 5)
            print(
                f"  baseline 2D (Leaflet canvas, same buildings): drawn {first_2d:.1f} s after navigation; "
                f"panning {painted_2d:.1f} browser frames/s; "
                f"3D/2D frame ratio, whole city {rates[0] / max(painted_2d, 0.1):.2f}"
            )
            browser.close()
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buildings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-cim-"))
    url = f"sqlite:///{folder / 'cockpit.db'}"
    upgrade(url)
    load_sample_city(url, "small", 7)
    from common import BENCH

    from cockpit.services.support import users

    users.ensure_demo_users(url, BENCH)
    print("Flood and isochrones on the sample city (detail zone):")
    flood_time(url)
    isochrone_latency(url, 100)
    add_buildings(url, args.buildings)
    print(f"Spatial queries over {args.buildings:,} buildings:")
    queries(url, args.queries, "SQLite (STRtree)")
    if not args.skip_postgres:
        with postgres_server() as server:
            pg = f"{server}/postgres"
            upgrade(pg)
            load_sample_city(pg, "small", 7)
            add_buildings(pg, args.buildings)
            queries(pg, args.queries, "PostGIS")
    if not args.skip_browser:
        print(f"3D view of {args.buildings:,} buildings in headless Chromium:")
        browser_frames(folder)


if __name__ == "__main__":
    sys.exit(main())
