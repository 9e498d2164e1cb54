"""Conflict patches of multi-plan integration without a database: a hand-computed overlap, slivers along
shifted lattices dropped, invalid geometry repaired first, and the generated plans of the detail zone giving
every kind of conflict the rule matrix knows."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from cockpit.services.kernel.spatial_ops import TO_WGS84
from cockpit.services.planning import plan_overlay
from cockpit.services.planning.plan_overlay import RULES, detect, layer
from sample_data import plans, real

CONFLICT = next(r for r in RULES if r.key == "construction_on_protected")


def _wgs84(shape: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: np.column_stack(TO_WGS84.transform(xy[:, 0], xy[:, 1])))


def _metric_box(x: float, y: float, w: float, h: float) -> shapely.Geometry:
    """A rectangle given in EPSG:4547 metres, as WGS-84 (the plans' own coordinates)."""
    return _wgs84(box(x, y, x + w, y + h))


X, Y = 699_000.0, 4_431_000.0  # EPSG:4547 metres in Haidian


def test_a_patch_has_the_hand_computed_area():
    zoning = layer("regulatory", [("KG-1", "R2", _metric_box(X, Y, 200, 100))])
    land = layer("land_use", [("TG-1", "farmland", _metric_box(X + 150, Y + 40, 300, 300))])
    found = detect({"regulatory": zoning, "land_use": land}, [CONFLICT])
    assert len(found.patches) == 1
    patch = found.patches[0]
    assert patch.area_m2 == pytest.approx(50 * 60, rel=1e-3)  # 50 m by 60 m, worked out by hand
    assert (patch.left_code, patch.right_code, patch.department) == ("KG-1", "TG-1", "市规划自然资源委")


def test_uses_the_rule_allows_make_no_patch():
    zoning = layer("regulatory", [("KG-1", "G1", _metric_box(X, Y, 200, 100))])
    land = layer("land_use", [("TG-1", "farmland", _metric_box(X, Y, 200, 100))])
    assert detect({"regulatory": zoning, "land_use": land}, [CONFLICT]).patches == []


def test_slivers_are_dropped_and_counted():
    zoning = layer(
        "regulatory", [("KG-1", "R2", _metric_box(X, Y, 200, 100)), ("KG-2", "B1", _metric_box(X, Y + 300, 200, 100))]
    )
    land = layer(
        "land_use",
        [
            ("TG-1", "ecological", _metric_box(X + 199, Y - 50, 300, 300)),  # 1 m wide along the edge: a sliver
            ("TG-2", "ecological", _metric_box(X + 195, Y + 395, 10, 10)),  # 5 m × 5 m = 25 m²: too small
        ],
    )
    found = detect({"regulatory": zoning, "land_use": land}, [CONFLICT])
    assert found.patches == [] and found.slivers == 2


def test_invalid_geometry_is_repaired_before_the_overlay():
    x0, y0 = X, Y
    bow_tie = _wgs84(Polygon([(x0, y0), (x0 + 200, y0 + 200), (x0 + 200, y0), (x0, y0 + 200), (x0, y0)]))
    assert not bow_tie.is_valid
    zoning = layer("regulatory", [("KG-1", "R2", bow_tie)])
    land = layer("land_use", [("TG-1", "farmland", _metric_box(X, Y, 200, 200))])
    found = detect({"regulatory": zoning, "land_use": land}, [CONFLICT])
    assert found.repaired == 1
    assert sum(p.area_m2 for p in found.patches) == pytest.approx(20_000, rel=1e-3)  # both triangles, 2 × 10,000


def test_the_generated_plans_give_every_kind_of_conflict():
    generated = plans.plans(
        real.read_geojson("coverage.geojson"), real.read_geojson("green.geojson"), real.read_geojson("water.geojson"), 7
    )
    assert generated == plans.plans(
        real.read_geojson("coverage.geojson"), real.read_geojson("green.geojson"), real.read_geojson("water.geojson"), 7
    )
    layers = {k: layer(k, [(z.code, z.use, z.geometry) for z in zones]) for k, zones in generated.items()}
    buildings = [
        (f["properties"]["osm_id"], "building", shapely.geometry.shape(f["geometry"]))
        for f in real.read_geojson("buildings.geojson")
    ]
    layers["building"] = layer("building", buildings)
    found = detect(layers)
    kinds = {p.rule for p in found.patches}
    assert kinds == {r.key for r in plan_overlay.RULES}
    assert found.slivers > 0  # the shifted lattices leave slivers along their edges
    assert all(p.area_m2 >= plan_overlay.MIN_AREA_M2 for p in found.patches)


def test_three_plans_on_the_same_ground_are_one_meeting():
    """A homes zone on farmland and inside the red line: two pairwise patches, one meeting of three plans on the
    ground all three share (100 m × 50 m, worked out by hand); a patch elsewhere meets nothing."""
    zoning = layer("regulatory", [("KG-1", "R2", _metric_box(X, Y, 200, 100))])
    land = layer("land_use", [("TG-1", "farmland", _metric_box(X, Y, 100, 100))])
    red = layer("red_line", [("HX-1", "ecological", _metric_box(X, Y + 50, 200, 50))])
    rules = [CONFLICT, next(r for r in RULES if r.key == "construction_in_red_line")]
    found = detect({"regulatory": zoning, "land_use": land, "red_line": red}, rules)
    assert len(found.patches) == 2
    (meeting,) = plan_overlay.meetings(found.patches)
    assert meeting.plans == ("land_use", "red_line", "regulatory")
    assert meeting.members == (0, 1)
    assert meeting.area_m2 == pytest.approx(100 * 50, rel=1e-3)
    apart = layer("red_line", [("HX-2", "ecological", _metric_box(X + 150, Y, 50, 100))])
    elsewhere = detect({"regulatory": zoning, "land_use": land, "red_line": apart}, rules)
    assert len(elsewhere.patches) == 2 and plan_overlay.meetings(elsewhere.patches) == []
