"""Every server callback and every API route, called as anonymous and as each role without its permission:
refused and logged. New callbacks and routes are enumerated from the app, so they are covered automatically."""

from __future__ import annotations

import re

import pytest
from fixtures.db import TEST_ACTOR
from fixtures.helpers import forged_body, is_internal, server_callbacks
from fixtures.servers import ACCOUNTS, csrf_token_of

from cockpit.api.common import PUBLIC_ROUTES
from cockpit.permissions import PERMISSIONS, ROLES
from cockpit.services.support import audit, users


def post_callback(client, key, spec, with_csrf=True):
    headers = {"X-CSRFToken": csrf_token_of(client)} if with_csrf else {}
    return client.post("/_dash-update-component", json=forged_body(key, spec), headers=headers)


def denials(url: str, obj_part: str) -> int:
    return sum(obj_part in (r["object"] or "") for r in audit.rows(url, action="access.denied", limit=None))


def test_every_server_callback_declares_a_permission(dash_app):
    unguarded = [
        key
        for key, spec in server_callbacks(dash_app)
        if not is_internal(spec) and getattr(spec["callback"], "permission", None) not in PERMISSIONS
    ]
    assert unguarded == [], f"callbacks without auth.guard: {unguarded}"
    assert len(server_callbacks(dash_app)) >= 6


def test_anonymous_is_refused_by_every_callback_and_logged(dash_app, app_client, city_url):
    app_client.get("/login")
    for key, spec in server_callbacks(dash_app):
        before = denials(city_url, "callback:")
        response = post_callback(app_client, key, spec)
        assert response.status_code == 401, key
        assert denials(city_url, "callback:") == before + 1, key


def test_roles_without_permission_are_refused_and_logged(dash_app, client_as, city_url):
    checked = 0
    for role in ROLES:
        client = client_as(role)
        for key, spec in server_callbacks(dash_app):
            if is_internal(spec):
                continue
            permission = spec["callback"].permission
            before = denials(city_url, "callback:") if role not in PERMISSIONS[permission] else None
            response = post_callback(client, key, spec)
            if role in PERMISSIONS[permission]:  # let through; empty input may then be refused as malformed
                answer = response.get_data(as_text=True)[:300]
                assert response.status_code in (200, 204) or "bad input" in answer, (role, key, answer)
            else:
                assert response.status_code == 403, (role, key)
                assert denials(city_url, "callback:") == before + 1
                checked += 1
    assert checked > 0


def test_callback_post_without_csrf_token_is_refused(dash_app, client_as, city_url):
    client = client_as("admin")
    key, spec = next((k, s) for k, s in server_callbacks(dash_app) if not is_internal(s))
    before = len(audit.rows(city_url, action="csrf.refused", limit=None))
    response = post_callback(client, key, spec, with_csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]
    assert len(audit.rows(city_url, action="csrf.refused", limit=None)) == before + 1


def concrete(rule: str) -> str:
    """A path the rule matches: ids are 1, of a fixed choice the last (the cheap one: an evacuation refused for
    want of an area, a JSON frame)."""
    path = (
        re.sub(r"<(?:int|id)(?:\([^)]*\))?:[^>]+>", "1", rule)
        .replace("<layer>", "districts")
        .replace("<username>", "leader")
        .replace("<path:_rest>", "no/such/route")
    )
    return re.sub(r"<any\((?:[^)]*, )?([^,)]+)\):\w+>", r"\1", path)


def guarded_routes(app) -> list[tuple[str, str, str]]:
    """(method, concrete path, permission) of every route that passes auth.guard."""
    routes = []
    for rule in app.server.url_map.iter_rules():
        view = app.server.view_functions[rule.endpoint]
        if getattr(view, "permission", None):
            method = "POST" if "POST" in rule.methods else "GET"
            routes.append((method, concrete(rule.rule), view.permission))
    return routes


def test_every_data_route_is_guarded(dash_app):
    guarded = {rule for _m, rule, _p in guarded_routes(dash_app)}
    assert {"/geo/districts.json", "/api/v1/audit", "/api/v1/readings", "/events"} <= guarded
    for rule in dash_app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule not in PUBLIC_ROUTES:
            assert concrete(rule.rule) in guarded, f"API route {rule.rule} is not guarded"


@pytest.fixture(scope="module")
def tokens(city_url):
    return {role: users.create_token(city_url, TEST_ACTOR, f"authz-test-{role}", role) for role in ROLES}


def test_api_routes_refuse_missing_bad_and_underprivileged_tokens(dash_app, app_client, city_url, tokens):
    api = [(m, p, perm) for m, p, perm in guarded_routes(dash_app) if p.startswith("/api/")]
    assert len(api) >= 5
    for method, path, permission in api:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            before = denials(city_url, f"route:{path}")
            assert app_client.open(path, method=method, headers=headers).status_code == 401, path
            assert denials(city_url, f"route:{path}") == before + 1
        for role, token in tokens.items():
            before = denials(city_url, f"route:{path}")
            response = app_client.open(path, method=method, headers={"Authorization": f"Bearer {token}"}, json={})
            if role in PERMISSIONS[permission]:
                assert response.status_code in (200, 400, 404, 409), (role, path, response.status_code)
            else:
                assert response.status_code == 403, (role, path)
                assert response.get_json()["error"].startswith("not permitted")
                assert denials(city_url, f"route:{path}") == before + 1


def test_pages_for_other_roles_show_a_notice_and_are_logged(dash_app, client_as, city_url):
    client = client_as("leader")
    before = denials(city_url, "page:/platform/support")
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "/platform/support" not in layout  # not in the leader's navigation
    router = next(k for k in dash_app.callback_map if "_pages_content.children" in k)
    body = {
        "output": router,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/platform/support"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_token_of(client)})
    assert response.status_code == 200
    assert "support-audit" not in response.get_data(as_text=True)
    assert denials(city_url, "page:/platform/support") == before + 1


def test_anonymous_pages_redirect_to_sign_in(app_client):
    response = app_client.get("/platform/support")
    assert response.status_code == 302
    assert "/login?next=/platform/support" in response.headers["Location"]


def test_accounts_cover_every_role():
    assert set(ACCOUNTS) == set(ROLES)
