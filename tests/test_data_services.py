"""The data-service components over the city's own data: addresses and place names to building, street and
grid; points back; a building's housing; each call counted and registered, under the key's scope and rate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fixtures.db import TEST_ACTOR

from cockpit.refusal import Refused
from cockpit.services.data import geocoder, housing
from cockpit.services.kernel.credit_code import is_credit_code
from cockpit.services.services import licences
from cockpit.services.support import users


def test_place_names_and_addresses_resolve_to_building_street_and_grid(city_url):
    (first, *_) = geocoder.geocode(city_url, "北京市海淀区创新大厦")
    assert first.level == "building" and first.name == "创新大厦" and first.score == 1.0
    assert first.district == "110108" and first.street and first.grid
    assert first.address.startswith("北京市海淀区") and first.address.endswith("创新大厦")
    (road, *_) = geocoder.geocode(city_url, "海淀区学院路37号")
    assert road.level == "road" and road.name == "学院路"
    assert geocoder.geocode(city_url, "海淀区")[0].level == "district"
    assert geocoder.geocode(city_url, "完全不存在的地方ABC") == []


def test_a_point_gives_its_street_grid_and_nearest_named_building(city_url):
    (place,) = geocoder.geocode(city_url, "清华大学医院", limit=1)
    back = geocoder.reverse(city_url, place.lon, place.lat)
    assert back.street == place.street and back.grid == place.grid and back.name == "清华大学医院"


def test_a_building_has_housing_figures_marked_generated_where_made(city_url):
    (dorm, *_) = geocoder.geocode(city_url, "学生29号公寓")
    found = housing.housing(city_url, int(dorm.ref.split(":")[1]))
    assert (
        found.residential
        and found.homes > 0
        and found.floor_area_m2 == pytest.approx(found.footprint_m2 * found.floors, rel=1e-3)
    )
    assert "homes" in found.generated and found.footprint_m2 > 100
    with pytest.raises(Refused):
        housing.housing(city_url, 999_999)


def test_the_services_answer_through_the_api_and_count_their_calls(app_client, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "services-leader", "leader")
    bearer = {"Authorization": f"Bearer {token}"}
    before = {s["name"]: s["calls"] for s in app_client.get("/api/v1/services", headers=bearer).get_json()["services"]}
    found = app_client.get("/api/v1/services/geocode?address=北京邮电大学", headers=bearer).get_json()["matches"]
    assert found[0]["name"] == "北京邮电大学"
    building = next(
        m
        for m in app_client.get("/api/v1/services/geocode?address=学生29号公寓", headers=bearer).get_json()["matches"]
        if m["level"] == "building"
    )
    homes = app_client.get(f"/api/v1/services/buildings/{building['ref'].split(':')[1]}/housing", headers=bearer)
    assert homes.status_code == 200 and homes.get_json()["housing"]["homes"] > 0
    assert app_client.get("/api/v1/services/reverse?lon=116.35&lat=39.96", headers=bearer).status_code == 200
    assert app_client.get("/api/v1/services/reverse?lon=east&lat=1", headers=bearer).status_code == 400
    assert app_client.get("/api/v1/services/geocode", headers=bearer).status_code == 400
    after = {s["name"]: s["calls"] for s in app_client.get("/api/v1/services", headers=bearer).get_json()["services"]}
    assert after["geocode"] == before["geocode"] + 2 and after["housing"] == before["housing"] + 1


def test_a_company_licences_are_found_by_code_or_name_and_verified_as_of_today(city_url):
    (licence, *more) = licences.lookup(city_url, "泛海控股", date(2026, 11, 26))
    assert licence.holder == "泛海控股股份有限公司" and licence.kind == "营业执照" and licence.generated
    assert is_credit_code(licence.credit_code) and licence.expires == "长期"
    by_code = licences.lookup(city_url, licence.credit_code.lower(), date(2026, 11, 26))
    assert [x.number for x in by_code] == [licence.number, *(x.number for x in more)]
    wrong = licence.credit_code[:17] + ("0" if licence.credit_code[17] != "0" else "1")
    with pytest.raises(Refused) as refused:
        licences.lookup(city_url, wrong, date(2026, 11, 26))
    assert refused.value.key == "licence.bad_code"
    dated = next(x for x in licences.lookup(city_url, "股份有限公司", date(2026, 11, 26)) if x.expires != "长期")
    later = date.fromisoformat(dated.expires) + timedelta(days=1)
    shown, matches = licences.verify(city_url, dated.number, later, dated.digest)
    assert not shown.valid and shown.why in ("已过期", "已吊销") and matches is True
    assert licences.verify(city_url, dated.number, later, "0" * 64)[1] is False
    with pytest.raises(Refused) as refused:
        licences.verify(city_url, "YZ0000", later)
    assert refused.value.http == 404


def test_the_licence_service_answers_through_the_api_and_counts_its_calls(app_client, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "licence-leader", "leader")
    bearer = {"Authorization": f"Bearer {token}"}
    before = {s["name"]: s["calls"] for s in app_client.get("/api/v1/services", headers=bearer).get_json()["services"]}
    (found, *_) = app_client.get("/api/v1/services/licences?holder=泛海控股", headers=bearer).get_json()["licences"]
    checked = app_client.get(f"/api/v1/services/licences/{found['number']}?digest={found['digest']}", headers=bearer)
    assert checked.status_code == 200 and checked.get_json()["digest_matches"] is True
    assert app_client.get("/api/v1/services/licences?holder=x", headers=bearer).status_code == 400
    assert app_client.get("/api/v1/services/licences/NOPE", headers=bearer).status_code == 404
    calls = {s["name"]: s["calls"] for s in app_client.get("/api/v1/services", headers=bearer).get_json()["services"]}
    assert calls["licences"] == before["licences"] + 4  # other tests call it too
