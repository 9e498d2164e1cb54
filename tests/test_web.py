import orjson
from fixtures.servers import sign_in


def test_layer_route_serves_geojson_compressed(app_client):
    sign_in(app_client, "leader")
    response = app_client.get("/geo/districts.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Encoding"] == "gzip"


def test_unknown_layer_is_404_with_reason(app_client):
    sign_in(app_client, "leader")
    response = app_client.get("/geo/nothing.json")
    assert response.status_code == 404
    assert "unknown layer" in orjson.loads(response.data)["error"]


def test_language_switch_sets_cookie_and_returns(app_client):
    response = app_client.get("/lang/en", headers={"Referer": "http://localhost/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "cockpit_lang=en" in response.headers["Set-Cookie"]
    sign_in(app_client, "leader")
    layout = app_client.get("/_dash-layout").get_data(as_text=True)
    assert "City Brain Cockpit" in layout


def test_language_switch_never_redirects_off_site(app_client):
    response = app_client.get("/lang/zh", headers={"Referer": "http://evil.example/phish"})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(app_client):
    assert app_client.get("/lang/fr").status_code == 404


def test_default_layout_is_chinese(app_client):
    sign_in(app_client, "leader")
    assert "城市大脑管理驾驶舱" in app_client.get("/_dash-layout").get_data(as_text=True)


def test_wall_address_opens_wall_mode_with_a_sane_interval(app_client):
    assert app_client.get("/wall").headers["Location"].startswith("/login")
    sign_in(app_client, "leader")
    assert app_client.get("/wall").headers["Location"] == "/?wall=45"
    assert app_client.get("/wall?every=20").headers["Location"] == "/?wall=20"
    assert app_client.get("/wall?every=1").headers["Location"] == "/?wall=5"
    assert app_client.get("/wall?every=99999").headers["Location"] == "/?wall=600"
    assert app_client.get("/wall?every=soon").headers["Location"] == "/?wall=45"
