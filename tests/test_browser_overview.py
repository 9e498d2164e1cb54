"""A leader drills down on the overview in Chromium: ranking → district → street, back by the breadcrumbs,
a click on the map, and the period picker."""

from __future__ import annotations

import pytest
from fixtures.browser import close, open_page, pick_until, wait_for_overview

pytestmark = pytest.mark.browser


def test_leader_drills_down_and_back(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/", role="leader")
    wait_for_overview(page)
    pick_until(page, "#overview-ranking button:has-text('海淀区')", "#overview-crumbs .here:has-text('海淀区')")
    page.wait_for_selector("#overview-ranking button:has-text('中关村街道')")
    assert page.locator("#overview-ranking tbody tr").count() == 29
    page.wait_for_timeout(1500)  # the map flies to the district
    page.screenshot(path=screenshots / "overview_drill_district.png")
    pick_until(page, "#overview-ranking button:has-text('清华园街道')", "#overview-crumbs .here:has-text('清华园街道')")
    page.wait_for_selector("#overview-ranking button:has-text('110108014001')")
    page.click("#overview-period label:has-text('近 7 天')")
    page.wait_for_selector("#overview-trends .panel")
    page.click("#overview-period label:has-text('自定义')")
    page.wait_for_selector("#overview-dates", state="visible")
    page.keyboard.press("Escape")  # the date picker may hold an open calendar over the page
    pick_until(page, "#overview-crumbs button:has-text('海淀区')", "#overview-crumbs .here:has-text('海淀区')")
    pick_until(page, "#overview-crumbs button:has-text('北京市')", "#overview-ranking button:has-text('朝阳区')")
    close(context, watch)
    assert watch.problems == []


def test_a_shared_drill_down_address_opens_there(browser, served):
    context, page, watch = open_page(browser, served, "/?level=street&code=110108011", role="leader")
    page.wait_for_selector("#overview-crumbs .here:has-text('中关村街道')")
    close(context, watch)
    assert watch.problems == []
