"""Parametric massing without Dash: slabs inside the setback, rows of homes apart for winter sun, the share of
homes and the green ratio as asked, numbers out of range refused, and a site too small to build on refused."""

from __future__ import annotations

from itertools import pairwise

import pytest
import shapely
from shapely.geometry import box, shape

from cockpit.refusal import Refused
from cockpit.services.cim import massing
from cockpit.services.kernel.spatial_ops import metric, wgs84

SITE_M = box(699_000, 4_431_000, 699_300, 4_431_240)  # 300 m × 240 m in EPSG:4547
SITE = wgs84(SITE_M)


def _rules(**change) -> massing.Rules:
    return massing.rules({"floors": 12, "density": 0.3, "residential": 1.0, "green": 0.35} | change, "A")


def test_slabs_stand_inside_the_setback_and_rows_of_homes_keep_their_sun_spacing():
    made, green = massing.buildings(SITE, _rules())
    footprints = [metric(shape(b["geometry"])) for b in made]
    inner = SITE_M.buffer(-massing.SETBACK_M)
    assert footprints and all(f.within(inner.buffer(0.01)) for f in footprints)
    assert all(f.area >= massing.LEAST_M2 for f in footprints)
    rows = sorted({round(f.bounds[1], 1) for f in footprints})
    spacing = massing.DEPTH_M + massing.SUNLIGHT_RATIO * 12 * 3.0  # 14 m deep + 1.6 × 36 m
    assert all(b - a == pytest.approx(spacing, abs=0.01) for a, b in pairwise(rows))
    assert green == pytest.approx(0.35 * SITE_M.area)
    assert {b["floors"] for b in made} == {12} and {b["use"] for b in made} == {"residential"}


def test_offices_need_no_sun_spacing_and_take_their_share():
    homes, _ = massing.buildings(SITE, _rules())
    offices, _ = massing.buildings(SITE, _rules(residential=0.0))
    assert {b["use"] for b in offices} == {"office"}
    assert len(offices) > len(homes)  # rows packed by density alone
    mixed, _ = massing.buildings(SITE, _rules(residential=0.5))
    area = {
        u: sum(metric(shape(b["geometry"])).area for b in mixed if b["use"] == u) for u in ("residential", "office")
    }
    assert 0.3 < area["residential"] / (area["residential"] + area["office"]) < 0.7


@pytest.mark.parametrize(
    ("change", "what"), [({"floors": 0}, "floors"), ({"density": 0.9}, "density"), ({"green": "x"}, "green")]
)
def test_numbers_out_of_range_are_refused(change, what):
    with pytest.raises(Refused) as refused:
        _rules(**change)
    assert refused.value.key == "planning.bad_number" and what in refused.value.values["what"]


def test_a_site_too_small_for_its_setback_is_refused():
    with pytest.raises(Refused) as refused:
        massing.buildings(wgs84(box(699_000, 4_431_000, 699_012, 4_431_012)), _rules())
    assert refused.value.key == "planning.site_too_small"
    with pytest.raises(Refused) as refused:
        massing.buildings(wgs84(box(699_000, 4_431_000, 699_030, 4_431_030)), _rules(floors=60))
    assert refused.value.key == "planning.nothing_fits"
    assert shapely.is_valid(SITE)
