"""Spatial services of the CIM platform: the embedded engine (shapely STRtree) and PostGIS give the same
answers; nearest is exact; isochrones follow the roads and nest; coverage counts residents; the API answers
GeoJSON and CSV and refuses bad input and roles without the right."""

from __future__ import annotations

import csv
import io

import numpy as np
import orjson
import pytest
import shapely
from fixtures.db import TEST_ACTOR
from shapely.geometry import Point, box
from sqlalchemy import text

from cockpit.services.cim import isochrones
from cockpit.services.kernel import spatial_ops
from cockpit.services.support import users
from data_access.db import transaction
from data_access.schema import upgrade
from sample_data.load import load_sample_city

QUERIES = [
    ("within", "building", box(116.340, 39.995, 116.360, 40.010)),
    ("within", "poi", box(116.300, 39.990, 116.340, 40.020)),
    ("within", "shelter", box(116.20, 39.85, 116.45, 40.05)),
    ("nearest", "building", Point(116.3500, 40.0000)),
    ("nearest", "hospital", Point(116.3200, 40.0050)),
    ("nearest", "metro_station", Point(116.3520, 39.9600)),
    ("near", "building", box(116.349, 39.999, 116.351, 40.001)),
    ("near", "clinic", Point(116.3500, 39.9580)),
]


@pytest.fixture(scope="module")
def pg_city(postgres_url: str) -> str:
    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    return postgres_url


def _run(url: str, operation: str, target: str, geometry) -> list[tuple[int, float | None]]:
    if operation == "within":
        found = spatial_ops.within(url, target, geometry)
    elif operation == "nearest":
        found = spatial_ops.nearest(url, target, geometry, 7)
    else:
        found = spatial_ops.near(url, target, geometry, 400)
    return [(f["properties"]["id"], f["properties"].get("distance_m")) for f in found]


def test_postgis_and_the_embedded_engine_give_the_same_answers(city_url, pg_city):
    for operation, target, geometry in QUERIES:
        embedded, postgis = _run(city_url, operation, target, geometry), _run(pg_city, operation, target, geometry)
        assert embedded, (operation, target)
        assert [i for i, _ in embedded] == [i for i, _ in postgis], (operation, target)
        for (_, a), (_, b) in zip(embedded, postgis, strict=True):
            assert a == b or abs(a - b) < 0.05, (operation, target, a, b)
    shape = spatial_ops.buffer(city_url, Point(116.35, 40.0), 300)[0]["geometry"]
    same = spatial_ops.buffer(pg_city, Point(116.35, 40.0), 300)[0]["geometry"]
    a, b = shapely.from_geojson(orjson.dumps(shape)), shapely.from_geojson(orjson.dumps(same))
    assert a.symmetric_difference(b).area / a.area < 0.001


def test_nearest_is_the_true_nearest_in_metres(city_url):
    found = spatial_ops.places(city_url, "building")
    rng = np.random.default_rng(3)
    for lon, lat in zip(rng.uniform(116.31, 116.36, 5), rng.uniform(39.96, 40.01, 5), strict=True):
        point = Point(lon, lat)
        truth = shapely.distance(found.metric, spatial_ops.metric(point))
        expected = [found.rows[i]["id"] for i in np.lexsort(([r["id"] for r in found.rows], truth))[:4]]
        assert [f["properties"]["id"] for f in spatial_ops.nearest(city_url, "building", point, 4)] == expected


def test_isochrones_nest_follow_the_roads_and_refuse_points_off_the_network(city_url):
    walk = isochrones.isochrones(city_url, 116.35, 40.0, [5, 10, 15], "walk")
    areas = {f["properties"]["minutes"]: shapely.from_geojson(orjson.dumps(f["geometry"])) for f in walk}
    assert areas[5].area < areas[10].area < areas[15].area
    assert areas[5].difference(areas[15]).area < 1e-6 * areas[5].area  # nested, but for rounding
    circle = spatial_ops.metric(Point(116.35, 40.0)).buffer(15 * 60 * 4.8 / 3.6)
    assert walk[0]["properties"]["area_km2"] < circle.area / 1e6  # streets, not a circle
    drive = isochrones.isochrones(city_url, 116.35, 40.0, [5], "drive")
    assert drive[0]["properties"]["area_km2"] > walk[-1]["properties"]["area_km2"]
    with pytest.raises(Exception) as refused:
        isochrones.isochrones(city_url, 116.0, 39.5, [10], "walk")
    assert refused.value.key == "spatial.off_network" and refused.value.http == 422


