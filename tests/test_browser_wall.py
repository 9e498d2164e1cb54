"""The video wall at 3840×2160 in Chromium: each scenario's wall view has no control and nothing to choose,
numbers of at least 48 px and chart labels of at least 24 px, nothing cut off, no scrolling, and an idle
page re-lays itself out less than once a second (Chrome DevTools Protocol's LayoutCount); the wall then
turns to the next scenario by itself."""

from __future__ import annotations

import pytest
from fixtures.browser import close, open_page

from pages import PAGES

pytestmark = pytest.mark.browser
WALL_PAGES = [p for p in PAGES if p.wall is not None]
IDLE_S = 5  # no refresh falls in it either way: the wall redraws every 30 s or on a push


def layout_count(cdp) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "LayoutCount")


@pytest.mark.parametrize("path", [p.path for p in WALL_PAGES])
def test_wall_view_reads_from_five_metres_and_sits_still(browser, served, city_url, screenshots, path):
    from cockpit.actor import Actor
    from cockpit.services.emergency import emergency

    if path == "/emergency":
        emergency.report_incident(city_url, Actor("duty", "duty_officer"), "accident", 2, 116.33, 39.99, "大屏测试")
    context, page, watch = open_page(browser, served, f"{path}?wall=600", width=3840, height=2160, role="leader")
    page.wait_for_selector("#wall-kpis .wall-kpi .value")
    page.wait_for_selector("#wall-chart svg text")
    page.wait_for_function("document.fonts.status === 'loaded'")
    page.wait_for_timeout(1500)
    name = path.strip("/").replace("/", "_") or "overview"
    page.screenshot(path=screenshots / f"wall_{name}_4k.png")

    sizes = page.evaluate(
        "[...document.querySelectorAll('.wall-kpi .value')].map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 48, sizes
    labels = page.evaluate(
        "[...document.querySelectorAll('#wall-chart svg text')].filter(e => e.textContent.trim())"
        ".map(e => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize))"
    )
    assert labels and min(labels) >= 24, labels
    controls = page.evaluate(
        "[...document.querySelectorAll('.shell-main button, .shell-main input, .shell-main select,"
        " .shell-main .leaflet-control-zoom, .shell-main .Select')].filter(e => e.offsetParent !== null).length"
    )
    assert controls == 0
    cut = page.evaluate(
        "[...document.querySelectorAll('.wall-kpi, .wall-highlight, .wall-chart')]"
        ".filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1).length"
    )
    assert cut == 0
    assert page.inner_text("#wall-highlight").strip()
    assert page.evaluate("document.documentElement.scrollHeight - window.innerHeight") <= 0

    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    before = layout_count(cdp)
    page.wait_for_timeout(IDLE_S * 1000)
    per_second = (layout_count(cdp) - before) / IDLE_S
    print(f"{path}: {per_second:.2f} layouts/s idle")
    assert per_second < 1, per_second
    close(context, watch)
    assert watch.problems == []


def test_wall_turns_to_the_next_scenario_by_itself(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/", width=3840, height=2160, role="leader")
    page.goto(f"{served}/wall?every=5")
    page.wait_for_url("**/?wall=5")
    page.wait_for_selector("#wall-kpis .wall-kpi")
    assert page.is_hidden(".shell-nav") and page.is_hidden("#logout")
    page.wait_for_selector("#wall-next:text-is('一网统管')")  # drawn by wall.js once the page has settled
    page.wait_for_url("**/operations?wall=5", timeout=20_000)
    page.wait_for_selector("#wall-kpis .wall-kpi")
    page.wait_for_url("**/safety?wall=5", timeout=20_000)
    page.wait_for_selector("#wall-kpis .wall-kpi")
    page.wait_for_url("**/emergency?wall=5", timeout=20_000)
    close(context, watch)
    assert watch.problems == []
