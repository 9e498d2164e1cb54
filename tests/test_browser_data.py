"""The big-data platform in a real browser: an analyst uploads a GBK CSV through the wizard and follows its
progress to the new dataset, opens every tab, sees it on the map and exports it; a leader searches the
catalog in Chinese and is told, not shown, what is not shared with them. Screenshots go to screenshots/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fixtures.browser import close, open_page, wait_js

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
TABS = ("目录信息", "字段", "预览与地图", "质量", "血缘", "数据打架", "问题行", "使用登记")


def test_an_analyst_imports_through_the_wizard_and_reads_every_tab(browser, served, tmp_path):
    source = tmp_path / "street_lamps.csv"
    rows = "".join(
        f"LD{i:04d},学院路{i}号,116.35{i % 10},39.99{i % 7},{'是' if i % 3 else '否'}\n" for i in range(1, 301)
    )
    source.write_bytes(("编号,位置,经度,纬度,是否LED\n" + rows + "坏行,只有两列\n").encode("gbk"))
    context, page, watch = open_page(browser, served, "/platform/data", role="analyst")
    page.click("#data-side-tabs .tab:has-text('数据导入')")
    page.wait_for_selector("#data-import-file input")
    page.set_input_files("#data-import-file input", str(source))
    page.fill("#data-import-name", "street_lamps")
    page.fill("#data-import-department", "市城市管理委")
    page.fill("#data-import-title", "学院路路灯台账")
    page.select_option("#data-import-frequency", "monthly")
    page.click("#data-import-start")
    page.wait_for_selector("#import-done", timeout=60_000)
    assert "300" in page.inner_text("#import-done") and "1" in page.inner_text("#import-done")
    page.click("#import-done a")
    page.wait_for_selector(".dataset-title:has-text('学院路路灯台账')")
    page.screenshot(path=str(SHOTS / "data-imported-dataset.png"))
    for name in TABS:
        page.click(f"#data-tabs .tab:has-text('{name}')")
        page.wait_for_timeout(600)
        page.screenshot(path=str(SHOTS / f"data-tab-{TABS.index(name)}.png"))
        if name == "字段":
            assert "是否LED" in page.inner_text("#dataset-fields") and "布尔" in page.inner_text("#dataset-fields")
        if name == "问题行":
            assert "has 2 fields" in page.inner_text("#dataset-problems")
        if name == "使用登记":
            assert "page.preview" in page.inner_text("#dataset-usage")
    wait_js(page, "() => document.querySelectorAll('#data-map .leaflet-interactive').length >= 300")
    with page.expect_download() as caught:
        page.click("#data-export")
    exported = list(csv.reader(io.StringIO(Path(caught.value.path()).read_text(encoding="utf-8-sig"))))
    assert exported[0] == ["_id", "编号", "位置", "经度", "纬度", "是否LED"] and len(exported) == 301
    close(context, watch)
    assert watch.problems == []


def test_a_leader_searches_in_chinese_and_is_refused_unshared_records(browser, served):
    context, page, watch = open_page(browser, served, "/platform/data", role="leader")
    page.wait_for_selector("#data-catalog table")
    assert not page.is_visible("#data-side-tabs .tab:has-text('数据导入')")
    page.fill("#data-search", "案件")
    wait_js(page, "() => !document.querySelector('#data-catalog').innerText.includes('医院名录')")  # filtered
    assert "城市管理案件" in page.inner_text("#data-catalog")
    page.click("#data-catalog a:has-text('城市管理案件')")
    page.wait_for_selector(".dataset-title:has-text('城市管理案件')")
    page.click("#data-tabs .tab:has-text('预览与地图')")
    wait_js(page, "() => document.querySelector('#data-tab-body').innerText.includes('有条件共享')")
    page.screenshot(path=str(SHOTS / "data-leader-refused.png"))
    close(context, watch)
    assert watch.problems == []


def test_a_steward_works_the_conflict_queue_and_a_leader_only_reads_it(browser, served):
    context, page, watch = open_page(browser, served, "/platform/data", role="analyst")
    page.click("#data-side-tabs .tab:has-text('数据打架')")
    page.wait_for_selector("#conflict-table")
    assert "待处理" in page.inner_text("#data-conflict-counts")
    page.click("#conflict-table .link-button >> nth=0")
    page.wait_for_selector("#conflict-detail")
    page.screenshot(path=str(SHOTS / "data-conflict.png"))
    page.click("#data-conflict-assign")
    wait_js(page, "() => document.querySelector('#data-conflict-msg').innerText.includes('已交办')")
    page.click("#data-conflict-dismiss")  # no reason given: refused, said why
    wait_js(page, "() => document.querySelector('#data-conflict-msg').innerText.includes('请写明理由')")
    page.fill("#data-conflict-reason", "民政局已按应急管理局名录更正")
    page.click("#data-conflict-right")
    wait_js(page, "() => document.querySelector('#data-conflict-msg').innerText.includes('已裁决')")
    assert "采信" in page.inner_text("#conflict-detail")
    close(context, watch)
    assert watch.problems == []
    context, page, watch = open_page(browser, served, "/platform/data", role="leader")
    page.click("#data-side-tabs .tab:has-text('数据打架')")
    page.wait_for_selector("#conflict-table")
    assert not page.is_visible("#data-conflict-assign")
    close(context, watch)
    assert watch.problems == []


def test_a_leader_applies_and_a_steward_approves_issues_keys_and_sees_departments(browser, served, city_url):
    from data_access import catalog as storage
    from data_access.db import transaction

    with transaction(city_url) as session:
        incidents = storage.dataset_by_name(session, "incidents")["id"]
    context, page, watch = open_page(browser, served, f"/platform/data?dataset={incidents}", role="leader")
    page.wait_for_selector(".dataset-title:has-text('突发事件')")
    page.fill("#data-apply-department", "区应急管理局")
    page.fill("#data-apply-purpose", "汛期突发事件复盘")
    page.click("#data-apply")
    wait_js(page, "() => document.querySelector('#data-apply-msg').innerText.includes('已提交共享申请')")
    close(context, watch)
    assert watch.problems == []
    from cockpit.actor import Actor
    from cockpit.services.data import sharing

    sharing.apply(city_url, Actor("leader", "leader"), incidents, "某咨询公司", "商业分析用途")
    context, page, watch = open_page(browser, served, "/platform/data", role="analyst")
    page.click("#data-side-tabs .tab:has-text('共享申请')")
    page.wait_for_selector("#application-table")
    page.click("#application-table tr:has-text('商业分析用途') button:has-text('驳回')")  # no reason: refused
    wait_js(page, "() => document.querySelector('#data-application-msg').innerText.includes('请写明理由')")
    page.fill("#data-application-reason", "不属于政务共享范围")
    page.click("#application-table tr:has-text('商业分析用途') button:has-text('驳回')")
    wait_js(page, "() => document.querySelector('#data-application-msg').innerText.includes('已驳回')")
    page.click("#application-table tr:has-text('汛期突发事件复盘') button:has-text('批准')")
    wait_js(page, "() => document.querySelector('#data-application-msg').innerText.includes('cbt_')")
    page.fill("#data-key-department", "市交通委")
    page.click("#data-key-issue")
    wait_js(page, "() => document.querySelector('#data-key-msg').innerText.includes('cbt_')")
    page.screenshot(path=str(SHOTS / "data-sharing.png"))
    page.click("#data-side-tabs .tab:has-text('部门质量')")
    page.wait_for_selector("#department-quality")
    assert "市民政局" in page.inner_text("#department-quality")
    page.wait_for_selector(".departments .main-svg")  # the trend chart drawn
    page.screenshot(path=str(SHOTS / "data-departments.png"))
    close(context, watch)
    assert watch.problems == []
