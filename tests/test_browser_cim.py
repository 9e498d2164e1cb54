"""The CIM platform in a real browser: the 3D scene draws (WebGL in headless Chromium), a leader tilts and
turns it, switches scene presets, compares by swipe and side by side, clicks a building and reads its object
card, picks a place and runs every spatial tool, and exports the result as GeoJSON and CSV; an analyst runs
coverage without the export buttons. Screenshots go to screenshots/ (looked at: a blank canvas is a failure)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fixtures.browser import close, open_page, wait_js
from shapely.geometry import Point, shape
from sqlalchemy import text

from cockpit.services.cim import model_compare
from data_access.db import transaction

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
READY = "() => !!document.querySelector('#cim-view[data-ready=\"1\"]') && window.cockpitCim.stats().frames > 1"


def _residential(url: str) -> tuple[int, float, float]:
    """The first block of flats the generator put utility meters in."""
    with transaction(url) as session:
        rows = session.execute(
            text("SELECT id, geometry FROM base_feature WHERE layer = 'building' AND kind = 'apartments' ORDER BY id")
        ).all()
        placed = session.execute(text("SELECT lon, lat FROM device WHERE type = 'water_meter'"))
        meters = [Point(x, y) for x, y in placed]
    row = next(r for r in rows if any(shape(json.loads(r.geometry)).contains(m) for m in meters))
    ring = json.loads(row.geometry)["coordinates"][0]
    lon = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    return row.id, lon, lat


def _click_at(page, lon: float, lat: float, z: float, shown: str) -> None:
    """Centre the camera on the place and click it until `shown` appears (a click during a redraw is lost)."""
    page.evaluate("([lon, lat]) => window.cockpitCim.focus(lon, lat, 17.5)", [lon, lat])
    for _ in range(4):
        page.wait_for_timeout(800)
        x, y, _depth = page.evaluate("([lon, lat, z]) => window.cockpitCim.screenOf(lon, lat, z)", [lon, lat, z])
        box = page.locator("#cim-view").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        try:
            page.wait_for_selector(shown, timeout=5000)
            return
        except Exception:
            continue
    page.wait_for_selector(shown, timeout=5000)


def _slide(page, minutes: int) -> None:
    """Move the time slider by its number box, as a keyboard user would."""
    page.fill("#cim-time input[type=number]", str(minutes))
    page.locator("#cim-time input[type=number]").blur()  # the box sets the slider when it loses focus
    wait_js(page, "m => window.cockpitCim.stats().spec === m", minutes, timeout=30)


def _canvas_has_drawing(page) -> bool:
    """More than a few colours in the 3D canvas: something was drawn, not a blank clear colour."""
    return page.evaluate(
        """() => {
        const source = document.querySelector('#cim-view canvas');
        const copy = document.createElement('canvas');
        copy.width = 200; copy.height = 120;
        copy.getContext('2d').drawImage(source, 0, 0, 200, 120);
        const pixels = copy.getContext('2d').getImageData(0, 0, 200, 120).data;
        const seen = new Set();
        for (let i = 0; i < pixels.length; i += 16) {
            seen.add((pixels[i] >> 4) << 8 | (pixels[i + 1] >> 4) << 4 | pixels[i + 2] >> 4);
        }
        return seen.size > 12;
    }"""
    )


def test_a_leader_turns_the_scene_compares_reads_a_building_and_runs_the_tools(browser, served, city_url):
    building_id, lon, lat = _residential(city_url)
    context, page, watch = open_page(browser, served, "/platform/cim", width=1920, height=1080, role="leader")
    wait_js(page, READY, timeout=60)
    page.wait_for_timeout(1500)
    page.evaluate("() => window.cockpitCim.render && new Promise(r => requestAnimationFrame(r))")
    page.screenshot(path=str(SHOTS / "cim-scene.png"))
    for button in ("#cim-tilt", "#cim-left", "#cim-right", "#cim-reset"):
        before = page.evaluate("() => JSON.stringify(window.cockpitCim.stats().viewState)")
        page.click(button)
        wait_js(page, "b => JSON.stringify(window.cockpitCim.stats().viewState) !== b", before, timeout=30)
    for scene in ("规划场景", "应急场景"):
        page.click(f"#cim-scene label:has-text('{scene}')")
        wait_js(page, READY, timeout=30)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "cim-emergency-scene.png"))
    for mode, shot in (("卷帘", "cim-swipe.png"), ("多屏", "cim-split.png")):
        page.click(f"#cim-compare label:has-text('{mode}')")
        wait_js(page, "() => !!document.querySelector('#cim-view-b canvas')", timeout=30)
        wait_js(page, READY, timeout=30)
        page.wait_for_timeout(1200)
        page.screenshot(path=str(SHOTS / shot))
    page.click("#cim-compare label:has-text('不对比')")
    wait_js(page, "() => !document.querySelector('#cim-view-b canvas')", timeout=30)
    assert _canvas_has_drawing(page)
    census = next(s["key"] for s in model_compare.sources(city_url) if "建筑普查" in (s["title"] or ""))
    page.evaluate("v => window.dash_clientside.set_props('cim-model-right', {value: v})", census)  # other tests
    page.click("#cim-model-run")  # the OpenStreetMap buildings against the 2026 census (import datasets too)
    wait_js(
        page, "() => (document.querySelector('#cim-model-counts') || {}).innerText?.includes('新增 15')", timeout=30
    )
    wait_js(page, READY, timeout=30)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "cim-model-comparison.png"))

    _click_at(page, lon, lat, 10, "#cim-building-card")
    card = page.inner_text("#cim-building-card")
    assert "标准地址" in card and "北京市海淀区" in card and "社区" in card and "人口与住房" in card
    assert "物联设备" in card and "数据打架" in card and "生成" in card
    assert "水电气表（3）" in card and "智能燃气表" in card
    page.screenshot(path=str(SHOTS / "cim-building-card.png"))

    page.evaluate("() => window.cockpitCim.budget(300)")  # a weak wall computer: fewer buildings than the city has
    page.evaluate("([lon, lat]) => window.cockpitCim.focus(lon, lat, 14)", [lon, lat])
    wait_js(page, "() => window.cockpitCim.stats().levels['a:building'] === 1", timeout=10)  # 400 m blocks
    page.wait_for_timeout(1000)
    assert _canvas_has_drawing(page)
    page.screenshot(path=str(SHOTS / "cim-blocks.png"))
    x, y, _depth = page.evaluate("([lon, lat]) => window.cockpitCim.screenOf(lon, lat, 20)", [lon, lat])
    box = page.locator("#cim-view").bounding_box()
    for _ in range(4):  # the block's face, above the meters: it drills down (a click during a redraw is lost)
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(1500)
        if page.evaluate("() => window.cockpitCim.stats().viewState.zoom >= 15.5"):
            break
    assert page.evaluate("() => window.cockpitCim.stats().viewState.zoom >= 15.5")
    page.evaluate("() => window.cockpitCim.budget(12000)")
    wait_js(page, "() => window.cockpitCim.stats().levels['a:building'] === 3", timeout=10)  # footprints

    page.click("#cim-tabs .tab:has-text('空间分析')")
    _click_at(page, lon + 0.0006, lat + 0.0006, 0, "#cim-place:has-text('·')")
    for tool, expect in (
        ("等时圈", "km²"),
        ("缓冲区", "找到"),
        ("最近", "找到"),
        ("网格内", "找到"),
        ("服务覆盖", "分钟内可达"),
    ):
        page.click(f"#cim-op label:has-text('{tool}')")
        page.click("#cim-run")
        wait_js(page, "e => document.querySelector('#cim-result-summary').innerText.includes(e)", expect, timeout=20)
        if tool == "等时圈":
            page.wait_for_timeout(1200)
            page.screenshot(path=str(SHOTS / "cim-isochrone.png"))
            with page.expect_download() as caught:
                page.click("#cim-export-geojson")
            exported = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))
            assert exported["type"] == "FeatureCollection" and exported["features"][0]["properties"]["estimate"]
            with page.expect_download() as caught:
                page.click("#cim-export-csv")
            rows = list(csv.DictReader(io.StringIO(Path(caught.value.path()).read_text(encoding="utf-8-sig"))))
            assert {"minutes", "area_km2", "wkt"} <= set(rows[0]) and rows[0]["wkt"].startswith(("POLYGON", "MULTI"))
    page.screenshot(path=str(SHOTS / "cim-coverage.png"))
    close(context, watch)
    assert watch.problems == [], watch.problems
    assert building_id > 0


def test_an_analyst_runs_coverage_without_exports_and_english_reads_english(browser, served):
    context, page, watch = open_page(browser, served, "/platform/cim", role="analyst")
    wait_js(page, READY, timeout=60)
    assert not page.is_visible("#cim-export-csv")
    page.click("#cim-tabs .tab:has-text('空间分析')")
    page.click("#cim-op label:has-text('服务覆盖')")
    page.click("#cim-run")
    wait_js(page, "() => document.querySelector('#cim-result-summary').innerText.includes('分钟内可达')", timeout=20)
    page.click("#cim-op label:has-text('等时圈')")
    page.click("#cim-run")  # no place picked yet: told to pick one
    wait_js(page, "() => document.querySelector('#cim-result-summary').innerText.includes('点击地面')", timeout=20)
    page.goto(served + "/lang/en")
    page.goto(served + "/platform/cim")
    wait_js(page, READY, timeout=60)
    assert "Layer registry" in page.inner_text(".page-cim") and "Buildings (objects)" in page.inner_text(".page-cim")
    page.screenshot(path=str(SHOTS / "cim-english.png"))
    page.goto(served + "/lang/zh")
    close(context, watch)
    assert watch.problems == [], watch.problems


def test_a_duty_officer_runs_a_flood_and_an_evacuation_on_the_time_slider(browser, served, city_url):
    _, lon, lat = _residential(city_url)
    context, page, watch = open_page(browser, served, "/platform/cim", width=1920, height=1080, role="duty_officer")
    wait_js(page, READY, timeout=60)
    page.click("#cim-scene label:has-text('应急场景')")
    wait_js(page, READY, timeout=30)
    page.click("#cim-tabs .tab:has-text('模拟推演')")
    page.click("#cim-sim-run")
    page.wait_for_selector("#cim-sim-result", timeout=90_000)
    result = page.inner_text("#cim-sim-status")
    assert "年一遇设计暴雨" in result and "3 小时" in result and "估算" in result
    wait_js(page, "() => document.querySelectorAll('#cim-view canvas').length > 0 && window.cockpitCim.stats().ready")
    _slide(page, 240)
    wait_js(page, READY, timeout=30)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "cim-flood.png"))
    _slide(page, -120)  # the devices as they stood two hours ago
    wait_js(page, READY, timeout=30)
    _click_at(page, lon + 0.0006, lat + 0.0006, 0, "#cim-sim-place:has-text('·')")
    page.click("#cim-sim-kind label:has-text('人员疏散')")
    page.click("#cim-sim-run")
    try:
        wait_js(page, "() => document.querySelector('#cim-sim-status').innerText.includes('全部疏散')", timeout=90)
    except AssertionError:
        raise AssertionError(page.inner_text("#cim-sim-status") + " | " + page.inner_text("#cim-sim-place")) from None
    assert "避难场所" in page.inner_text("#cim-sim-status") and "瓶颈路段" in page.inner_text("#cim-sim-status")
    wait_js(page, READY, timeout=30)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "cim-evacuation.png"))
    close(context, watch)
    assert watch.problems == [], watch.problems