def test_coverage_counts_residents_within_a_walk_of_the_nearest_facility(city_url):
    near = isochrones.coverage(city_url, "school", 10)
    far = isochrones.coverage(city_url, "school", 30)
    assert 0 < near["summary"]["share"] < far["summary"]["share"] <= 1
    assert near["summary"]["residents"] == sum(f["properties"]["residents"] for f in near["features"])
    assert all(f["properties"]["minutes"] <= 10 for f in near["features"] if f["properties"]["covered"])
    assert near["summary"]["generated"] == ["residents"] and near["summary"]["estimate"]


def test_the_spatial_api_answers_geojson_and_csv_and_refuses_bad_input(app_client, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "spatial-leader", "leader")
    bearer = {"Authorization": f"Bearer {token}"}
    body = {"lon": 116.35, "lat": 40.0, "k": 3, "target": "building"}
    found = app_client.post("/api/v1/spatial/nearest", json=body, headers=bearer)
    assert found.status_code == 200 and len(found.get_json()["features"]) == 3
    exported = app_client.post("/api/v1/spatial/buffer?format=csv", json=body | {"metres": 200}, headers=bearer)
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert exported.mimetype == "text/csv" and rows[0]["role"] == "buffer" and rows[1]["wkt"].startswith("POLYGON")
    iso = app_client.post("/api/v1/spatial/isochrone", json={"lon": 116.35, "lat": 40.0, "minutes": 10}, headers=bearer)
    assert iso.status_code == 200 and iso.get_json()["features"][0]["properties"]["estimate"] is True
    covered = app_client.post("/api/v1/spatial/coverage", json={"facility": "shelter"}, headers=bearer)
    assert covered.status_code == 200 and "share" in covered.get_json()["summary"]
    for operation, bad in [
        ("nearest", body | {"k": 0}),
        ("nearest", body | {"lon": "east"}),
        ("within", {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}}),
        ("buffer", body | {"metres": 10**9}),
        ("isochrone", {"lon": 116.35, "lat": 40.0, "mode": "fly"}),
        ("coverage", {"facility": "casino"}),
    ]:
        answer = app_client.post(f"/api/v1/spatial/{operation}", json=bad, headers=bearer)
        assert answer.status_code == 400 and answer.get_json()["error"], (operation, bad)
    assert app_client.post("/api/v1/spatial/teleport", json=body, headers=bearer).status_code == 404
    field = users.create_token(city_url, TEST_ACTOR, "spatial-field", "field_worker")
    denied = app_client.post("/api/v1/spatial/nearest", json=body, headers={"Authorization": f"Bearer {field}"})
    assert denied.status_code == 403


def test_the_cim_runs_on_postgis_too(pg_city):
    from cockpit.services.cim import building_object, model_compare, simulations
    from cockpit.services.data import catalog_measure
    from sample_data import catalog as sample_catalog

    catalog_measure.register_tables(pg_city, TEST_ACTOR)
    sample_catalog.load(pg_city, TEST_ACTOR, 7)
    with transaction(pg_city) as session:
        building = session.execute(
            text("SELECT id FROM base_feature WHERE layer = 'building' AND kind = 'apartments' ORDER BY id")
        ).scalar()
    found = building_object.building(pg_city, building)
    assert found.address.startswith("北京市海淀区") and found.community and found.residents > 0
    census = next(s["key"] for s in model_compare.sources(pg_city) if "建筑普查" in (s["title"] or ""))
    assert model_compare.compare(pg_city, "base", census)["counts"]["added"] == 15
    run = simulations.start(
        pg_city, TEST_ACTOR, "evacuation", {"lon": 116.3455, "lat": 40.0045, "metres": 400}, wait=True
    )
    done = simulations.status(pg_city, run["id"])
    assert done["status"] == "done" and done["frames"] and done["result"]["assigned"] > 0
    flood = simulations.start(pg_city, TEST_ACTOR, "flood", {"hours": 1, "return_years": 20}, wait=True)
    frame, kind = simulations.frame(pg_city, flood["id"], 0)
    assert (
        simulations.status(pg_city, flood["id"])["status"] == "done" and kind == "image/png" and frame[:4] == b"\x89PNG"
    )
