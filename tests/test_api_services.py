"""12345 and services over HTTP: the router for any signed-in role or token, Open311 GeoReport v2 (discover,
file by form, follow), tickets masked, steps idempotent and refused by role, the assessment, e-licences issued
and verified, commitments, notifications, tickets exported as NGSI-LD ServiceRequests."""

from __future__ import annotations

from itertools import count

import pytest
from fixtures.db import TEST_ACTOR

from cockpit.services.support import support_components, users

SERIAL = count()


def _as(city_url: str, role: str) -> dict:
    name = f"services-{role}-{next(SERIAL)}"
    return {"Authorization": f"Bearer {users.create_token(city_url, TEST_ACTOR, name, role)}"}


def test_the_router_answers_any_role_in_the_documented_shape(app_client, city_url):
    before = {c["name"]: c["calls"] for c in support_components.listing(city_url)}["router"]
    for role in ("field_worker", "leader"):
        answer = app_client.post(
            "/api/v1/tickets/route", json={"text": "拖欠农民工工资三个月"}, headers=_as(city_url, role)
        )
        found = answer.get_json()
        assert answer.status_code == 200 and found["category"] == "劳动和社会保障"
        assert {"category", "department", "confidence", "candidates"} <= set(found)
    assert (
        app_client.post("/api/v1/tickets/route", json={"text": ""}, headers=_as(city_url, "leader")).status_code == 400
    )
    assert (
        app_client.post("/api/v1/tickets/route", json={"text": 1}, headers=_as(city_url, "leader")).status_code == 400
    )
    assert app_client.post("/api/v1/tickets/route", json={"text": "x"}).status_code in (401, 403)
    after = {c["name"]: c["calls"] for c in support_components.listing(city_url)}["router"]
    assert after == before + 2


def test_open311_discovers_files_and_follows_a_request(app_client, city_url):
    duty, leader = _as(city_url, "duty_officer"), _as(city_url, "leader")
    services = app_client.get("/open311/v2/services.json", headers=leader).get_json()
    assert {s["service_code"] for s in services} >= {"城乡建设", "环境保护"}
    form = {
        "service_code": "城乡建设",
        "description": "学院路人行道井盖缺失",
        "lat": "39.995",
        "long": "116.326",
        "first_name": "三",
        "last_name": "张",
        "phone": "13800001111",
    }
    filed = app_client.post("/open311/v2/requests.json", data=form, headers=duty)
    assert filed.status_code == 201
    code = filed.get_json()[0]["service_request_id"]
    followed = app_client.get(f"/open311/v2/requests.json?service_request_id={code}", headers=leader).get_json()
    assert followed[0]["status"] == "open" and followed[0]["lat"] == 39.995
    assert (
        app_client.post("/open311/v2/requests.json", data={"service_code": "城乡建设"}, headers=duty).status_code == 400
    )
    assert (
        app_client.post("/open311/v2/requests.json", data=form | {"service_code": "x"}, headers=duty).status_code == 404
    )
    assert app_client.post("/open311/v2/requests.json", data=form | {"lat": "north"}, headers=duty).status_code == 400
    assert app_client.post("/open311/v2/requests.json", data=form, headers=leader).status_code == 403
    assert app_client.get("/open311/v2/requests.json?status=lost", headers=leader).status_code == 400
    listed = app_client.get("/api/v1/tickets?limit=5", headers=leader).get_json()["tickets"]
    mine = next(t for t in listed if t["code"] == code)
    assert mine["caller_phone"] == "138****1111" and mine["caller_name"].startswith("张")


@pytest.mark.parametrize(
    "body", [[1, 2], "text", {"service_code": [1], "description": "x"}, {"service_code": {"a": 1}, "description": "x"}]
)
def test_an_open311_body_that_is_not_a_request_is_a_400(app_client, city_url, body):
    """N10 (b): a JSON list or string, or a service code that is not text, was a 500."""
    answer = app_client.post("/open311/v2/requests.json", json=body, headers=_as(city_url, "duty_officer"))
    assert answer.status_code == 400 and answer.get_json()[0]["code"] == 400


@pytest.mark.parametrize(("field", "most"), [("address_string", 200), ("description", 4000), ("phone", 32)])
def test_a_value_longer_than_its_column_is_refused_not_cut(app_client, city_url, field, most):
    """N21: a 10,000-character address was stored whole in a 200-character column (PostgreSQL: a 500)."""
    form = {"service_code": "城乡建设", "description": "路灯不亮", field: "9" * (most + 1)}
    answer = app_client.post("/open311/v2/requests.json", data=form, headers=_as(city_url, "duty_officer"))
    assert answer.status_code == 400 and str(most) in answer.get_json()[0]["description"]


