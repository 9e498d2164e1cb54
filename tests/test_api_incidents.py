"""Incidents from a call-taking system over the API: placed in their district and street by point-in-polygon,
refused outside the loaded city, idempotent, and only for roles that may report."""

from __future__ import annotations

import pytest
from fixtures.db import TEST_ACTOR

from cockpit.services.kernel import areas
from cockpit.services.support import users

CALL = {
    "type": "accident",
    "level": 2,
    "lon": 116.3205,
    "lat": 39.9995,
    "description": "122 转警：路口两车相撞",
    "reporter": "122 接警台",
}


@pytest.fixture(scope="module")
def duty_token(city_url):
    return users.create_token(city_url, TEST_ACTOR, "api-test-119", "duty_officer")


@pytest.fixture(scope="module")
def leader_token(city_url):
    return users.create_token(city_url, TEST_ACTOR, "api-test-leader-incidents", "leader")


def post(client, token, body, key=None):
    headers = {"Authorization": f"Bearer {token}"} | ({"Idempotency-Key": key} if key else {})
    return client.post("/api/v1/incidents", json=body, headers=headers)


def test_a_call_becomes_an_incident_in_its_district_and_street(app_client, duty_token, city_url):
    answer = post(app_client, duty_token, CALL, key="call-1")
    assert answer.status_code == 201, answer.get_json()
    incident = answer.get_json()["incident"]
    assert incident["district_adcode"] == "110108"
    place = areas.locate(city_url, CALL["lon"], CALL["lat"])
    assert incident["street_code"] == place.street_code and place.street_code.startswith("110108")
    assert incident["reporter"] == "122 接警台" and incident["code"].startswith("INC-")
    again = post(app_client, duty_token, CALL, key="call-1")
    assert again.status_code == 201 and again.get_json()["incident"]["id"] == incident["id"]
    listed = app_client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {duty_token}"}).get_json()
    assert sum(i["id"] == incident["id"] for i in listed["incidents"]) == 1


def test_outside_the_loaded_city_or_malformed_is_refused(app_client, duty_token):
    shanghai = CALL | {"lon": 121.47, "lat": 31.23}
    answer = post(app_client, duty_token, shanghai)
    assert answer.status_code == 400 and answer.get_json()["code"] == "outside_city"
    for bad in ({}, CALL | {"level": "2"}, CALL | {"lon": True}, CALL | {"reporter": 5}, [CALL]):
        assert post(app_client, duty_token, bad).status_code == 400
    assert post(app_client, duty_token, CALL | {"type": "meteor"}).get_json()["code"] == "incident_type"


def test_only_roles_that_report_may_post(app_client, leader_token):
    assert post(app_client, leader_token, CALL).status_code == 403
    assert app_client.post("/api/v1/incidents", json=CALL).status_code == 401


def test_city_extent_comes_from_the_loaded_districts(city_url):
    west, south, east, north = areas.extent(city_url)
    assert 115.3 < west < 115.6 and 39.4 < south < 39.5 and 117.4 < east < 117.6 and 40.9 < north < 41.1


def test_an_unknown_api_address_answers_json_404(app_client, duty_token):
    for method in ("get", "post", "delete"):
        answer = getattr(app_client, method)("/api/v1/nothing/here", headers={"Authorization": f"Bearer {duty_token}"})
        assert answer.status_code == 404 and answer.is_json and "no API route" in answer.get_json()["error"]
