"""Import throughput, memory, the records API and catalog search, each against a baseline in the same run.

    .venv/bin/python bench/import.py [--rows 1000000] [--features 100000] [--datasets 10000]

1. A seeded CSV of --rows rows (Chinese text, numbers, dates, codes, lon/lat in Beijing): `cockpit import` (text
   first, typed by inference, points built, quality measured, records written, in a child process) against the
   raw baseline `pandas.read_csv` + `executemany` into a plain typed table of the same SQLite settings, also in
   a child process. Throughput ratio = baseline seconds / import seconds (target >= 0.5); peak memory of each.
2. A GeoPackage of --features building footprints in CGCS2000 (EPSG:4547): the import (reprojected to WGS-84)
   against `pyogrio.read_dataframe` + `to_crs` + an executemany of WKB, the same way.
3. GET /api/v1/datasets/{id}/records?limit=1000 at random cursors across the 1M-row dataset on `cockpit
   serve`: p50/p95 (target p95 <= 100 ms), against GET /api/v1/devices?limit=1000 in the same run.
4. Catalog search over --datasets catalog records (added to the cockpit's own): p50/p95 of 20 queries in
   Chinese and English (target p95 <= 100 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from common import BENCH, ROOT, free_port, fresh_city, pct, serve
from sqlalchemy import insert, select, text

from cockpit.services.data import catalog, catalog_measure
from cockpit.services.support import users
from data_access.db import transaction, write_transaction
from data_access.models import Dataset

WORDS = ["海淀", "学院路", "中关村", "五道口", "花园路", "北太平庄", "清河", "上地", "西三旗", "燕园"]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(20261126)
    with path.open("w", encoding="utf-8") as out:
        out.write("编号,名称,人口,面积,登记日期,区划代码,经度,纬度\n")
        for i in range(rows):
            out.write(
                f"{i},{rng.choice(WORDS)}第{i % 997}网格,{rng.randint(100, 9000)},{rng.uniform(0.1, 5):.3f},"
                f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},0{110108000 + i % 29},"
                f"{116.25 + rng.random() * 0.15:.6f},{39.93 + rng.random() * 0.12:.6f}\n"
            )


def write_gpkg(path: Path, features: int) -> None:
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(7)
    x, y = rng.uniform(116.25, 116.40, features), rng.uniform(39.93, 40.05, features)
    size = rng.uniform(0.0001, 0.0004, features)
    boxes = shapely.box(x, y, x + size, y + size)
    frame = gpd.GeoDataFrame(
        {"楼号": [f"B{i:06d}" for i in range(features)], "层数": rng.integers(1, 30, features)},
        geometry=boxes,
        crs=4326,
    ).to_crs(4547)
    frame.to_file(path, driver="GPKG")


BASELINE_CSV = """
import sqlite3, sys, time, pandas as pd
from data_access.db import sqlite_pragmas
path, db = sys.argv[1], sys.argv[2]
started = time.perf_counter()
frame = pd.read_csv(path)
con = sqlite3.connect(db); sqlite_pragmas(con)
con.execute(
    "CREATE TABLE base (id INTEGER, name TEXT, people INTEGER, area REAL, day TEXT, code TEXT, lon REAL, lat REAL)"
)
con.execute("BEGIN")
con.executemany("INSERT INTO base VALUES (?,?,?,?,?,?,?,?)", frame.itertuples(index=False, name=None))
con.execute("COMMIT")
print(time.perf_counter() - started)
"""

BASELINE_GPKG = """
import sqlite3, sys, time, pyogrio, shapely
from data_access.db import sqlite_pragmas
path, db = sys.argv[1], sys.argv[2]
started = time.perf_counter()
frame = pyogrio.read_dataframe(path).to_crs(4326)
con = sqlite3.connect(db); sqlite_pragmas(con)
con.execute("CREATE TABLE base (code TEXT, floors INTEGER, geometry BLOB)")
con.execute("BEGIN")
rows = zip(frame.iloc[:, 0], frame.iloc[:, 1].astype(int), shapely.to_wkb(frame.geometry.values))
con.executemany("INSERT INTO base VALUES (?,?,?)", rows)
con.execute("COMMIT")
print(time.perf_counter() - started)
"""


PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def child(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds and peak resident memory (MB) of one command, run under a probe process of its own so the
    peak is that command's alone; and what it printed."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *command], cwd=ROOT, env=os.environ | env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    seconds = time.perf_counter() - started
    output, _, peak = done.stdout.rpartition("PEAK")
    return seconds, int(peak) / 1024, output


def measure_import(folder: Path, source: Path, baseline: str, name: str) -> None:
    env = {"COCKPIT_VAR_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    b_seconds, b_peak, b_out = child([sys.executable, "-c", baseline, str(source), str(folder / f"{name}.db")], env)
    command = [sys.executable, "-m", "cockpit.cli", "import", str(source), "--dataset", name, "--quiet"]
    i_seconds, i_peak, i_out = child([*command, "--department", "bench"], env)
    print(f"  baseline: {b_seconds:6.2f} s ({float(b_out.split()[0]):.2f} s without start-up), peak {b_peak:5.0f} MB")
    print(f"  import:   {i_seconds:6.2f} s, peak {i_peak:5.0f} MB · {i_out.splitlines()[0][:150]}")
    print(
        f"  throughput ratio import/baseline: {b_seconds / i_seconds:.2f} (target >= 0.5); "
        f"peak memory ratio {i_peak / b_peak:.2f}"
    )


def records_latency(folder: Path, url: str, dataset: int, rows: int, requests_n: int) -> None:
    port = free_port()
    proc = serve(folder, port, "--no-simulate")
    try:
        token = users.create_token(url, BENCH, "bench-import", "analyst")
        headers = {"Authorization": f"Bearer {token}"}
        base = f"http://127.0.0.1:{port}/api/v1"
        web = requests.Session()
        with transaction(url) as session:
            first = session.execute(
                text(
                    "SELECT min(id) FROM dataset_record WHERE version_id = "
                    "(SELECT current_version_id FROM dataset WHERE id = :d)"
                ),
                {"d": dataset},
            ).scalar()
        rng = random.Random(3)
        timings, baseline = [], []
        for _ in range(requests_n):
            cursor = first + rng.randrange(0, rows - 1000)
            started = time.perf_counter()
            answer = web.get(
                f"{base}/datasets/{dataset}/records",
                params={"limit": 1000, "cursor": cursor},
                headers=headers,
                timeout=30,
            )
            timings.append(time.perf_counter() - started)
            assert answer.status_code == 200 and len(answer.json()["records"]) == 1000
            started = time.perf_counter()
            web.get(f"{base}/devices", params={"limit": 1000}, headers=headers, timeout=30).raise_for_status()
            baseline.append(time.perf_counter() - started)
        print(
            f"  records (1,000 a page, {requests_n} random cursors): p50 {pct(timings, 50) * 1000:.0f} ms, "
            f"p95 {pct(timings, 95) * 1000:.0f} ms (target <= 100 ms)"
        )
        print(
            f"  baseline /devices?limit=1000 ({len(baseline)}): p50 {pct(baseline, 50) * 1000:.0f} ms, "
            f"p95 {pct(baseline, 95) * 1000:.0f} ms"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def search_latency(url: str, datasets: int) -> None:
    rng = random.Random(11)
    now = datetime.now(UTC).replace(tzinfo=None)
    themes = ["人口", "交通", "医疗", "教育", "环境", "水务", "能源", "住房", "企业", "应急"]
    english = ["population", "traffic", "health", "school", "environment", "water", "energy", "housing"]
    with write_transaction(url) as session:
        rows = []
        for i in range(datasets):
            theme, word = rng.choice(themes), rng.choice(english)
            text = f"{theme}{i} {word} dataset {i} {rng.choice(WORDS)} {theme}统计 field_{i % 50} code"
            rows.append(
                {
                    "name": f"synthetic_{i}",
                    "title": f"{rng.choice(WORDS)}{theme}数据{i}",
                    "title_en": f"{word} {i}",
                    "description": text,
                    "provider": f"部门{i % 40}",
                    "source_department": f"部门{i % 40}",
                    "sharing": "unconditional",
                    "opening": "open",
                    "frequency": "monthly",
                    "keywords": theme,
                    "kind": "import",
                    "table_name": None,
                    "generated": True,
                    "current_version_id": None,
                    "created_at": now,
                    "updated_at": now,
                    "search_text": text.lower(),
                    "quality": rng.random(),
                    "rows": 100,
                }
            )
        session.execute(insert(Dataset), rows)
    queries = [*themes, *english[:6], "海淀 医疗", "traffic 中关村", "field_7", "没有的词"]
    timings = []
    for _ in range(5):
        for query in queries:
            started = time.perf_counter()
            catalog.search(url, query)
            timings.append(time.perf_counter() - started)
    print(
        f"  catalog search over {datasets + 17:,} datasets ({len(timings)} searches): "
        f"p50 {pct(timings, 50) * 1000:.1f} ms, p95 {pct(timings, 95) * 1000:.1f} ms (target <= 100 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = fresh_city(folder)
    catalog_measure.register_tables(url, BENCH)
    csv_path, gpkg_path = folder / "grid.csv", folder / "buildings.gpkg"
    write_csv(csv_path, args.rows)
    write_gpkg(gpkg_path, args.features)
    print(f"CSV: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB")
    measure_import(folder, csv_path, BASELINE_CSV, "grid")
    print(f"GeoPackage: {args.features:,} polygons in EPSG:4547, {gpkg_path.stat().st_size / 1e6:.0f} MB")
    measure_import(folder, gpkg_path, BASELINE_GPKG, "buildings")
    with transaction(url) as session:
        dataset = session.execute(select(Dataset.id).where(Dataset.name == "grid")).scalar()
    print("Records API:")
    records_latency(folder, url, dataset, args.rows, args.requests)
    print("Catalog search:")
    search_latency(url, args.datasets)


if __name__ == "__main__":
    main()
