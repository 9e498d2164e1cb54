"""The CIM platform's services without a browser: the layer registry and its scenes, imported CityJSON and
census datasets as layers, the building object and its links, the view description the 3D scene draws, model
comparison of two vintages, and the API routes that share them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from fixtures.db import TEST_ACTOR
from sqlalchemy import text

from cockpit.refusal import Refused
from cockpit.services.cim import building_object, cim_layers, cim_scene, cim_view, model_compare
from cockpit.services.data.importing.pipeline import Request, run
from cockpit.services.support import users
from data_access.db import transaction

DELFT = Path(__file__).resolve().parent.parent / "sample_data" / "formats" / "delft.city.json"


def _apartment(url: str) -> int:
    with transaction(url) as session:
        return session.execute(
            text("SELECT id FROM base_feature WHERE layer = 'building' AND kind = 'apartments' ORDER BY id")
        ).scalar()


def test_the_registry_gives_every_layer_its_level_source_vintage_and_licence(city_url):
    layers = {layer.key: layer for layer in cim_layers.registry(city_url)}
    assert {"terrain", "road", "water", "green", "building", "metro", "pipeline", "devices"} <= set(layers)
    assert layers["terrain"].cim_level == 1 and layers["building"].cim_level == 2 and layers["terrain"].generated
    assert all(layer.department and layer.vintage and layer.licence for layer in layers.values())
    for keys, _, _ in cim_layers.SCENES.values():
        assert set(keys) <= set(layers)
    census = next(layer for layer in layers.values() if layer.imported and "建筑普查" in layer.title)
    drawn = orjson.loads(cim_scene.dataset(city_url, TEST_ACTOR, int(census.key.split(":")[1])))
    assert drawn["features"] and all(f["properties"]["height"] > 0 for f in drawn["features"][:50])


def test_an_imported_cityjson_is_a_cim3_layer_and_the_camera_goes_to_it(db_url):
    from sample_data.load import load_sample_city

    load_sample_city(db_url, "small", 7)
    report = run(db_url, Request(DELFT, "delft_model", "Delft"), TEST_ACTOR)
    layer = next(layer for layer in cim_layers.registry(db_url) if layer.key == f"dataset:{report.dataset_id}")
    assert layer.cim_level == 3 and layer.kind == "extruded" and 4.3 < layer.bounds[0] < 4.4
    drawn = orjson.loads(cim_scene.dataset(db_url, TEST_ACTOR, report.dataset_id))
    heights = [f["properties"].get("height") for f in drawn["features"]]
    assert sum(h is not None and h > 0 for h in heights) >= 150
    spec = cim_view.spec(db_url, cim_view.Choices(visible=("building", layer.key), reset=True))
    assert 4.3 < spec["camera"]["longitude"] < 4.4  # Delft, not Beijing
    with pytest.raises(Refused) as refused:
        cim_scene.dataset(db_url, TEST_ACTOR, 999_999)
    assert refused.value.http == 404


def test_a_building_object_gathers_place_people_and_what_is_around(city_url):
    found = building_object.building(city_url, _apartment(city_url))
    assert found.address.startswith("北京市海淀区") and found.street and found.grid.startswith(found.street)
    assert (
        found.community
        and found.community.startswith(found.street)
        and found.community_name.endswith(("社区居委会", "村委会"))
    )
    assert found.residents > found.households > 0 and {"residents", "community_boundary"} <= set(found.generated)
    assert found.height_m == found.floors * 3
    for kind, reach in building_object.REACH_M.items():
        metres = [row["metres"] for row in getattr(found, kind)]
        assert metres == sorted(metres) and all(m <= reach for m in metres)
    with pytest.raises(Refused) as refused:
        building_object.building(city_url, 999_999)
    assert refused.value.http == 404


def test_the_view_says_what_to_draw_at_the_time_on_the_slider(city_url):
    spec = cim_view.spec(city_url, cim_view.Choices(visible=("building", "devices"), minutes=-90))
    shown = {layer["key"]: layer for layer in spec["layers"] if layer["visible"]}
    assert set(shown) == {"building", "devices"} and shown["devices"]["url"].endswith("minutes=-90")
    run_view = {
        "status": "done",
        "kind": "flood",
        "result": {"bounds": [116.3, 39.9, 116.4, 40.0]},
        "frames": [{"minute": m, "url": f"/api/v1/simulations/5/frames/{i}.png"} for i, m in enumerate((15, 30, 45))],
    }
    later = cim_view.spec(city_url, cim_view.Choices(minutes=40, simulation=run_view))
    assert later["flood"]["image"] == "/cim/simulations/5/frames/1.png"
    assert cim_view.spec(city_url, cim_view.Choices(minutes=10, simulation=run_view))["flood"] is None
    devices = orjson.loads(cim_scene.devices_at(city_url, -60))
    assert {f["properties"]["status"] for f in devices["features"]} <= {"online", "offline", "alarm"}


def test_model_comparison_finds_the_census_changes(city_url):
    census = next(s["key"] for s in model_compare.sources(city_url) if "建筑普查" in (s["title"] or ""))
    found = model_compare.compare(city_url, "base", census)
    counts = found["counts"]
    assert counts["added"] == 15 and 10 < counts["removed"] < 60 and counts["changed"] > 20
    assert all(f["properties"]["why"] for f in found["changed"])
    same = model_compare.compare(city_url, "base", "base")
    assert same["counts"]["unchanged"] == sum(counts[k] for k in ("removed", "changed", "unchanged"))
    assert same["counts"]["added"] == same["counts"]["removed"] == same["counts"]["changed"] == 0
    with pytest.raises(Refused):
        model_compare.compare(city_url, "base", "nonsense")


def test_the_cim_api_shares_layers_buildings_and_comparisons(app_client, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "cim-leader", "leader")
    bearer = {"Authorization": f"Bearer {token}"}
    layers = app_client.get("/api/v1/cim/layers", headers=bearer).get_json()
    assert layers["scenes"]["emergency"]["layers"] and any(x["key"] == "terrain" for x in layers["layers"])
    building = app_client.get(f"/api/v1/cim/buildings/{_apartment(city_url)}", headers=bearer)
    assert building.status_code == 200 and building.get_json()["building"]["community_name"]
    assert app_client.get("/api/v1/cim/buildings/999999", headers=bearer).status_code == 404
    census = next(s["key"] for s in model_compare.sources(city_url) if "建筑普查" in (s["title"] or ""))
    compared = app_client.get(f"/api/v1/cim/compare?left=base&right={census}", headers=bearer).get_json()
    assert compared["counts"]["added"] == 15
    assert app_client.get("/api/v1/cim/compare?left=base&right=x", headers=bearer).status_code == 400
    field = users.create_token(city_url, TEST_ACTOR, "cim-field", "field_worker")
    assert app_client.get("/api/v1/cim/layers", headers={"Authorization": f"Bearer {field}"}).status_code == 403


def test_companies_are_registered_in_buildings_by_the_documented_rule(city_url):
    from datetime import date

    from cockpit.services.services import licences

    rows, _ = licences._rows(city_url)
    placed = licences._placement(city_url, tuple(r["credit_code"] for r in rows if r["kind"] == "营业执照"))
    assert placed and all(code[2:8] == licences.HAIDIAN for code in placed)
    code, building = next(iter(placed.items()))
    found = building_object.building(city_url, building)
    assert code in {e["credit_code"] for e in found.enterprises} and "enterprise_placement" in found.generated
    assert licences.registered_at(city_url, building, date(2026, 11, 26))[0].kind == "营业执照"


def _metered_building(url: str) -> tuple[int, str]:
    """A building the generator put meters in, found by its footprint as the card finds them."""
    from shapely.geometry import Point, shape

    with transaction(url) as session:
        lon, lat, code = session.execute(
            text("SELECT lon, lat, code FROM device WHERE type = 'gas_meter' ORDER BY code")
        ).first()
        rows = session.execute(
            text(
                "SELECT id, geometry FROM base_feature WHERE layer = 'building' "
                "AND min_lon <= :x AND max_lon >= :x AND min_lat <= :y AND max_lat >= :y"
            ),
            {"x": lon, "y": lat},
        ).all()
    return next(i for i, g in rows if shape(orjson.loads(g)).contains(Point(lon, lat))), code


def test_a_building_reads_its_meters_through_the_iot_ingestion(city_db):
    from datetime import UTC, datetime, timedelta

    from cockpit.services.iot import alarms, ingestion
    from sample_data.live.simulator import METER_EVERY, CitySimulator

    building, gas = _metered_building(city_db)
    assert [m["readings"] for m in building_object.building(city_db, building).meters] == [{}, {}, {}]
    simulator = CitySimulator(city_db, rate=60, seed=3, interval_s=5)
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=5)
    messages = []
    for step in range(0, 2 * METER_EVERY * 5 + 1, 5):
        messages += simulator.tick(float(step), start + timedelta(seconds=step))
    assert ingestion.ingest_mqtt(city_db, messages).quarantined == []
    card = building_object.building(city_db, building)
    assert {m["type"] for m in card.meters} == {"water_meter", "power_meter", "gas_meter"}
    readings = {m["type"]: m["readings"] for m in card.meters}
    assert set(readings["power_meter"]) == {"power_kw", "total_kwh"} and readings["power_meter"]["power_kw"] > 0
    assert set(readings["water_meter"]) == set(readings["gas_meter"]) == {"flow_m3h", "total_m3"}
    assert "meters" in card.generated and all(m["metres"] == 0 for m in card.meters)

    now = datetime.now(UTC).replace(tzinfo=None)
    for seq, ago in ((1000, 70), (1001, 0)):
        stamp = (now - timedelta(seconds=ago)).isoformat() + "Z"
        body = {"ts": stamp, "seq": seq, "values": {"flow_m3h": 6.5, "total_m3": 9000.0}}
        ingestion.ingest_mqtt(city_db, [(f"city/iot/{gas}/telemetry", orjson.dumps(body))])
    leak = [a for a in alarms.open_alarms(city_db) if a["device_code"] == gas]
    assert len(leak) == 1 and "flow_m3h" in orjson.dumps(leak[0]).decode()


def test_blocks_stand_in_for_the_buildings_when_the_city_is_small_on_screen(city_url, client_as):
    features = orjson.loads(cim_scene.buildings(city_url))["features"]
    tallest = max(f["properties"]["height"] for f in features)
    sizes = {}
    for size in cim_layers.BLOCK_SIZES_M:
        blocks = orjson.loads(cim_scene.blocks(city_url, size))
        assert blocks["cell_m"] == size and sum(c[3] for c in blocks["cells"]) == len(features)
        assert max(c[2] for c in blocks["cells"]) == tallest and all(0 <= c[4] <= 1 for c in blocks["cells"])
        sizes[size] = len(blocks["cells"])
    assert sizes[400] < sizes[100] < len(features)
    with pytest.raises(Refused) as refused:
        cim_scene.blocks(city_url, 7)
    assert refused.value.http == 404
    building = next(x for x in cim_view.spec(city_url, cim_view.Choices())["layers"] if x["key"] == "building")
    desk = client_as("analyst")
    for level in building["levels"]:
        assert desk.get(level).status_code == 200
    assert desk.get("/cim/blocks/7.json").status_code == 404
    assert client_as("field_worker").get(building["levels"][0]).status_code == 403
