"""Regression tests for the findings of the black-box security test (#11), one or more per finding, named
by its number. Service-level checks of the throttle are in test_throttle.py."""

from __future__ import annotations

import concurrent.futures
import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
from fixtures.db import TEST_ACTOR
from fixtures.servers import ACCOUNTS, ROOT, csrf_token_of, free_port, sign_in, wait_for

from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit, throttle, users

BIG = b"x" * (3 * 1024 * 1024)


def test_bodies_over_the_limit_are_refused_before_anything_is_read(app_client, client_as, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "security-size", "analyst")
    answer = app_client.post(
        "/api/v1/readings", data=BIG, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and "larger than" in answer.get_json()["error"]
    duty = client_as("duty_officer")
    dash = duty.post(
        "/_dash-update-component",
        data=BIG,
        headers={"X-CSRFToken": csrf_token_of(duty), "Content-Type": "application/json"},
    )
    assert dash.status_code == 413


def test_a_client_request_id_is_neither_trusted_nor_echoed(app_client, city_url):
    forged = '<svg onload="alert(1)">'
    answer = app_client.get("/login", headers={"X-Request-ID": forged})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])
    app_client.post("/login", data={"username": "nobody", "password": "x"}, headers={"X-Request-ID": forged})
    assert all(forged not in (row["request_id"] or "") for row in audit.rows(city_url, limit=50))
    app_client.post("/login", data={"username": "nobody", "password": "x"}, headers={"X-Request-ID": "erp-4711"})
    kept = audit.rows(city_url, limit=1)[0]["request_id"]
    assert re.fullmatch(r"[0-9a-f]{32}/erp-4711", kept)  # the client's own id, validated, kept apart from ours


def test_two_instances_on_one_host_keep_no_shared_control_socket(city_dir):
    env = os.environ | {"COCKPIT_VAR_DIR": str(city_dir)}
    started = []
    for _ in range(2):
        port = free_port()
        log = city_dir / f"instance-{port}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "cockpit.cli", "serve", "--port", str(port), "--workers", "1", "--no-simulate"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        started.append((process, port, log))
    try:
        for _, port, _ in started:
            wait_for(f"http://127.0.0.1:{port}/login")
        time.sleep(0.5)
        for _, _, log in started:
            assert "Control socket" not in log.read_text()
    finally:
        for process, _, _ in started:
            process.terminate()
            process.wait(timeout=30)


def _form_sign_in(client, username: str, password: str):
    page = client.get("/login").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": form_token})


def _from(dash_app, address: str):
    client = dash_app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_f2_sign_out_ends_the_session_for_every_copy_of_the_cookie(dash_app):
    client = dash_app.server.test_client()
    sign_in(client, "duty_officer")
    copied = client.get_cookie("session").value
    assert client.get("/_dash-layout").status_code == 200
    assert client.post("/logout", headers={"X-CSRFToken": csrf_token_of(client)}).status_code == 302
    replay = dash_app.server.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/_dash-layout").status_code == 401
    assert replay.get("/").headers["Location"].startswith("/login")


