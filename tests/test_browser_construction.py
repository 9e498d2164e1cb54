"""The construction page in Chromium: the portfolio ranked by delay, a late project's Gantt chart and slip
alerts, its schedule exported as MS Project XML by a leader and imported back by an analyst, the baseline
frozen (the slips clear), a broken file refused, and the sunlight analysis drawn on the map."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.browser import close, open_page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def _pick_late(page) -> str:
    """The first project in construction whose critical tasks slip (late first: a finished one has none)."""
    building = page.locator("#con-ranking .case-item:has-text('施工 ·')")
    for n in range(building.count()):
        item = building.nth(n)
        name = item.locator("span").first.inner_text()
        item.click()
        page.wait_for_selector(f"#con-detail h3:has-text('{name}')")
        page.wait_for_selector("#con-gantt .bars path")
        if "关键任务滞后预警" in page.inner_text("#con-slips"):
            return name
    raise AssertionError("no project in construction has slipping critical tasks")


def _open_project(browser, served: str, role: str, name: str):
    context, page, watch = open_page(browser, served, "/construction", width=1920, height=1080, role=role)
    page.wait_for_selector("#con-ranking .case-item")
    page.click(f"#con-ranking .case-item:has-text('{name}')")
    page.wait_for_selector(f"#con-detail h3:has-text('{name}')")
    return context, page, watch


def test_a_leader_exports_and_an_analyst_imports_a_schedule_and_checks_sunlight(browser, served, tmp_path):
    context, page, watch = open_page(browser, served, "/construction", width=1920, height=1080, role="leader")
    page.wait_for_selector("#con-ranking .case-item")
    assert "滞后" in page.locator("#con-ranking .case-item").first.inner_text()  # late first
    name = _pick_late(page)
    assert "视线通廊" in page.inner_text("#con-detail")  # the design checked against the plan's view corridors
    assert page.locator("#con-baseline").is_hidden() and page.locator("#con-upload").is_hidden()
    with page.expect_download() as caught:
        page.click("#con-export")
    exported = tmp_path / caught.value.suggested_filename
    caught.value.save_as(exported)
    assert exported.read_bytes().startswith(b"<?xml") and b"<PredecessorLink>" in exported.read_bytes()
    page.click("#con-day label:has-text('冬至日')")
    page.click("#con-sun-run")
    page.wait_for_selector("#con-sun-result:has-text('冬至日')", timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "construction.png"))
    page.click("#con-view label:has-text('三维施工推演')")  # the schedule drives the building in 3D
    page.wait_for_selector("#con-play-a[data-ready]", timeout=30_000)
    page.wait_for_selector("#con-play-state:has-text('主体')")
    track = page.locator("#con-play-at .dash-slider-track").bounding_box()
    thumb = page.locator("#con-play-at [role=slider]").bounding_box()
    page.mouse.move(thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2)
    page.mouse.down()  # back to the day ground was broken
    page.mouse.move(track["x"] - 20, track["y"] + 2, steps=6)
    page.mouse.up()
    page.wait_for_selector("#con-play-state:has-text('场地与基础施工')")
    page.wait_for_selector("#con-play-state:has-text('主体 0')")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "construction-playback.png"))
    close(context, watch)
    assert watch.problems == []

    context, page, watch = _open_project(browser, served, "analyst", name)
    assert page.locator("#con-export").is_hidden()  # an analyst does not export
    page.set_input_files("#con-upload input[type=file]", str(exported))
    page.wait_for_selector("#con-msg:has-text('已导入 16 项任务')", timeout=30_000)
    broken = tmp_path / "broken.xml"
    broken.write_text("<Project><Tasks><Task>", encoding="utf-8")
    page.set_input_files("#con-upload input[type=file]", str(broken))
    page.wait_for_selector("#con-msg:has-text('不是可用的 MS Project XML 文件')")
    assert "关键任务滞后预警" in page.inner_text("#con-slips")  # the refused file changed nothing
    page.click("#con-baseline")
    page.wait_for_selector("#con-msg:has-text('基线已冻结')")
    page.wait_for_selector("#con-slips:has-text('关键任务均未滞后于基线')")
    page.screenshot(path=str(SHOTS / "construction-baseline.png"))
    close(context, watch)
    assert watch.problems == []


def test_a_leader_reads_a_buildings_monitoring_and_an_analyst_sets_its_design_values(browser, served, tmp_path):
    """The building that settles too much: flagged in the ranking, its points in the warning band with the
    forecast of the day it reaches the control value, the daily report downloaded by a leader; an analyst's
    design values (tighter than the standard's) move its points into the alarm band."""
    context, page, watch = open_page(browser, served, "/construction", width=1920, height=1080, role="leader")
    page.wait_for_selector("#con-ranking .case-item")
    flagged = page.locator("#con-ranking .case-item:has-text('结构监测：预警')")
    assert flagged.count() == 1
    name = flagged.locator("span").first.inner_text()
    flagged.click()
    page.wait_for_selector(f"#con-detail h3:has-text('{name}')")
    page.click("#con-view label:has-text('结构监测')")
    page.wait_for_selector("#con-mon-table td:has-text('CJ01')")
    assert page.locator("#con-mon-table .band-chip:has-text('预警')").count() == 4
    page.wait_for_selector("#con-mon-chart .scatterlayer .trace")
    assert page.locator("#con-mon-chart .scatterlayer .trace").count() == 2  # the readings and the fit
    assert "双曲线拟合" in page.inner_text("#con-mon-assess") and "JGJ 8" in page.inner_text("#con-mon-assess")
    assert page.locator(".mon-design").is_hidden()  # a leader reads; design values are the analyst's
    page.click("#con-mon-sensor")
    page.click(".dash-dropdown-option:has-text('QX01')")
    page.wait_for_selector("#con-mon-chart .annotation-text:has-text('控制')")
    with page.expect_download() as caught:
        page.click("#con-mon-report")
    report = tmp_path / caught.value.suggested_filename
    caught.value.save_as(report)
    assert report.read_bytes().startswith(b"%PDF")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "construction-monitoring.png"))
    close(context, watch)
    assert watch.problems == []

    context, page, watch = _open_project(browser, served, "analyst", name)
    page.click("#con-view label:has-text('结构监测')")
    page.wait_for_selector("#con-mon-table td:has-text('CJ01')")
    assert page.locator("#con-mon-report").is_hidden()  # an analyst does not export
    page.fill("#con-mon-control", "25")
    page.fill("#con-mon-rate", "1.5")
    page.click("#con-mon-save")
    page.wait_for_selector("#con-mon-msg:has-text('已为 4 个沉降观测点设置设计控制值')")
    page.wait_for_selector("#con-mon-table td:has-text('25 / 1.5 (设计值)')")
    assert page.locator("#con-mon-table .band-chip:has-text('报警')").count() >= 3
    page.fill("#con-mon-control", "")
    page.click("#con-mon-save")
    page.wait_for_selector("#con-mon-msg:has-text('请填写累计控制值')")
    page.screenshot(path=str(SHOTS / "construction-monitoring-design.png"))
    close(context, watch)
    assert watch.problems == []
