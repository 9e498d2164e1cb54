import re

import pytest
from conftest import sign_in

from cockpit.actor import Actor
from cockpit.services import audit, users

ADMIN = Actor("cli:test", "admin")


def test_add_authenticate_disable(db_url):
    users.add_user(db_url, ADMIN, "zhang", "张三", "duty_officer", "correct horse battery", phone="13912345678")
    assert users.authenticate(db_url, "zhang", "correct horse battery")["role"] == "duty_officer"
    assert users.authenticate(db_url, "zhang", "wrong password!") is None
    users.set_active(db_url, ADMIN, "zhang", False)
    assert users.authenticate(db_url, "zhang", "correct horse battery") is None
    actions = [r["action"] for r in audit.rows(db_url)]
    assert actions[:2] == ["user.disable", "user.add"]


def test_passwords_are_hashed_with_a_standard_scheme(db_url):
    from data_access import support
    from data_access.db import transaction

    users.add_user(db_url, ADMIN, "li", "李四", "leader", "another long secret")
    with transaction(db_url) as session:
        stored = support.user_by_name(session, "li")["password_hash"]
    assert stored.startswith("scrypt:") and "another long secret" not in stored


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("x", "mayor", "long enough pw", "role must be"),
        ("bad name", "leader", "long enough pw", "username"),
        ("ok", "leader", "short", "at least"),
    ],
)
def test_bad_accounts_are_refused(db_url, username, role, password, message):
    with pytest.raises(users.UserError, match=message):
        users.add_user(db_url, ADMIN, username, "x", role, password)


def test_directory_masks_phones(db_url):
    users.add_user(db_url, ADMIN, "wang", "王五", "analyst", "long enough pw", phone="13912345678")
    assert users.directory(db_url)[0]["phone"] == "139****5678"


def test_password_reset_ends_existing_sessions(dash_app, city_url):
    client = dash_app.server.test_client()
    sign_in(client, "analyst")
    assert client.get("/_dash-layout").status_code == 200
    users.reset_password(city_url, ADMIN, "analyst", "analyst-demo-2026")
    assert client.get("/_dash-layout").status_code == 401


def test_wrong_password_is_refused_and_logged(app_client, city_url):
    page = app_client.get("/login").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = app_client.post(
        "/login", data={"username": "<script>alert(1)</script>", "password": "x", "csrf_token": form_token}
    )
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert audit.rows(city_url, action="login.failed")[0]["object"] == "user:<script>alert(1)</script>"


def test_login_form_without_csrf_is_refused(app_client):
    response = app_client.post("/login", data={"username": "admin", "password": "admin-demo-2026"})
    assert response.status_code == 400


def test_login_never_redirects_off_site(dash_app):
    client = dash_app.server.test_client()
    page = client.get("/login?next=//evil.example/x").get_data(as_text=True)
    assert 'name="next" value="/"' in page


def test_security_headers_and_cookie_flags(app_client):
    response = app_client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    sign_in(app_client, "leader")
    session = app_client.get_cookie("session")
    assert session.http_only and session.same_site == "Lax"


def _try_sign_in(client, username: str, password: str):
    page = client.get("/login").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": form_token})


def test_repeated_failures_lock_the_account_name_for_a_while(dash_app, city_url):
    from cockpit.services import throttle

    guesser = dash_app.server.test_client()
    for n in range(throttle.PER_ACCOUNT):
        assert _try_sign_in(guesser, "no-such-officer", f"guess {n}").status_code == 401
    refused = _try_sign_in(guesser, "no-such-officer", "guess 5")
    assert refused.status_code == 429 and 800 <= int(refused.headers["Retry-After"]) <= 900
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert audit.rows(city_url, action="login.throttled")[0]["object"] == "user:no-such-officer"
    assert _try_sign_in(dash_app.server.test_client(), "duty", "duty-demo-2026").status_code == 302  # others fine


def test_a_password_reset_lifts_the_account_lock(db_url):
    from cockpit.services import throttle

    users.add_user(db_url, ADMIN, "lin", "林值班", "duty_officer", "first password 1")
    for n in range(throttle.PER_ACCOUNT):
        audit.record_alone(db_url, Actor("anonymous", None, source_ip=f"10.1.0.{n}"), "login.failed", "user:lin")
    assert throttle.wait_seconds(db_url, "lin", "10.2.0.1") > 0
    users.reset_password(db_url, ADMIN, "lin", "second password 2")
    assert throttle.wait_seconds(db_url, "lin", "10.2.0.1") == 0


def test_throttle_window_and_address_limit(db_url):
    from datetime import UTC, datetime, timedelta

    from cockpit.services import throttle

    for n in range(throttle.PER_ADDRESS):
        audit.record_alone(db_url, Actor("anonymous", None, source_ip="10.0.0.9"), "login.failed", f"user:u{n}")
    now = datetime.now(UTC).replace(tzinfo=None)
    assert throttle.wait_seconds(db_url, "someone-else", "10.0.0.9", now) > 0  # the address is spraying
    assert throttle.wait_seconds(db_url, "someone-else", "10.0.0.10", now) == 0
    assert throttle.wait_seconds(db_url, "u1", "10.0.0.10", now) == 0  # one failure is not five
    assert throttle.wait_seconds(db_url, "someone-else", "10.0.0.9", now + throttle.WINDOW + timedelta(seconds=1)) == 0