def test_f2_sessions_end_when_idle_or_too_old(city_url):
    user = next(u for u in users.directory(city_url) if u["username"] == ACCOUNTS["leader"][0])
    rules = users.SessionRules(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    idle, old = users.open_session(city_url, TEST_ACTOR, user), users.open_session(city_url, TEST_ACTOR, user)
    now = stored_now()
    assert users.resume_session(city_url, idle, rules, now + timedelta(minutes=31)) is None
    assert users.resume_session(city_url, idle, rules, now) is None  # ended for good, not just too idle then
    for minutes in range(25, 12 * 60, 25):  # kept busy, it still ends at the absolute limit
        assert users.resume_session(city_url, old, rules, now + timedelta(minutes=minutes)) is not None
    assert users.resume_session(city_url, old, rules, now + timedelta(hours=12, minutes=5)) is None


def test_f3_the_api_ignores_the_session_cookie(client_as, city_url):
    duty = client_as("duty_officer")
    assert duty.get("/api/v1/alarms").status_code == 401
    forged = duty.post("/api/v1/alarms/5/ack", headers={"Origin": "http://localhost:9999"})
    assert forged.status_code == 403  # another origin: refused before anything else
    assert duty.post("/api/v1/alarms/5/ack").status_code == 401  # same origin, but a cookie is not a token


def test_f3_writes_from_another_origin_are_refused(client_as, city_url):
    duty = client_as("duty_officer")
    headers = {"X-CSRFToken": csrf_token_of(duty), "Content-Type": "application/json"}
    body = b'{"output": "x.children", "outputs": {"id": "x", "property": "children"}, "inputs": []}'
    for origin in ("http://localhost:9999", "http://evil.example", "null"):
        answer = duty.post("/_dash-update-component", data=body, headers=headers | {"Origin": origin})
        assert answer.status_code == 403, origin
    referred = duty.post("/logout", headers=headers | {"Referer": "http://localhost:9999/attack.html"})
    assert referred.status_code == 403
    assert audit.rows(city_url, action="origin.refused")[0]["actor"] == ACCOUNTS["duty_officer"][0]


def test_f4_guesses_from_one_address_do_not_lock_the_admin_out(dash_app):
    guesser, owner = _from(dash_app, "127.0.0.2"), _from(dash_app, "127.0.0.3")
    for n in range(throttle.LIMITS["pair"]):
        assert _form_sign_in(guesser, "admin", f"guess {n}").status_code == 401
    refused = _form_sign_in(guesser, "admin", "guess again")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 2
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert _form_sign_in(owner, *ACCOUNTS["admin"]).status_code == 302


def test_f4_a_spray_from_a_shared_address_spares_those_who_signed_in_there_before(dash_app):
    regular = _from(dash_app, "127.0.0.4")
    assert _form_sign_in(regular, *ACCOUNTS["analyst"]).status_code == 302
    regular.post("/logout", headers={"X-CSRFToken": csrf_token_of(regular)})
    sprayer = _from(dash_app, "127.0.0.4")
    for n in range(throttle.LIMITS["address"]):
        _form_sign_in(sprayer, f"spray{n}", "Summer2026!")
    assert _form_sign_in(_from(dash_app, "127.0.0.4"), *ACCOUNTS["leader"]).status_code == 429
    assert _form_sign_in(regular, *ACCOUNTS["analyst"]).status_code == 302


def test_f9_forty_simultaneous_guesses_check_only_the_allowance(dash_app, monkeypatch):
    checked = []
    authenticate = users.authenticate

    def counted(*args):
        checked.append(1)
        return authenticate(*args)

    monkeypatch.setattr(users, "authenticate", counted)
    # one instant for all forty: on a loaded machine they took longer than the first back-off, after which the
    # throttle rightly lets one more try through, and the count depended on the machine's speed
    frozen = throttle.stored_now()
    monkeypatch.setattr(throttle, "stored_now", lambda: frozen)

    def guess(n: int) -> int:
        return _form_sign_in(_from(dash_app, "127.0.0.5"), "leader", f"guess {n}").status_code

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(guess, range(40)))
    assert len(checked) == codes.count(401) == throttle.LIMITS["pair"] and codes.count(429) == 40 - len(checked)


@pytest.fixture
def stream_user(city_url) -> tuple[str, str]:
    name, password = "f11_viewer", "f11-viewer-password"
    if not any(u["username"] == name for u in users.directory(city_url)):
        users.add_user(city_url, TEST_ACTOR, name, "F11", "leader", password)
    users.set_active(city_url, TEST_ACTOR, name, True)
    return name, password


