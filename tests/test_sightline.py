"""The sightline check of a design against the plan's view corridors, against a hand computation."""

import orjson
import pytest
import shapely
import shapely.ops
from shapely.geometry import box

from cockpit.services.cim import sightline
from cockpit.services.construction import projects
from cockpit.services.kernel.spatial_ops import wgs84


def _design(square, height: float) -> dict:
    geometry = orjson.loads(shapely.to_geojson(wgs84(square)))
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": {"height": height}}],
    }


def test_corridors_run_from_real_parks_to_distinct_landmarks(city_url):
    found = sightline.corridors(city_url)
    assert found
    assert len({c.park for c in found}) == len(found) == len({c.landmark for c in found})
    assert all(200 < c.axis().length <= sightline.REACH_M for c in found)
    assert all(c.target_m >= sightline.LEAST_LANDMARK_M for c in found)


def test_a_tower_half_way_blocks_the_view_and_a_pavilion_does_not(city_url):
    corridor = sightline.corridors(city_url)[0]
    axis = corridor.axis()
    middle = axis.interpolate(0.5, normalized=True)
    square = box(middle.x - 10, middle.y - 10, middle.x + 10, middle.y + 10)
    # the square's nearest point to the eye lies about 10-14 m before the middle, by how the axis crosses it
    nearest = axis.project(shapely.ops.nearest_points(square, shapely.Point(axis.coords[0]))[0])
    allowed = sightline.EYE_M + (corridor.target_m - sightline.EYE_M) * nearest / axis.length
    assert axis.length / 2 - 15 < nearest < axis.length / 2
    tower = next(c for c in sightline.check(city_url, _design(square, 60.0)) if c["code"] == corridor.code)
    assert tower["passes"] is False and tower["allowed_m"] == pytest.approx(allowed, abs=0.1)
    low = next(c for c in sightline.check(city_url, _design(square, 3.0)) if c["code"] == corridor.code)
    assert low["passes"] is True
    far = axis.interpolate(0.5, normalized=True)
    away = box(far.x + 5000, far.y + 5000, far.x + 5020, far.y + 5020)
    assert sightline.check(city_url, _design(away, 60.0)) == []


def test_a_projects_detail_carries_its_sightline_check(city_url):
    listed = projects.portfolio(city_url)["projects"]
    details = [projects.detail(city_url, p["id"]) for p in listed]
    assert all(isinstance(d["sightlines"], list) for d in details)
    assert any(d["sightlines"] for d in details)  # the corridors cross the areas of change
