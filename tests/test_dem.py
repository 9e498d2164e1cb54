"""An imported elevation model becomes the CIM terrain: a projected GeoTIFF and an SRTM tile are read, sampled at
every terrain cell and stored; broken, unreferenced or misplaced models are refused; clearing goes back to the
generated terrain; the flood runs over whichever ground there is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fixtures.db import TEST_ACTOR
from PIL import Image, TiffImagePlugin
from pyproj import Transformer

from cockpit.refusal import Refused
from cockpit.services.cim import dem, terrain

ROOT = Path(__file__).resolve().parent.parent


def _geotiff(path: Path, heights: np.ndarray, west: float, north: float, pixel: float, epsg: int | None) -> Path:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[dem.PIXEL_SCALE] = (pixel, pixel, 0.0)
    info.tagtype[dem.PIXEL_SCALE] = 12
    info[dem.TIEPOINT] = (0.0, 0.0, 0.0, west, north, 0.0)
    info.tagtype[dem.TIEPOINT] = 12
    if epsg:
        key = dem.PROJECTED_KEY if epsg != 4326 else dem.GEOGRAPHIC_KEY
        info[dem.GEOKEYS] = (1, 1, 0, 1, key, 0, 1, epsg)
        info.tagtype[dem.GEOKEYS] = 3
    Image.fromarray(heights.astype(np.float32), mode="F").save(path, tiffinfo=info)
    return path


def _plane_over_zone(url: str, tmp_path: Path, epsg: int = 4547) -> tuple[Path, callable]:
    """A tilted plane in CGCS2000 metres (100 m, rising 1 m every 100 m east) over the detail zone and beyond."""
    at = terrain.frame(url)
    to_metric = Transformer.from_crs(4326, epsg, always_xy=True)
    (x0, x1), (y0, y1) = to_metric.transform([at.west, at.east], [at.south, at.north])
    west, north, pixel = x0 - 500, y1 + 500, 30.0
    cols, rows = int((x1 - x0 + 1000) / pixel) + 1, int((y1 - y0 + 1000) / pixel) + 1
    xs = west + (np.arange(cols) + 0.5) * pixel
    heights = np.tile(100 + (xs - west) / 100, (rows, 1))

    def expected(lon, lat):
        x, _ = to_metric.transform(lon, lat)
        return 100 + (np.asarray(x) - west) / 100

    return _geotiff(tmp_path / "dem.tif", heights, west, north, pixel, epsg), expected


def test_a_projected_geotiff_becomes_the_terrain_and_clearing_brings_the_generated_back(city_db, tmp_path):
    path, expected = _plane_over_zone(city_db, tmp_path)
    assert dem.is_dem(path)
    made = dem.import_dem(city_db, path, TEST_ACTOR)
    assert made["covered"] == pytest.approx(1.0)
    ground = terrain.grid(city_db)
    assert not ground.generated and "dem.tif" in ground.source and "EPSG:4547" in ground.source
    lon, lat = ground.cell_centres()
    difference = ground.heights - expected(lon, lat)
    assert np.median(np.abs(difference)) < 0.05  # the plane, but for the kerbs and sills the city adds
    assert difference.min() >= -terrain.KERB_M - 0.05 and difference.max() <= terrain.WALLS_M + 0.05
    assert dem.clear(city_db, TEST_ACTOR) == 1 and terrain.grid(city_db).generated


def test_an_srtm_tile_is_read_by_its_name_and_sampled_bilinearly(city_db, tmp_path):
    side = 1201
    lat = 40 - np.arange(side) / (side - 1)  # rows from the north edge (40°N) down to 39°N
    heights = np.repeat(((lat - 39) * 1000).astype(">i2")[:, None], side, axis=1)
    heights[0, 0] = dem.VOID
    path = tmp_path / "N39E116.hgt"
    path.write_bytes(heights.tobytes())
    read = dem.read(path)
    assert np.isnan(read.heights[0, 0]) and read.heights.shape == (side, side)
    sampled = dem.resample(read, np.array([116.33, 116.35]), np.array([39.98, 40.0 - 0.5 / 1200]))
    assert sampled[0] == pytest.approx(980, abs=1.0) and sampled[1] == pytest.approx(999.5, abs=1.0)
    made = dem.import_dem(city_db, path, TEST_ACTOR)
    assert made["low"] > 900 and "N39E116.hgt" in terrain.grid(city_db).source


def test_broken_unreferenced_and_misplaced_models_are_refused(city_db, tmp_path):
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"II*\x00" + b"\x00" * 40)
    nowhere = _geotiff(tmp_path / "nocrs.tif", np.zeros((10, 10)), 0, 0, 1, None)
    delft = _geotiff(tmp_path / "delft.tif", np.zeros((50, 50)), 4.30, 52.05, 0.001, 4326)
    short = tmp_path / "N39E116.hgt"
    short.write_bytes(b"\x00" * 1000)
    for path, key in (
        (broken, "dem.unreadable"),
        (nowhere, "dem.no_crs"),
        (delft, "dem.elsewhere"),
        (short, "dem.unreadable"),
    ):
        with pytest.raises(Refused) as refused:
            dem.import_dem(city_db, path, TEST_ACTOR)
        assert refused.value.key == key, path
    assert terrain.grid(city_db).generated  # nothing half-imported


def test_cockpit_import_takes_a_dem_and_the_flood_runs_over_it(city_db, tmp_path):
    path, _ = _plane_over_zone(city_db, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cockpit.cli", "import", str(path)],
        cwd=ROOT,
        env={"COCKPIT_DATABASE_URL": city_db, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "terrain" in done.stdout and "dem.tif" in done.stdout
    from cockpit.services.cim import flood

    outcome = flood.simulate(city_db, {"storm": "design", "return_years": 20, "hours": 2, "drainage_mm_h": 36})
    assert outcome.summary["terrain"]["generated"] is False
    assert outcome.summary["balance_m3"]["left_the_area"] > 0  # a plane sheds its water off the edge
