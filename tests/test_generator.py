import re

import orjson
import pytest
from shapely.geometry import Point, shape

from cockpit import profile
from sample_data import generator, real, streets
from sample_data.generator import COMPONENT_CLASSES, DEVICE_TYPES, generate


@pytest.fixture(scope="module")
def inputs():
    return real.read_geojson("roads.geojson"), real.read_geojson("coverage.geojson"), real.districts()


def _city(inputs, scale="small", seed=1):
    roads, coverage, districts = inputs
    return generate(roads, coverage, streets.street_areas(districts, seed), scale, seed)


def test_same_seed_same_city(inputs):
    assert _city(inputs, seed=3) == _city(inputs, seed=3)


def test_other_seed_other_city(inputs):
    assert _city(inputs, seed=3).devices != _city(inputs, seed=4).devices


def test_every_generated_row_is_labelled(inputs):
    city = _city(inputs, seed=5)
    for rows in (city.streets, city.grids, city.devices, city.components):
        assert rows
        assert all(r["generated"] is True and "seed=5" in r["source"] for r in rows)


def test_small_counts_and_device_types(inputs):
    city = _city(inputs)
    assert len(city.streets) == 349  # every real street of Beijing, with a generated boundary
    assert len(city.grids) > 20
    assert {d["type"] for d in city.devices} == set(DEVICE_TYPES)
    assert len(city.devices) == 200
    assert len(city.components) == 2000


def test_large_scale_has_100k_components_with_unique_gbt_codes(inputs):
    city = _city(inputs, scale="large")
    assert len(city.components) >= 100_000
    codes = [c["code"] for c in city.components]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"110108\d{10}", c) for c in codes[:1000])
    assert {(c["major"], c["minor"]) for c in city.components} == set(COMPONENT_CLASSES)


def test_everything_lies_on_the_real_detail_zone(inputs):
    _, coverage, _ = inputs
    zone = shape(coverage[0]["geometry"])
    for f in coverage[1:]:
        zone = zone.union(shape(f["geometry"]))
    zone = zone.buffer(0.0005)
    city = _city(inputs)
    assert all(zone.contains(Point(d["lon"], d["lat"])) for d in city.devices)
    placed = sum(d["grid_id"] is not None for d in city.devices)
    assert placed / len(city.devices) > 0.95


def test_unknown_scale_is_refused(inputs):
    with pytest.raises(ValueError, match="scale must be one of"):
        _city(inputs, scale="huge")


def test_streets_carry_real_names_and_codes_inside_their_real_district(inputs):
    _, _, districts = inputs
    rows = streets.street_areas(districts, 2)
    haidian = {r["code"]: r for r in rows if r["district_adcode"] == "110108"}
    assert len(haidian) == 29 and haidian["110108011"]["name"] == "中关村街道"
    area = {d["adcode"]: shape(orjson.loads(d["geometry"])) for d in districts}["110108"]
    cells = [shape(orjson.loads(r["geometry"])) for r in haidian.values()]
    assert abs(sum(c.area for c in cells) - area.area) / area.area < 1e-6  # the streets tile the district
    assert all(shape(orjson.loads(haidian[c]["geometry"])).contains(Point(*streets.HAIDIAN_SEEDS[c])) for c in haidian)
    assert all("boundary generated" in r["source"] for r in rows)


def test_grids_nest_in_their_street(inputs):
    city = _city(inputs)
    by_id = {s["id"]: s for s in city.streets}
    for grid in city.grids:
        street = by_id[grid["street_id"]]
        assert grid["code"].startswith(street["code"]) and len(grid["code"]) == 12
        inside = shape(orjson.loads(street["geometry"])).buffer(1e-9)
        assert inside.contains(shape(orjson.loads(grid["geometry"])))


def test_metered_buildings_have_a_water_a_power_and_a_gas_meter_inside_them(inputs):
    buildings = real.read_geojson("buildings.geojson")
    city = _city(inputs, seed=2)
    meters = generator.meters(buildings, city.grids, "small", 2)
    assert meters == generator.meters(buildings, city.grids, "small", 2)
    by_place: dict[tuple[float, float], set[str]] = {}
    for m in meters:
        by_place.setdefault((m["lon"], m["lat"]), set()).add(m["type"])
        assert m["generated"] is True and "seed=2" in m["source"]
    assert len(by_place) == generator.METERED_BUILDINGS_PER_UNIT
    assert all(kinds == set(profile.METER_TYPES) for kinds in by_place.values())
    footprints = [shape(b["geometry"]) for b in buildings if b["properties"].get("building") in generator.METERED_USES]
    assert all(any(f.contains(Point(place)) for f in footprints) for place in by_place)
    everything = generator.meters(buildings, city.grids, "large", 2)
    assert len(everything) == 3 * len(footprints)  # the large city meters every home, office and shop
