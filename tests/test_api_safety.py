"""Public safety over HTTP: a search without a legal basis and case is a 400, another role's is a 403; results
are masked and followed to a trajectory and an unmask; a lost person goes from intake to closure with an
idempotent step; leaders read aggregates and the oversight report only."""

from __future__ import annotations

from itertools import count

from fixtures.db import TEST_ACTOR
from fixtures.helpers import plate_search

from cockpit.services.support import users

SERIAL = count()
CASE = {"legal_basis": "criminal_case", "case_no": "A110108-2026-0100"}


def _named(city_url: str, role: str) -> tuple[dict, str]:
    """A token's bearer header and the name its holder acts under (as the case register names officers)."""
    name = f"safety-{role}-{next(SERIAL)}"
    return {"Authorization": f"Bearer {users.create_token(city_url, TEST_ACTOR, name, role)}"}, f"token:{name}"


def _as(city_url: str, role: str) -> dict:
    return _named(city_url, role)[0]


def test_searches_need_a_basis_and_the_role_and_lead_to_a_trajectory(app_client, city_url):
    officer, name = _named(city_url, "safety_officer")
    opened = app_client.post(
        "/api/v1/safety/cases",
        json=CASE | {"title": "接口测试案件", "officers": [name]},
        headers=_as(city_url, "leader") | {"Idempotency-Key": "case-0100"},
    )
    assert opened.status_code == 200 and opened.get_json()["case"]["officers"] == [name]
    body = {"kind": "vehicle", "plate": plate_search(city_url)}
    refused = app_client.post("/api/v1/safety/searches", json=body, headers=officer)
    assert refused.status_code == 400 and refused.get_json()["code"] == "safety.no_basis"
    for role in ("leader", "duty_officer", "analyst", "admin"):
        answer = app_client.post("/api/v1/safety/searches", json=body | CASE, headers=_as(city_url, role))
        assert answer.status_code == 403
    assert app_client.post("/api/v1/safety/searches", data="[", headers=officer).status_code == 400
    found = app_client.post("/api/v1/safety/searches", json=body | CASE, headers=officer)
    assert found.status_code == 200
    search = found.get_json()
    assert search["results"] and all("*" in r["label"] for r in search["results"])
    track = app_client.get(f"/api/v1/safety/searches/{search['id']}/trajectory?ref=0", headers=officer)
    assert track.status_code == 200 and track.get_json()["points"] and "hops" in track.get_json()
    assert (
        app_client.get(f"/api/v1/safety/searches/{search['id']}/trajectory?ref=x", headers=officer).status_code == 400
    )
    other = _as(city_url, "safety_officer")
    assert app_client.get(f"/api/v1/safety/searches/{search['id']}/trajectory?ref=0", headers=other).status_code == 404
    not_theirs = app_client.post("/api/v1/safety/searches", json=body | CASE, headers=other)
    assert not_theirs.status_code == 403 and not_theirs.get_json()["code"] == "safety.not_your_case"
    unmask = app_client.post(
        f"/api/v1/safety/searches/{search['id']}/unmask", json={"ref": 0, "reason": "核实车主身份"}, headers=officer
    )
    assert unmask.status_code == 200 and "*" not in unmask.get_json()["label"]
    watch = app_client.post(
        f"/api/v1/safety/searches/{search['id']}/watch",
        json={"ref": 0, "reason": "涉案车辆布控", "days": 2},
        headers=officer | {"Idempotency-Key": "watch-1"},
    )
    assert watch.status_code == 200
    mine = app_client.get("/api/v1/safety/watch", headers=officer).get_json()["watch"]
    theirs = app_client.get("/api/v1/safety/watch", headers=other).get_json()["watch"]
    assert "*" not in mine[0]["label"] and "*" in theirs[0]["label"]  # the grant is the one officer's