def test_f11_an_open_push_stream_ends_when_the_account_is_disabled(served, city_url, stream_user):
    web = requests.Session()
    form = web.get(served + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    name, password = stream_user
    signed = web.post(
        served + "/login", data={"username": name, "password": password, "csrf_token": token}, allow_redirects=False
    )
    assert signed.status_code == 302
    with web.get(served + "/events", stream=True, timeout=30) as stream:
        lines = stream.iter_lines(decode_unicode=True)
        assert any(line == "event: status" for line in lines)
        users.set_active(city_url, TEST_ACTOR, name, False)
        disabled = time.monotonic()
        assert any(line == "event: ended" for line in lines)
        assert time.monotonic() - disabled < 8
    assert web.get(served + "/events", allow_redirects=False).status_code == 401


def _bearer(token: str, key: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} | ({"Idempotency-Key": key} if key else {})


@pytest.fixture(scope="module")
def tokens(city_url) -> dict[str, str]:
    return {
        role: users.create_token(city_url, TEST_ACTOR, f"security-{role}", role) for role in ("analyst", "duty_officer")
    }


def _quiet_devices(client, tokens, n: int) -> list[str]:
    """Tilt sensors with no open alarm (other tests acknowledge alarms on the shared city)."""
    duty = _bearer(tokens["duty_officer"])
    devices = client.get("/api/v1/devices?limit=5000", headers=duty).get_json()["devices"]
    busy = {
        a["device_code"]
        for status in ("new", "acknowledged")
        for a in client.get(f"/api/v1/alarms?status={status}&limit=5000", headers=duty).get_json()["alarms"]
    }
    quiet = [d["code"] for d in devices if "manhole_tilt" in d["code"] and d["code"] not in busy]
    return quiet[-n:]


def _new_alarm(client, tokens, device: str) -> int:
    now = stored_now()
    readings = [
        {
            "device": device,
            "ts": (now - timedelta(seconds=s)).isoformat() + "Z",
            "seq": 900 + n,
            "values": {"tilt_deg": 30},
        }
        for n, s in enumerate((20, 0))
    ]
    stored = client.post("/api/v1/readings", json={"readings": readings}, headers=_bearer(tokens["analyst"]))
    assert stored.status_code == 200
    listed = client.get("/api/v1/alarms?status=new&limit=5000", headers=_bearer(tokens["duty_officer"]))
    return next(a["id"] for a in listed.get_json()["alarms"] if a["device_code"] == device)


def test_f5_a_key_is_bound_to_its_route_and_target(app_client, tokens):
    first, second = (_new_alarm(app_client, tokens, code) for code in _quiet_devices(app_client, tokens, 2))
    headers = _bearer(tokens["duty_officer"], "f5-key")
    assert app_client.post(f"/api/v1/alarms/{first}/ack", headers=headers).status_code == 200
    reused = app_client.post(f"/api/v1/alarms/{second}/ack", headers=headers)
    assert reused.status_code == 422 and "another request" in reused.get_json()["error"]
    listed = app_client.get("/api/v1/alarms?status=new&limit=5000", headers=_bearer(tokens["duty_officer"]))
    assert any(a["id"] == second for a in listed.get_json()["alarms"])  # still new, not silently "done"
    other_route = app_client.post("/api/v1/incidents", json={}, headers=headers)
    assert other_route.status_code in (400, 422)


CRASH = """
import os, sys
from cockpit.actor import Actor
from cockpit.services.emergency import emergency
from cockpit.services.kernel.idempotency import fingerprint, run_once

url, key, description, crash_before_commit = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
actor = Actor("token:f6", "duty_officer")

def action():
    row = emergency.report_incident(url, actor, "accident", 3, 116.3205, 39.9995, description)
    if crash_before_commit:
        os._exit(9)  # kill -9 in the middle: the change is written but not committed
    return {"incident": row["id"]}, 201

run_once(url, "token:f6", key, fingerprint("POST", "/api/v1/incidents", description.encode()), action)
os._exit(9)  # kill -9 after the commit, before any answer reached the client
"""


def _incidents_described(city_url, description: str) -> list[int]:
    from cockpit.services.emergency import emergency

    return [i["id"] for i in emergency.incidents(city_url) if i["description"] == description]


@pytest.mark.parametrize("crash_before_commit", [True, False])
def test_f6_a_retry_after_a_crash_gets_the_committed_answer_or_runs_once(city_url, crash_before_commit):
    from cockpit.actor import Actor
    from cockpit.services.emergency import emergency
    from cockpit.services.kernel.idempotency import fingerprint, run_once

    key, description = f"f6-{crash_before_commit}", f"F6 crash test {crash_before_commit}"
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, city_url, key, description, "1" if crash_before_commit else "0"], cwd=ROOT
    )
    assert crashed.returncode == -9 or crashed.returncode == 9
    assert len(_incidents_described(city_url, description)) == (0 if crash_before_commit else 1)
    actor = Actor("token:f6", "duty_officer")

    def action():
        row = emergency.report_incident(city_url, actor, "accident", 3, 116.3205, 39.9995, description)
        return {"incident": row["id"]}, 201

    request = fingerprint("POST", "/api/v1/incidents", description.encode())
    answer, status = run_once(city_url, "token:f6", key, request, action)
    made = _incidents_described(city_url, description)
    assert status == 201 and made == [answer["incident"]]


