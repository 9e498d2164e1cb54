"""The industry routes and the forecasting service over HTTP: shapes from DESIGN.md, roles, refusals with
4xx and a message, the workflows idempotent and audited, and the service's calls counted."""

from __future__ import annotations

from itertools import count

from fixtures.db import TEST_ACTOR

from cockpit.services.support import support_components, users

SERIAL = count()


def _as(city_url: str, role: str) -> dict:
    name = f"industry-{role}-{next(SERIAL)}"
    return {"Authorization": f"Bearer {users.create_token(city_url, TEST_ACTOR, name, role)}"}


def test_chains_recommendations_and_zombies_answer_in_the_documented_shapes(app_client, city_url):
    leader = _as(city_url, "leader")
    chains = app_client.get("/api/v1/industry/chains", headers=leader).get_json()["chains"]
    assert {c["id"] for c in chains} == {"ic", "ai", "bio", "nev"}
    chain = app_client.get("/api/v1/industry/chains/ic", headers=leader).get_json()
    assert chain["nodes"] and chain["targets"][0]["action"] in ("fill", "strengthen", "extend")
    assert app_client.get("/api/v1/industry/chains/steel", headers=leader).status_code == 404
    recs = app_client.get("/api/v1/industry/recommendations?node=ic_equipment", headers=leader).get_json()
    first = recs["recommendations"][0]
    assert {"enterprise", "score", "reasons"} <= set(first) and first["reasons"][0].startswith("主营业务涉及")
    assert first["reasons_en"][0].startswith("Main business names")
    assert app_client.get("/api/v1/industry/recommendations", headers=leader).status_code == 400
    assert app_client.get("/api/v1/industry/recommendations?node=ic_eda&limit=0", headers=leader).status_code == 400
    assert app_client.get("/api/v1/industry/recommendations?node=x", headers=leader).status_code == 404
    found = app_client.get("/api/v1/industry/zombies", headers=leader).get_json()["zombies"]
    assert found and {"enterprise", "tier", "evidence"} <= set(found[0])
    indicators = app_client.get("/api/v1/industry/indicators?district=110108", headers=leader).get_json()
    assert len(indicators["indicators"]) == 7
    assert app_client.get("/api/v1/industry/indicators?district=1", headers=leader).status_code == 404
    field = _as(city_url, "field_worker")
    assert app_client.get("/api/v1/industry/zombies", headers=field).status_code == 403


def test_a_lead_and_a_review_are_idempotent_and_checked_for_role(app_client, city_url):
    leader, analyst, officer = (_as(city_url, r) for r in ("leader", "analyst", "duty_officer"))
    code = app_client.get("/api/v1/industry/recommendations?node=bio_cro", headers=leader).get_json()[
        "recommendations"
    ][0]["code"]
    body = {"node": "bio_cro", "code": code, "stage": "lead", "note": "api"}
    once = app_client.post("/api/v1/industry/leads", json=body, headers=leader | {"Idempotency-Key": "lead-1"})
    again = app_client.post("/api/v1/industry/leads", json=body, headers=leader | {"Idempotency-Key": "lead-1"})
    assert once.status_code == 200 and again.get_json() == once.get_json()
    assert app_client.post("/api/v1/industry/leads", json=body, headers=leader).status_code == 409  # already a lead
    assert app_client.post("/api/v1/industry/leads", json=body, headers=officer).status_code == 403
    assert app_client.post("/api/v1/industry/leads", json={"node": 1}, headers=leader).status_code == 400
    flagged = app_client.get("/api/v1/industry/zombies", headers=leader).get_json()["zombies"][-1]["code"]
    url = f"/api/v1/industry/zombies/{flagged}/review"
    assert app_client.post(url, json={"state": "reviewing", "note": "x"}, headers=leader).status_code == 403
    assert app_client.post(url, json={"state": "reviewing"}, headers=analyst).status_code == 400
    assert app_client.post(url, json={"state": "reviewing", "note": "查"}, headers=analyst).status_code == 200
    assert app_client.post(url, json={"state": "lost", "note": "x"}, headers=analyst).status_code == 400
    assert (
        app_client.post(
            "/api/v1/industry/zombies/NOPE/review", json={"state": "reviewing", "note": "x"}, headers=analyst
        ).status_code
        == 404
    )


def test_the_forecasting_service_answers_and_its_calls_are_counted(app_client, city_url):
    leader = _as(city_url, "leader")
    before = {c["name"]: c["calls"] for c in support_components.listing(city_url)}["forecast"]
    series = [100 + i + 10 * (i % 12 == 11) for i in range(48)]
    answer = app_client.post("/api/v1/services/forecast", json={"values": series, "horizon": 6}, headers=leader)
    found = answer.get_json()
    assert answer.status_code == 200 and len(found["forecast"]["ets"]) == 6 and "mape" in found["backtest"]["naive"]
    after = {c["name"]: c["calls"] for c in support_components.listing(city_url)}["forecast"]
    assert after == before + 1
    assert app_client.post("/api/v1/services/forecast", json={"values": [1, 2]}, headers=leader).status_code == 400
    bad = app_client.post("/api/v1/services/forecast", json={"values": series, "period": True}, headers=leader)
    assert bad.status_code == 400
    assert app_client.post("/api/v1/services/forecast", json={"values": ["a"]}, headers=leader).status_code == 400
