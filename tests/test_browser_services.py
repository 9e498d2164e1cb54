"""The services page in Chromium: a duty officer takes a call in, sees it routed and placed, contacts the
caller, handles it and closes it with the callback; the KPIs and the ranking update; a hotspot becomes an
operations case; an item is completed with a signed e-licence that verifies; an admin reweights the
assessment and downloads the monthly report; a leader reads but has no handling controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.browser import close, open_page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
CALL = "我叫李四，电话13912345678。中关村大街人行道上的井盖破损，晚上很危险，请尽快修复"


def test_a_duty_officer_takes_a_ticket_from_call_to_callback(browser, served):
    context, page, watch = open_page(browser, served, "/services", width=1920, height=1080, role="duty_officer")
    page.wait_for_selector("#sv-kpis .kpi")
    before = page.inner_text("#sv-kpis")
    page.fill("#sv-text", CALL)
    page.fill("#sv-address", "中关村大街")
    page.click("#sv-submit")
    page.wait_for_selector("#sv-intake-msg:has-text('已受理')", timeout=30_000)
    assert "智能分拨" in page.inner_text("#sv-intake-msg")
    page.wait_for_selector("#sv-detail h3")
    shown = page.inner_text("#sv-detail")
    assert "13912345678" not in shown and "139****5678" in shown and "李*" in shown  # masked
    if page.locator("#sv-actions button:has-text('分拨')").count():  # the router was unsure: a person routes
        page.click("#sv-category")
        page.click(".dash-dropdown-option:has-text('城乡建设')")
        page.click("#sv-actions button:has-text('分拨')")
        page.wait_for_selector("#sv-msg:has-text('已派单')")
    page.click("#sv-actions button:has-text('联系诉求人')")
    page.wait_for_selector("#sv-msg:has-text('已联系')")
    page.click("#sv-actions button:has-text('办结')")
    page.wait_for_selector("#sv-msg:has-text('已办结')")
    page.click("#sv-actions button:has-text('回访结案')")
    page.wait_for_selector("#sv-msg:has-text('回访须选择')")  # the callback needs the caller's verdict
    page.click("#sv-resolved label:has-text('已解决')")
    page.click("#sv-satisfaction label:has-text('满意') >> nth=0")
    page.click("#sv-actions button:has-text('回访结案')")
    page.wait_for_selector("#sv-msg:has-text('已回访结案')")
    page.wait_for_function(
        "before => document.querySelector('#sv-kpis').innerText !== before", arg=before, timeout=10_000
    )
    page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / "services.png"))

    page.click("#sv-view label:has-text('热点与未诉先办')")
    page.wait_for_selector("#sv-hotspots .rec button")
    page.locator("#sv-hotspots .rec button").first.click()
    page.wait_for_selector("#sv-hot-msg:has-text('已立案')")

    page.click("#sv-item")
    page.locator(".dash-dropdown-option").first.click()
    page.fill("#sv-holder", "北京华创科技有限公司")
    page.click("#sv-issue")
    page.wait_for_selector("#sv-licence img")
    page.click("#sv-verify")
    page.wait_for_selector("#sv-licence:has-text('核验通过')")
    page.screenshot(path=str(SHOTS / "services-hotspots.png"))
    close(context, watch)
    assert watch.problems == []


def test_an_admin_reweights_and_downloads_the_monthly_report(browser, served, tmp_path):
    context, page, watch = open_page(browser, served, "/services", width=1920, height=1080, role="admin", lang="en")
    page.click("#sv-view label:has-text('Assessment')")
    page.wait_for_selector("#sv-ranking tr td")
    page.fill("#sv-w-response", "0.2")
    page.fill("#sv-w-resolution", "0.4")
    page.fill("#sv-w-satisfaction", "0.4")
    page.click("#sv-w-save")
    page.wait_for_selector("#sv-w-msg:has-text('Weights saved')")
    page.wait_for_selector("#sv-ranking:has-text('response × 20%')")
    with page.expect_download() as caught:
        page.click("#sv-report")
    saved = tmp_path / caught.value.suggested_filename
    caught.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.screenshot(path=str(SHOTS / "services-en.png"))
    close(context, watch)
    assert watch.problems == []


def test_a_leader_reads_the_queue_without_handling_controls(browser, served):
    context, page, watch = open_page(browser, served, "/services", role="leader")
    page.locator("#sv-queue .case-item").first.click()
    page.wait_for_selector("#sv-detail h3")
    assert page.locator("#sv-submit").is_hidden()
    assert page.locator("#sv-actions button").count() == 0 or page.locator("#sv-actions button").first.is_hidden()
    close(context, watch)
    assert watch.problems == []
