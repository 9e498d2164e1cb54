"""COCKPIT_TILE_URL switches the base map to an intranet tile server and opens the CSP for its images."""

import os
import shutil

import pytest

from cockpit.settings import load_settings

TILES = "http://tiles.intra.example:8080/{z}/{x}/{y}.png"


@pytest.fixture
def tiled_app(city_dir, tmp_path, monkeypatch):
    var = tmp_path / "var"
    shutil.copytree(city_dir, var)
    monkeypatch.setenv("COCKPIT_VAR_DIR", str(var))
    monkeypatch.setenv("COCKPIT_TILE_URL", TILES)
    from callbacks import shell, wall_view
    from cockpit.factory import create_app
    from pages import NOT_FOUND, PAGES

    return create_app(PAGES, NOT_FOUND, (shell.register, wall_view.register), load_settings())


def test_default_has_no_tile_server(dash_app):
    assert "TileLayer" not in str(dash_app.server.config["COCKPIT_SETTINGS"])
    assert os.environ.get("COCKPIT_TILE_URL") is None


def test_tile_url_adds_a_tile_layer_and_allows_its_images(tiled_app):
    from fixtures.servers import sign_in

    client = tiled_app.server.test_client()
    sign_in(client, "leader")
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: http://tiles.intra.example:8080" in csp
    from pages import overview

    with tiled_app.server.test_request_context("/"):
        layout = str(overview.layout())
    assert TILES in layout and "TileLayer" in layout