def test_f14_api_writes_and_audit_reads_leave_audit_rows(app_client, tokens, client_as, city_url):
    readings = [
        {"device": "110108-noise-00004", "ts": stored_now().isoformat() + "Z", "seq": 77, "values": {"noise_db": 55}}
    ]
    app_client.post("/api/v1/readings", json={"readings": readings}, headers=_bearer(tokens["analyst"]))
    row = audit.rows(city_url, action="readings.write")[0]
    assert row["actor"] == "token:security-analyst" and '"stored":1' in row["after"]
    admin = users.create_token(city_url, TEST_ACTOR, "security-admin-reader", "admin")
    assert app_client.get("/api/v1/audit?limit=3", headers=_bearer(admin)).status_code == 200
    assert audit.rows(city_url, action="audit.read")[0]["actor"] == "token:security-admin-reader"


def _cli(city_dir, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"COCKPIT_VAR_DIR": str(city_dir)}
    return subprocess.run(
        [sys.executable, "-m", "cockpit.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_f8_tokens_can_be_listed_revoked_and_expire(app_client, city_dir, city_url):
    made = _cli(city_dir, "token", "create", "--name", "f8-feed", "--role", "analyst", "--expires", "30d")
    token = made.stdout.strip()
    assert made.returncode == 0 and token.startswith("cbt_")
    assert app_client.get("/api/v1/devices?limit=1", headers=_bearer(token)).status_code == 200
    listed = _cli(city_dir, "token", "list").stdout
    line = next(line for line in listed.splitlines() if line.startswith("f8-feed"))
    assert "active" in line and token not in listed and line.split()[-1] != "-"  # last used is shown
    assert _cli(city_dir, "token", "revoke", "f8-feed").returncode == 0
    assert app_client.get("/api/v1/devices?limit=1", headers=_bearer(token)).status_code == 401  # at once
    assert "revoked" in next(line for line in _cli(city_dir, "token", "list").stdout.splitlines() if "f8-feed" in line)
    assert _cli(city_dir, "token", "create", "--name", "x", "--role", "analyst", "--expires", "soon").returncode == 2
    short = users.create_token(city_url, TEST_ACTOR, "f8-short", "analyst", expires_in=timedelta(seconds=1))
    time.sleep(1.2)
    assert app_client.get("/api/v1/devices?limit=1", headers=_bearer(short)).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"readings": [], "readings": [{"device": "x"}]}', "appears twice"),  # F17: the last key would win
        (b"[" * 5000 + b"]" * 5000, "nested"),
        (b'{"readings": [{"device": "110108-noise-00003", "seq": ' + b"9" * 400 + b"}]}", "out of range"),
        (b'{"readings": [{"seq": 18446744073709551616}]}', "out of range"),
        (b'{"readings": [{"values": {"noise_db": NaN}}]}', "NaN"),
        (b'{"readings": [{"values": {"noise_db": 1e999}}]}', "out of range"),
        (b'{"readings": ', "not JSON"),
    ],
)
def test_f12_f17_malformed_json_is_refused_with_a_message(app_client, tokens, body, message):
    answer = app_client.post(
        "/api/v1/readings", data=body, headers=_bearer(tokens["analyst"]) | {"Content-Type": "application/json"}
    )
    assert answer.status_code == 400 and message in answer.get_json()["error"]


