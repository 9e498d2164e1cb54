"""Sharing by the rules: a department's key reads unconditionally shared data within its quota and rate (429
with Retry-After past them) and nothing beyond the catalog; a conditionally shared dataset opens only through
an approved application, whose key reads that dataset alone; every read is in the usage register."""

from __future__ import annotations

import pytest
from fixtures.db import TEST_ACTOR

from cockpit.refusal import Refused
from cockpit.services.data import sharing
from cockpit.services.support import users
from data_access import catalog as storage
from data_access.db import transaction


def _id(url: str, name: str) -> int:
    with transaction(url) as session:
        return storage.dataset_by_name(session, name)["id"]


@pytest.fixture(scope="module")
def steward(city_url) -> str:
    return users.create_token(city_url, TEST_ACTOR, "sharing-steward", "analyst")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_department_key_has_a_rate_a_quota_and_only_the_catalog(app_client, city_url, steward):
    made = app_client.post(
        "/api/v1/keys", json={"department": "市交通委", "per_minute": 3, "daily_quota": 100}, headers=bearer(steward)
    )
    assert made.status_code == 201
    key = made.get_json()["key"]
    shelters = _id(city_url, "shelters")
    for _ in range(3):
        assert app_client.get(f"/api/v1/datasets/{shelters}/records?limit=2", headers=bearer(key)).status_code == 200
    spent = app_client.get(f"/api/v1/datasets/{shelters}/records?limit=2", headers=bearer(key))
    assert spent.status_code == 429 and 1 <= int(spent.headers["Retry-After"]) <= 60
    assert spent.get_json()["code"] == "sharing.quota"
    assert app_client.get("/api/v1/alarms", headers=bearer(key)).status_code == 403
    assert app_client.get("/api/v1/datasets", headers=bearer(key)).status_code == 200


def test_conditional_data_opens_through_an_approved_application_only(app_client, city_url, steward):
    cases, incidents = _id(city_url, "cases"), _id(city_url, "incidents")
    leader = users.create_token(city_url, TEST_ACTOR, "sharing-leader", "leader")
    refused = app_client.get(f"/api/v1/datasets/{cases}/records", headers=bearer(leader))
    assert refused.status_code == 403
    applied = app_client.post(
        f"/api/v1/datasets/{cases}/applications",
        json={"department": "区城管执法局", "purpose": "核对辖区在办案件"},
        headers=bearer(leader),
    )
    assert applied.status_code == 201
    application = applied.get_json()["application"]["id"]
    listed = app_client.get("/api/v1/applications?status=pending", headers=bearer(steward)).get_json()
    assert application in [a["id"] for a in listed["applications"]]
    assert app_client.get("/api/v1/applications", headers=bearer(leader)).status_code == 403
    decided = app_client.post(
        f"/api/v1/applications/{application}/decision",
        json={"approve": True, "per_minute": 10},
        headers=bearer(steward),
    )
    assert decided.status_code == 200 and decided.get_json()["application"]["status"] == "approved"
    key = decided.get_json()["key"]
    page = app_client.get(f"/api/v1/datasets/{cases}/records?limit=5&purpose=核对", headers=bearer(key))
    assert page.status_code == 200
    assert app_client.get(f"/api/v1/datasets/{incidents}/records", headers=bearer(key)).status_code == 403
    again = app_client.post(
        f"/api/v1/applications/{application}/decision", json={"approve": False}, headers=bearer(steward)
    )
    assert again.status_code == 400  # a rejection needs a reason (and this one is decided anyway)
    with transaction(city_url) as session:
        readers = {u["actor"] for u in storage.usage(session, cases)}
    assert any(r.startswith("token:share:区城管执法局") for r in readers)


def test_applications_are_only_for_conditional_data_and_need_a_purpose(city_url):
    from cockpit.actor import Actor

    leader = Actor("lea", "leader")
    with pytest.raises(Refused) as refused:
        sharing.apply(city_url, leader, _id(city_url, "shelters"), "某部门", "核对避难场所位置")
    assert refused.value.key == "sharing.not_conditional"
    with pytest.raises(Refused) as refused:
        sharing.apply(city_url, leader, _id(city_url, "cases"), "某部门", "看")
    assert refused.value.key == "sharing.needs_purpose"


def test_citizens_words_are_masked_in_every_format_and_for_every_key(app_client, city_url, steward):
    """N1: the tickets dataset shares the title and address, which carry the caller's words; the catalog masks
    them as the tickets API does, for the analyst and for a department's approved key, in JSON, CSV and
    NGSI-LD alike."""
    duty = users.create_token(city_url, TEST_ACTOR, "sharing-duty", "duty_officer")
    filed = app_client.post(
        "/open311/v2/requests.json",
        data={
            "description": "我叫赵六 13912345678 身份证110101199003071234 路灯坏了",
            "address_string": "联系人李四 138-0013-8000",
        },
        headers=bearer(duty),
    )
    assert filed.status_code == 201
    tickets = _id(city_url, "tickets")
    leader = users.create_token(city_url, TEST_ACTOR, "sharing-leader-n1", "leader")
    applied = app_client.post(
        f"/api/v1/datasets/{tickets}/applications",
        json={"department": "市民政局", "purpose": "核对诉求分布"},
        headers=bearer(leader),
    ).get_json()["application"]["id"]
    key = app_client.post(
        f"/api/v1/applications/{applied}/decision", json={"approve": True}, headers=bearer(steward)
    ).get_json()["key"]
    clear = ("13912345678", "110101199003071234", "赵六", "李四", "0013-8000", "00138000")
    for reader in (steward, key):
        for form in ("json", "csv", "ngsi-ld"):
            answer = app_client.get(
                f"/api/v1/datasets/{tickets}/records?limit=5000&format={form}&purpose=核对", headers=bearer(reader)
            )
            text = answer.get_data(as_text=True)
            assert answer.status_code == 200 and "139****5678" in text, form
            assert not [c for c in clear if c in text], (form, [c for c in clear if c in text])


@pytest.mark.parametrize("cursor", ['[{"a":1}]', "[[1]]", "[true]", "[null]", '["x", 1]'])
def test_a_cursor_that_is_not_a_key_is_refused(app_client, steward, city_url, cursor):
    """N10 (a): the cursor's values reached SQL as bound parameters of any JSON type (500)."""
    shelters = _id(city_url, "tickets")
    answer = app_client.get(
        f"/api/v1/datasets/{shelters}/records", query_string={"cursor": cursor}, headers=bearer(steward)
    )
    assert answer.status_code == 400 and answer.get_json()["code"] == "catalog.bad_cursor"


def test_a_key_applies_in_its_own_departments_name_only(app_client, city_url, steward):
    """N17: a department's key applied for a dataset in another department's name (市公安局) and was taken."""
    made = app_client.post("/api/v1/keys", json={"department": "市交通委"}, headers=bearer(steward))
    key = made.get_json()["key"]
    incidents = _id(city_url, "incidents")
    other = {"department": "市公安局", "purpose": "核对事件"}
    refused = app_client.post(f"/api/v1/datasets/{incidents}/applications", json=other, headers=bearer(key))
    assert refused.status_code == 403 and refused.get_json()["code"] == "sharing.own_department"
    own = other | {"department": "市交通委"}
    assert (
        app_client.post(f"/api/v1/datasets/{incidents}/applications", json=own, headers=bearer(key)).status_code == 201
    )