def test_ticket_steps_are_idempotent_and_checked_for_role(app_client, city_url):
    duty, leader = _as(city_url, "duty_officer"), _as(city_url, "leader")
    made = app_client.post(
        "/api/v1/tickets",
        json={"channel": "website", "text": "公交站台顶棚破损漏雨", "lon": 116.33, "lat": 39.99},
        headers=duty,
    ).get_json()
    ticket = made["ticket"]
    if ticket["status"] == "triage":
        routed = app_client.post(
            f"/api/v1/tickets/{ticket['id']}/transition", json={"action": "route", "category": "交通运输"}, headers=duty
        )
        assert routed.status_code == 200
    url = f"/api/v1/tickets/{ticket['id']}/transition"
    once = app_client.post(url, json={"action": "contact"}, headers=duty | {"Idempotency-Key": "contact-1"})
    again = app_client.post(url, json={"action": "contact"}, headers=duty | {"Idempotency-Key": "contact-1"})
    assert once.status_code == 200 and again.get_json() == once.get_json()
    assert app_client.post(url, json={"action": "contact"}, headers=duty).status_code == 409
    assert app_client.post(url, json={"action": "handle"}, headers=leader).status_code == 403
    assert app_client.post(url, json={"action": "handle", "resolved": "yes"}, headers=duty).status_code == 400
    assert (
        app_client.post("/api/v1/tickets/999999/transition", json={"action": "contact"}, headers=duty).status_code
        == 404
    )
    detail = app_client.get(f"/api/v1/tickets/{ticket['id']}", headers=leader).get_json()
    assert [e["action"] for e in detail["events"]][-1] == "contact"
    ranking = app_client.get("/api/v1/assessment?by=street", headers=leader).get_json()
    assert ranking["ranking"] and set(ranking["weights"]) == {"response", "resolution", "satisfaction"}
    assert app_client.get("/api/v1/assessment?month=2026-13", headers=leader).status_code == 400


def test_licences_commitments_and_the_export(app_client, city_url):
    duty, leader = _as(city_url, "duty_officer"), _as(city_url, "leader")
    item = app_client.get("/api/v1/service-items", headers=leader).get_json()["items"][0]["code"]
    issued = app_client.post(
        "/api/v1/licences", json={"item_code": item, "holder": "北京华创科技有限公司"}, headers=duty
    )
    licence = issued.get_json()["licence"]
    assert issued.status_code == 200 and licence["signature"] and licence["qr_png"]
    verified = app_client.get(f"/api/v1/licences/{licence['id']}/verify", headers=_as(city_url, "field_worker"))
    assert verified.get_json()["valid"] is True
    forged = app_client.get(f"/api/v1/licences/{licence['id']}/verify?signature=00", headers=leader).get_json()
    assert forged["valid"] is False and forged["why"] == "not_as_issued"
    shown = app_client.post("/api/v1/licences/verify", json={"qr": licence["qr"]}, headers=leader).get_json()
    assert shown["valid"] is True
    key = app_client.get("/api/v1/licences/public-key")  # public: for counters with no connection
    assert key.status_code == 200 and key.get_data(as_text=True).startswith("-----BEGIN PUBLIC KEY-----")
    assert app_client.post("/api/v1/licences/verify", json={"qr": 1}, headers=leader).status_code == 400
    assert app_client.get("/api/v1/licences/999999/verify", headers=leader).status_code == 404
    assert (
        app_client.post("/api/v1/licences", json={"item_code": item, "holder": "x"}, headers=leader).status_code == 403
    )
    promise = {"item_code": item, "holder": "某公司", "promise": "补交材料", "due_on": "2099-01-01"}
    made = app_client.post("/api/v1/commitments", json=promise, headers=duty).get_json()["commitment"]
    assert (
        app_client.post(f"/api/v1/commitments/{made['id']}/settle", json={"state": "kept"}, headers=duty).status_code
        == 200
    )
    assert app_client.post("/api/v1/commitments", json=promise | {"due_on": "soon"}, headers=duty).status_code == 400
    assert app_client.get("/api/v1/notifications", headers=leader).status_code == 200
    datasets = app_client.get("/api/v1/datasets?q=12345", headers=_as(city_url, "analyst")).get_json()["datasets"]
    tickets_id = next(d["id"] for d in datasets if d["name"] == "tickets")
    exported = app_client.get(
        f"/api/v1/datasets/{tickets_id}/records?format=ngsi-ld&limit=3", headers=_as(city_url, "analyst")
    ).get_json()
    entities = exported["records"] if isinstance(exported, dict) else exported
    assert entities[0]["type"] == "ServiceRequest" and "text" not in entities[0]


def test_a_safety_officer_unmasks_a_caller_with_a_reason_and_others_cannot(app_client, city_url):
    duty = _as(city_url, "duty_officer")
    made = app_client.post(
        "/api/v1/tickets",
        json={"channel": "hotline", "text": "我叫赵六，电话13700001234，楼道堆物", "caller_phone": "13700001234"},
        headers=duty,
    ).get_json()["ticket"]
    assert "137****1234" in made["text"] and made["caller_phone"] == "137****1234"
    url = f"/api/v1/tickets/{made['id']}/unmask"
    assert app_client.post(url, json={"reason": "回访核实身份"}, headers=duty).status_code == 403
    officer = _as(city_url, "safety_officer")
    assert app_client.post(url, json={"reason": "x"}, headers=officer).status_code == 400
    clear = app_client.post(url, json={"reason": "回访核实身份"}, headers=officer).get_json()
    assert "13700001234" in clear["text"] and clear["caller_phone"] == "13700001234"