def test_a_lost_person_over_the_api(app_client, city_url):
    officer = _as(city_url, "safety_officer")
    body = {
        "case_no": "LP110108-0100",
        "upper": "red",
        "lower": "black",
        "age_band": "elderly",
        "lon": 116.326,
        "lat": 39.992,
        "minutes_ago": 90,
        "guardian_name": "王芳",
        "guardian_phone": "13800138000",
    }
    missing = app_client.post(
        "/api/v1/safety/lost-persons", json=body | {"case_no": ""}, headers=officer | {"Idempotency-Key": "lp-0"}
    )
    assert missing.status_code == 400
    made = app_client.post("/api/v1/safety/lost-persons", json=body, headers=officer | {"Idempotency-Key": "lp-1"})
    assert made.status_code == 200
    case = made.get_json()["lost_person"]
    assert case["guardian_phone"] == "138****8000"
    assert app_client.get("/api/v1/safety/lost-persons", headers=_as(city_url, "leader")).status_code == 403
    found = app_client.get(f"/api/v1/safety/lost-persons/{case['id']}/candidates", headers=officer)
    assert found.status_code == 200
    candidates = found.get_json()["candidates"]
    assert candidates and found.get_json()["radius_m"] > 0
    confirm = app_client.post(
        f"/api/v1/safety/lost-persons/{case['id']}/confirm",
        json={"sighting_id": candidates[0]["sighting_id"]},
        headers=officer,
    )
    assert confirm.status_code == 200 and confirm.get_json()["status"] == "located"
    track = app_client.get(f"/api/v1/safety/lost-persons/{case['id']}/track", headers=officer).get_json()
    assert track["points"] and track["predicted"]["type"] == "Feature"
    step = {"action": "found"}
    headers = officer | {"Idempotency-Key": "lp-found"}
    first = app_client.post(f"/api/v1/safety/lost-persons/{case['id']}/transition", json=step, headers=headers)
    again = app_client.post(f"/api/v1/safety/lost-persons/{case['id']}/transition", json=step, headers=headers)
    assert first.status_code == again.status_code == 200 and first.get_json() == again.get_json()
    closing = app_client.post(
        f"/api/v1/safety/lost-persons/{case['id']}/transition",
        json={"action": "close"},
        headers=officer | {"Idempotency-Key": "lp-close"},
    )
    assert closing.status_code == 200 and closing.get_json()["status"] == "closed"
    bad = app_client.post(
        f"/api/v1/safety/lost-persons/{case['id']}/transition",
        json={"action": "found"},
        headers=officer | {"Idempotency-Key": "lp-again"},
    )
    assert bad.status_code == 409


def test_leaders_read_aggregates_and_the_oversight_report_only(app_client, city_url):
    leader = _as(city_url, "leader")
    summary = app_client.get("/api/v1/safety/summary", headers=leader)
    assert summary.status_code == 200
    found = summary.get_json()
    assert found["kpis"]["cameras"] > 0 and found["areas"] and len(found["hours"]) == 24
    assert app_client.get("/api/v1/safety/summary", headers=_as(city_url, "duty_officer")).status_code == 403
    report = app_client.get("/api/v1/safety/oversight", headers=leader)
    assert report.status_code == 200 and "rows" in report.get_json()
    assert app_client.get("/api/v1/safety/oversight?month=2026-13", headers=leader).status_code == 400
    assert app_client.get("/api/v1/safety/oversight", headers=_as(city_url, "analyst")).status_code == 403


def test_a_search_needs_an_open_case_of_the_register_that_the_officer_works(app_client, city_url):
    """N8: a made-up case number, another officer's case and a case under another basis were all accepted."""
    officer, name = _named(city_url, "safety_officer")
    leader = _as(city_url, "leader")
    body = {"kind": "vehicle", "plate": plate_search(city_url), "legal_basis": "criminal_case"}
    for case_no in ("000000", "AAAAAA", "A110108-2026-0999"):
        made_up = app_client.post("/api/v1/safety/searches", json=body | {"case_no": case_no}, headers=officer)
        assert made_up.status_code == 403 and made_up.get_json()["code"] == "safety.not_registered", case_no
    opened = {"case_no": "A110108-2026-0777", "legal_basis": "administrative_case", "title": "违法停车", "officers": []}
    assert app_client.post("/api/v1/safety/cases", json=opened, headers=leader).status_code == 400  # no officer
    assert (
        app_client.post("/api/v1/safety/cases", json=opened | {"officers": [name]}, headers=officer).status_code == 403
    )
    assert app_client.post("/api/v1/safety/cases", json=opened | {"officers": ["x"]}, headers=leader).status_code == 200
    case = body | {"case_no": "A110108-2026-0777"}
    assert app_client.post("/api/v1/safety/searches", json=case, headers=officer).get_json()["code"] == (
        "safety.not_your_case"
    )
    assigned = app_client.post(
        "/api/v1/safety/cases/officers", json={"case_no": "A110108-2026-0777", "officer": name}, headers=leader
    )
    assert assigned.status_code == 200
    other_basis = app_client.post("/api/v1/safety/searches", json=case, headers=officer)
    assert other_basis.get_json()["code"] == "safety.other_basis"  # registered as administrative
    right = case | {"legal_basis": "administrative_case"}
    assert app_client.post("/api/v1/safety/searches", json=right, headers=officer).status_code == 200
    mine = app_client.get("/api/v1/safety/cases", headers=officer).get_json()["cases"]
    assert [c["case_no"] for c in mine] == ["A110108-2026-0777"]
    closed = app_client.post("/api/v1/safety/cases/close", json={"case_no": "A110108-2026-0777"}, headers=leader)
    assert closed.status_code == 200
    after = app_client.post("/api/v1/safety/searches", json=right, headers=officer)
    assert after.status_code == 403 and after.get_json()["code"] == "safety.not_registered"
    month = app_client.get("/api/v1/safety/oversight", headers=leader).get_json()
    row = next(r for r in month["rows"] if r["officer"] == name)
    assert row["refused"] >= 5 and row["searches"] == 1  # the refused attempts are on the record
