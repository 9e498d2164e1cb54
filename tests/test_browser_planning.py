"""The planning page in Chromium: the plans on one map, a conflict patch assigned and given an opinion by a
coordinator, decided by a leader into a new plan revision (the patch settles), and the exports downloaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.browser import close, open_page, wait_js

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


def _draw_site(page) -> None:
    """A rectangle dragged on the map with Leaflet.draw, as a planner draws a site."""
    page.click(".leaflet-draw-draw-rectangle")
    box = page.locator("#plan-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 110, y - 90)
    page.mouse.down()
    page.mouse.move(x + 110, y + 90, steps=8)
    page.mouse.up()
    page.wait_for_timeout(500)  # drawn on the map's canvas: the site reaches Dash with the draw event


def test_plans_compared_by_swipe_schemes_in_3d_and_a_project_pre_screened(browser, served, tmp_path):
    context, page, watch = open_page(browser, served, "/planning", width=1920, height=1080, role="analyst")
    page.wait_for_selector("#plan-list .case-item")
    _pick_first(page, "待处理")  # the map flies to a patch: ground the plans cover
    page.wait_for_timeout(1500)

    page.click("#plan-swipe")
    page.click(".dash-dropdown-option:has-text('土地利用总体规划')")
    page.wait_for_selector("#plan-swipe-line:not(.hidden)")
    wait_js(page, "() => /rect\\(/.test(document.querySelector('.leaflet-plan-right-pane').style.clip)")
    before = page.evaluate("() => document.querySelector('.leaflet-plan-left-pane').style.clip")
    track = page.locator("#plan-swipe-at .dash-slider-track").bounding_box()
    thumb = page.locator("#plan-swipe-at [role=slider]").bounding_box()
    page.mouse.move(thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2)
    page.mouse.down()  # the line dragged to a quarter of the way
    page.mouse.move(track["x"] + track["width"] * 0.25, track["y"] + 2, steps=6)
    page.mouse.up()
    wait_js(page, "b => document.querySelector('.leaflet-plan-left-pane').style.clip !== b", before)
    page.screenshot(path=str(SHOTS / "planning-swipe.png"))

    page.click("#plan-mode label:has-text('方案比选')")
    page.click("#plan-compare")
    page.wait_for_selector("#plan-scheme-msg:has-text('请先在地图上画出地块')")
    _draw_site(page)
    page.click("#plan-compare")
    page.wait_for_selector("#plan-scheme-msg:has-text('已比选 3 个方案')", timeout=30_000)
    table = page.inner_text("#plan-comparison table")
    for word in ("容积率", "人口容量", "15分钟生活圈：学校", "方案A", "方案B", "方案C"):
        assert word in table
    page.wait_for_selector("#plan-massing-a[data-ready]", timeout=30_000)
    wait_js(page, "() => window.cockpitCim.stats().ready", timeout=30)
    assert page.evaluate("() => window.cockpitCim._deck().props.layers.some(l => l.id === 'a:massing')")
    page.click("#plan-massing-side label:has-text('方案C')")
    wait_js(page, "() => window.cockpitCim.stats().ready && document.querySelector('#plan-massing-b canvas')")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "planning-schemes.png"))

    from test_schemes import SITE, A, B  # the hand-computed schemes, uploaded as a file

    upload = tmp_path / "schemes.json"
    upload.write_text(json.dumps({"site": SITE, "schemes": [A, B]}), encoding="utf-8")
    page.set_input_files("#plan-upload input[type=file]", str(upload))
    page.wait_for_selector("#plan-scheme-msg:has-text('已比选 2 个方案')", timeout=30_000)
    compared = page.inner_text("#plan-comparison table")
    assert "10,000" in compared and "22,800" in compared  # floor areas: 40 m × 25 m × 10 floors; B by hand too
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    page.set_input_files("#plan-upload input[type=file]", str(broken))
    page.wait_for_selector("#plan-scheme-msg:has-text('方案文件不是 JSON')")
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"site": SITE, "pad": "x" * 800_000}), encoding="utf-8")
    page.set_input_files("#plan-upload input[type=file]", str(huge))
    page.wait_for_selector("#plan-scheme-msg:has-text('文件超过 700 KB')")

    page.click("#plan-mode label:has-text('策划生成')")
    page.fill("#plan-screen-name", "海淀学院路住宅项目")
    page.fill("#plan-screen-area", "90000")
    page.click("#plan-screen")
    page.wait_for_selector("#plan-screen-msg:has-text('已预审')", timeout=30_000)
    page.wait_for_selector("#plan-screening-detail .checks")
    detail = page.inner_text("#plan-screening-detail")
    assert "生态保护红线内" in detail and "市规划自然资源委海淀分局" in detail
    asked = page.locator("#plan-screening-detail .requests li").count()
    assert asked >= 1
    page.click("#plan-answer label:has-text('有条件同意')")
    page.fill("#plan-answer-text", "限高 45 米，配建幼儿园")
    page.click("#plan-answer-send")
    page.wait_for_selector("#plan-screening-detail:has-text('限高 45 米')")
    for _ in range(asked - 1):
        page.click("#plan-answer label:has-text('同意') >> nth=0")
        answered = page.locator("#plan-screening-detail .requests li:has-text('待回复')").count()
        page.click("#plan-answer-send")
        wait_js(
            page,
            "n => document.querySelectorAll('#plan-screening-detail .requests li').length && "
            "[...document.querySelectorAll('#plan-screening-detail .requests li')]"
            ".filter(li => li.innerText.includes('待回复')).length < n",
            answered,
        )
    page.wait_for_selector("#plan-screening-detail .kv:has-text('结论'):has-text('有条件同意')")
    page.screenshot(path=str(SHOTS / "planning-screening.png"))
    close(context, watch)
    assert watch.problems == []

    context, page, watch = open_page(browser, served, "/planning", width=1600, height=900, role="leader")
    page.wait_for_selector("#plan-list .case-item")
    page.click("#plan-mode label:has-text('策划生成')")
    assert page.locator("#plan-screen").is_hidden() and page.locator("#plan-answer-send").is_hidden()
    page.click("#plan-screenings .case-item:has-text('海淀学院路住宅项目')")
    page.wait_for_selector("#plan-screening-detail:has-text('限高 45 米')")
    close(context, watch)
    assert watch.problems == []
