"""Scheme comparison against hand-computed indicators, the plan's limits and the life circle, and bad input
refused whole (through the service and the API)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from fixtures.db import TEST_ACTOR
from shapely.geometry import Polygon, box, mapping

from cockpit.refusal import Refused
from cockpit.services.kernel.spatial_ops import TO_METRIC, TO_WGS84
from cockpit.services.planning import schemes
from cockpit.services.support import users

X, Y = TO_METRIC.transform(116.3205, 39.9985)  # inside the detail zone's first box


def _wgs84(x: float, y: float, w: float, h: float) -> dict:
    """A rectangle given in EPSG:4547 metres from the corner (X + x, Y + y), as WGS-84 GeoJSON."""
    shape = shapely.transform(
        box(X + x, Y + y, X + x + w, Y + y + h), lambda xy: np.column_stack(TO_WGS84.transform(xy[:, 0], xy[:, 1]))
    )
    return mapping(shape)


SITE = _wgs84(0, 0, 200, 100)  # 20,000 m²
A = {
    "name": "A",
    "green_m2": 8000,
    "buildings": [{"geometry": _wgs84(20, 20, 40, 25), "floors": 10, "use": "residential"}],
}
B = {
    "name": "B",
    "green_m2": 5000,
    "buildings": [
        {"geometry": _wgs84(20, 20, 40, 25), "floors": 20, "use": "residential"},
        {"geometry": _wgs84(120, 40, 20, 20), "floors": 5, "use": "office"},
        {"geometry": _wgs84(150, 40, 20, 20), "floors": 2, "use": "school"},
    ],
}


def test_indicators_are_the_hand_computed_ones(city_url):
    found = schemes.compare(city_url, {"site": SITE, "schemes": [A, B]})
    assert found["site"]["area_m2"] == pytest.approx(20_000, rel=1e-3)
    a, b = (s["values"] for s in found["schemes"])
    assert a["far"] == pytest.approx(0.5, rel=1e-3) and a["density"] == pytest.approx(0.05, rel=1e-3)
    assert a["green_ratio"] == pytest.approx(0.4, rel=1e-3) and a["height_m"] == 30
    assert a["population"] == pytest.approx(10_000 / 35, rel=1e-3) and a["jobs"] == 0
    assert a["trips_per_day"] == pytest.approx(10_000 / 35 * 2.6, rel=1e-3)
    assert b["far"] == pytest.approx((20_000 + 2_000 + 800) / 20_000, rel=1e-3)  # 1.14
    assert b["density"] == pytest.approx(1_800 / 20_000, rel=1e-3) and b["height_m"] == 60
    assert b["jobs"] == pytest.approx(2_800 / 25, rel=1e-3)
    assert found["schemes"][1]["deltas"]["far"] == pytest.approx(0.64, rel=1e-3)
    limits = found["site"]["limits"]
    assert limits["zones"]  # the site lies on the regulatory plan
    for scheme in found["schemes"]:
        if limits["far_max"] is not None:
            assert scheme["checks"]["far"] == (scheme["values"]["far"] <= limits["far_max"])
        assert scheme["passes"] == all(c is not False for c in scheme["checks"].values())
    assert found["schemes"][1]["life_circle"]["school"]["provided"] is True
    assert found["schemes"][0]["life_circle"]["park"]["provided"] is True  # 8,000 m² of green is a park
    assert all(s["life_circle"]["clinic"]["nearby"] >= 0 for s in found["schemes"])


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"site": SITE, "schemes": [A]}, "2 to 3 schemes"),
        (
            {
                "site": mapping(Polygon([(116.32, 40.0), (116.33, 40.01), (116.33, 40.0), (116.32, 40.01)])),
                "schemes": [A, B],
            },
            "Self-intersection",
        ),
        ({"site": mapping(box(X, Y, X + 200, Y + 100)), "schemes": [A, B]}, "not WGS-84"),
        (
            {
                "site": SITE,
                "schemes": [
                    A,
                    {**B, "buildings": [{"geometry": _wgs84(500, 0, 10, 10), "floors": 3, "use": "office"}]},
                ],
            },
            "outside the site",
        ),
        (
            {
                "site": SITE,
                "schemes": [A, {**B, "buildings": [{"geometry": _wgs84(5, 5, 10, 10), "floors": 3, "use": "casino"}]}],
            },
            "use must be",
        ),
        (
            {
                "site": SITE,
                "schemes": [A, {**B, "buildings": [{"geometry": _wgs84(5, 5, 10, 10), "floors": 0, "use": "office"}]}],
            },
            "between 1",
        ),
        ({"site": {"type": "Point", "coordinates": [116.3, 40.0]}, "schemes": [A, B]}, "not a polygon"),
        ([], "JSON object"),
    ],
)
def test_bad_input_is_refused_whole(city_url, body, says):
    with pytest.raises(Refused, match=says) as refused:
        schemes.compare(city_url, body)
    assert refused.value.http == 400


def test_the_api_compares_and_refuses(app_client, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "scheme-leader", "leader")
    bearer = {"Authorization": f"Bearer {token}"}
    done = app_client.post("/api/v1/planning/schemes/compare", json={"site": SITE, "schemes": [A, B]}, headers=bearer)
    assert done.status_code == 200 and [s["name"] for s in done.get_json()["schemes"]] == ["A", "B"]
    bad = app_client.post("/api/v1/planning/schemes/compare", json={"site": SITE, "schemes": [A]}, headers=bearer)
    assert bad.status_code == 400 and bad.get_json()["code"] == "planning.bad_schemes"
    big = app_client.post(
        "/api/v1/planning/schemes/compare",
        data=b"{" + b" " * 6_000_000 + b"}",
        headers=bearer | {"Content-Type": "application/json"},
    )
    assert big.status_code == 413
