"""The planning page in Chromium: the plans on one map, a conflict patch assigned and given an opinion by a
coordinator, decided by a leader into a new plan revision (the patch settles), and the exports downloaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import close, open_page, wait_js

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
RULE = "建设用地占用农用地/生态用地"


def _pick_first(page, status: str) -> str:
    """Filter to one type and status, pick the first patch; answers its number."""
    page.click(f"#plan-status label:has-text('{status}')")
    page.evaluate("() => window.dash_clientside.set_props('plan-rule', {value: 'construction_on_protected'})")
    wait_js(page, "t => (document.querySelector('#plan-list') || {}).innerText?.startsWith(t)", RULE, timeout=20)
    first = page.locator("#plan-list .case-item").first
    number = first.locator(".note").inner_text().split(" · ")[0]
    first.click()
    page.wait_for_selector(f"#plan-detail:has-text('{RULE}')")
    return number


def test_a_coordinator_assigns_and_a_leader_decides_a_patch(browser, served):
    context, page, watch = open_page(browser, served, "/planning", width=1920, height=1080, role="analyst")
    page.wait_for_selector("#plan-list .case-item")
    page.wait_for_selector("#plan-counts table")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "planning.png"))
    number = _pick_first(page, "待处理")
    assert page.locator("#plan-decide").is_hidden()  # a coordinator does not decide
    page.fill("#plan-department", "市规划自然资源委")
    page.click("#plan-assign")
    page.wait_for_selector("#plan-msg:has-text('交办已记录')")
    page.fill("#plan-opinion-by", "市农业农村局")
    page.fill("#plan-opinion", "该图斑为永久基本农田，建议控规让出")
    page.click("#plan-opine")
    page.wait_for_selector("#plan-detail:has-text('永久基本农田')")
    page.locator("#plan-layers label").nth(2).click()  # the land-use plan on the map as well
    page.locator("#plan-layers label").last.click()  # and the standing buildings
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "planning-assigned.png"))
    close(context, watch)
    assert watch.problems == []

    context, page, watch = open_page(browser, served, "/planning", width=1920, height=1080, role="leader")
    page.wait_for_selector("#plan-list .case-item")
    assert _pick_first(page, "已交办") == number
    assert page.locator("#plan-assign").is_hidden()
    page.click("#plan-yield label:has-text('规划一让步')")
    page.fill("#plan-reason", "基本农田优先")
    page.click("#plan-decide")
    page.wait_for_selector("#plan-msg:has-text('裁定已记录')")
    page.wait_for_selector("#plan-detail:has-text('已消除')")
    assert "控制性详细规划修订" in page.inner_text("#plan-detail")
    page.screenshot(path=str(SHOTS / "planning-decided.png"))
    page.click("#plan-status label:has-text('全部')")
    for button, suffix in (
        ("#plan-export-geojson", ".geojson"),
        ("#plan-export-gpkg", ".gpkg"),
        ("#plan-export-pdf", ".pdf"),
    ):
        with page.expect_download() as caught:
            page.click(button)
        assert caught.value.suggested_filename.endswith(suffix)
        body = Path(caught.value.path()).read_bytes()
        if suffix == ".geojson":
            assert json.loads(body)["features"][0]["properties"]["rule"] == "construction_on_protected"
        elif suffix == ".gpkg":
            assert body.startswith(b"SQLite format 3")
        else:
            assert body.startswith(b"%PDF")
    close(context, watch)
    assert watch.problems == []