def test_f12_malformed_queries_ids_and_callback_inputs_get_400(app_client, tokens, client_as):
    duty = _bearer(tokens["duty_officer"])
    assert app_client.get("/api/v1/alarms?limit=²", headers=duty).status_code == 400
    assert app_client.get("/api/v1/devices?offset=-1", headers=duty).status_code == 400
    dispatch = app_client.post("/api/v1/incidents/1/dispatch", json={"resource_ids": [2**70]}, headers=duty)
    assert dispatch.status_code == 400
    missing = app_client.post("/api/v1/incidents/999999/dispatch", json={"resource_ids": [1]}, headers=duty)
    assert missing.status_code == 404
    assert app_client.get("/api/v1/incidents/999999/recommendations", headers=duty).status_code == 404
    officer = client_as("duty_officer")
    body = {
        "output": "em-selected.data",
        "outputs": {"id": "em-selected", "property": "data"},
        "inputs": [{"id": {"type": "incident-pick", "id": "x"}, "property": "n_clicks", "value": "many"}],
        "state": [],
        "changedPropIds": ['{"id":"x","type":"incident-pick"}.n_clicks'],
    }
    forged = officer.post("/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_token_of(officer)})
    assert forged.status_code == 400 and "bad input" in forged.get_json()["error"]


def test_f18_direction_controls_are_shown_not_obeyed(city_url):
    from callbacks.support import people_table
    from cockpit.bidi import neutral
    from cockpit.services.kernel.export import to_csv

    spoof = "王值班\u202e班值李"
    assert neutral(spoof) == "王值班[U+202E]班值李"
    rendered = str(
        people_table(
            [{"username": "x", "display_name": spoof, "role": "leader", "phone": None, "active": True, "demo": False}],
            "zh",
        )
    )
    assert "\u202e" not in rendered and "[U+202E]" in rendered
    assert "\u202e" not in to_csv([{"name": spoof}])


def _clientside_outputs(dash_app) -> list[str]:
    """The outputs of the callbacks that run in the browser: no server callback stands behind them."""
    keys = []
    for entry in dash_app._callback_list:
        if entry.get("clientside_function") is not None:
            keys.append(entry["output"])
    return keys


def test_f12_n10_callback_bodies_that_name_no_server_callback_are_4xx(dash_app, client_as):
    """F12 / N10 (e): [1,2], {}, an unknown output, a client-side callback's output and the page router fed a
    value that is no path were 500s; each is now refused before Dash reads it."""
    officer = client_as("duty_officer")
    headers = {"X-CSRFToken": csrf_token_of(officer)}
    for body in ([1, 2], {}, "text", {"output": 1, "inputs": []}, {"output": "x.children", "inputs": {}}):
        assert officer.post("/_dash-update-component", json=body, headers=headers).status_code == 400, body
    unknown = {"output": "nothing-here.children", "outputs": {}, "inputs": [], "state": []}
    assert officer.post("/_dash-update-component", json=unknown, headers=headers).status_code == 404
    clientside = _clientside_outputs(dash_app)
    assert len(clientside) >= 5
    for output in clientside:
        body = {"output": output, "outputs": {}, "inputs": [], "state": []}
        assert officer.post("/_dash-update-component", json=body, headers=headers).status_code == 404, output
    router = ".._pages_content.children..._pages_store.data.."
    for pathname in ("abc", "", [1], 1e308, None, "/" + "x" * 5000):
        body = {
            "output": router,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": pathname},
                {"id": "_pages_location", "property": "search", "value": ""},
            ],
            "state": [],
            "changedPropIds": ["_pages_location.pathname"],
        }
        assert officer.post("/_dash-update-component", json=body, headers=headers).status_code == 400, pathname
    body["inputs"][0]["value"] = "/operations"
    assert officer.post("/_dash-update-component", json=body, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "path", ["/_dash-component-suites/dash/..%2f..%2fetc/passwd", "/_dash-component-suites/dash/../../etc/passwd"]
)
def test_f12_a_component_path_that_climbs_out_is_a_404(app_client, path):
    assert app_client.get(path).status_code == 404


def test_f4_an_administrator_unlocks_an_account_from_the_command_line(city_dir, city_url):
    done = _cli(city_dir, "user", "unlock", "leader")
    assert done.returncode == 0 and "unlock done" in done.stdout
    assert audit.rows(city_url, action="user.unlock")[0]["object"] == "user:leader"
