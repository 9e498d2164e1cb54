"""Sunlight analysis against hand computation: the sun's height at true noon on 冬至日 in Beijing, one shadow of
a prism (its length and direction worked out by hand), a wall facing north never counted, and a tall design
due south of a home that takes its window sill below the rule."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from cockpit.services.cim import sunlight
from cockpit.services.cim.sunlight import Prisms, Sun

BEIJING = 39.99


def test_the_sun_at_true_noon_on_the_winter_solstice():
    (noon,) = sunlight.sun_path(date(2025, 12, 22), BEIJING, (11.9, 12.1), step_min=12)
    # 90° − latitude − 23.44° by hand; Cooper's declination on 22 December is within 0.01° of it
    assert math.degrees(noon.altitude) == pytest.approx(90 - BEIJING - 23.44, abs=0.05)
    assert math.degrees(noon.azimuth) == pytest.approx(180, abs=0.5)


def test_one_shadow_against_a_hand_computation():
    sun = Sun(12 * 60, math.radians(30), math.radians(180))  # due south, 30° up
    prism = Prisms.of(np.array([box(0, 0, 10, 10)], dtype=object), np.array([20.9]))
    shadow = shapely.union_all(prism.shadows(sun, plane=0.9))
    length = 20 / math.tan(math.radians(30))  # 34.64 m due north, by hand
    assert shadow.bounds == pytest.approx((0, 0, 10, 10 + length), abs=1e-6)
    assert shadow.area == pytest.approx(10 * (10 + length), rel=1e-3)
    morning = Sun(9 * 60, math.radians(45), math.radians(135))  # south-east: the shadow falls north-west
    skewed = shapely.union_all(prism.shadows(morning, plane=0.9))
    dx = dy = 20 / math.tan(math.radians(45)) * math.sin(math.radians(45))
    assert skewed.bounds == pytest.approx((-dx, 0, 10, 10 + dy), abs=1e-6)
    assert skewed.area == pytest.approx(100 + 2 * 10 * dx, rel=1e-3)  # footprint plus two swept walls


def test_only_walls_facing_the_southern_sky_are_sampled():
    samples = sunlight.facades(np.array([box(0, 0, 30, 12)], dtype=object))
    normals = set(np.round(np.degrees(samples.normal)).tolist())
    assert normals == {90.0, 180.0, 270.0}  # east, south and west walls; the north wall never sees winter sun
    south = samples.normal == math.pi
    assert int(south.sum()) == 5 and all(p.y < 0 for p in samples.points[south])  # 30 m every 6 m, outside


def test_a_tall_design_south_of_a_home_takes_its_sill_below_the_rule():
    home = np.array([box(0, 0, 40, 12)], dtype=object)
    samples = sunlight.facades(home)
    day, hours, needed = sunlight.RULE_DAYS["dahan"]
    suns = sunlight.sun_path(day, BEIJING, hours)
    standing = Prisms.of(home, np.array([18.0]))
    tall = Prisms.of(np.array([box(-80, -40, 120, -28)], dtype=object), np.array([60.0]))  # a slab 28 m south
    low = Prisms.of(np.array([box(0, -40, 40, -28)], dtype=object), np.array([6.0]))
    without, with_tall = sunlight.lit_minutes(samples, standing, tall, suns)
    _, with_low = sunlight.lit_minutes(samples, standing, low, suns)
    south = samples.normal == math.pi
    assert (without[south] >= 7.5 * 60).all()  # open ground: nearly the whole counted day
    assert (with_tall[south] < needed * 60).all()
    assert (with_low[south] == without[south]).all()  # a 6 m building 28 m away casts short of the sill


def test_a_design_south_of_a_real_home_is_found_to_take_its_sun(city_url):
    """An 80 m slab put 15 m south of a home of the detail zone, the width of the home and 40 m more each side:
    the home is reported as falling short because of the design."""
    from cockpit.services.cim import cim_scene
    from cockpit.services.kernel.spatial_ops import metric, wgs84

    homes = [f for f in cim_scene.building_features(city_url) if f["properties"]["residential"]]
    home = homes[len(homes) // 2]
    west, south, east, _north = metric(shapely.geometry.shape(home["geometry"])).bounds
    slab = wgs84(box(west - 40, south - 35, east + 40, south - 15))
    design = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": shapely.geometry.mapping(slab), "properties": {"height": 80.0}}],
    }
    found = sunlight.analyse(city_url, design, "dahan")
    mine = next(h for h in found["homes"] if h["id"] == home["properties"]["id"])
    assert mine["verdict"] in ("caused", "already")
    assert mine["hours_with"] <= mine["hours_without"] and mine["hours_with"] < 2.0
    assert found["caused"] >= 1 and found["needed_h"] == 2.0
    assert len(found["shadows"]["features"]) == 8  # 08:00 to 15:00, one a full hour
