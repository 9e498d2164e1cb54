import re

import pytest
from fixtures.servers import sign_in

from cockpit.actor import Actor
from cockpit.services.support import audit, users
from cockpit.services.support.throttle import name_hash

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
    named = audit.rows(city_url, action="login.failed")[0]["object"]
    assert named == f"name-sha256:{name_hash('<script>alert(1)</script>')}"  # an unknown name may be a password


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
