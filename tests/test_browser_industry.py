"""The industry page in Chromium: a leader reads the economy and drills from the city into a district on the map,
reads an indicator's forecast beside the naive forecasts' back-test, opens a chain's gaps, a gap node's
recommended companies with their reasons, tracks one as a lead and moves it on; the zombie list with its
evidence: an analyst starts a review (a note is required), a leader confirms; a duty officer sees no controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.browser import close, open_page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def test_a_leader_reads_the_economy_a_chain_and_tracks_a_target(browser, served):
    context, page, watch = open_page(browser, served, "/industry", width=1920, height=1080, role="leader")
    page.wait_for_selector("#ind-kpis .kpi")
    assert "社会消费品零售总额" in page.inner_text("#ind-kpis")
    page.wait_for_selector("#ind-backtest tr:has-text('朴素（上月值）')")
    backtest = page.inner_text("#ind-backtest")
    assert "季节 ARIMA" in backtest and "带漂移随机游走" in backtest and "动态因子" in backtest
    page.wait_for_selector("#ind-forecast .scatterlayer .trace")
    page.wait_for_selector("#ind-listed tr:has-text('银行')")  # real aggregates of the listed companies
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "industry.png"))

    page.click("#ind-district")
    page.click(".dash-dropdown-option:has-text('海淀区')")
    page.wait_for_function("document.querySelector('#ind-kpis').innerText.length > 0")
    page.wait_for_selector("#ind-production .stage-bar")
    page.click("#ind-colour label:has-text('按复产状态')")

    page.click("#ind-view label:has-text('产业链图谱')")
    page.wait_for_selector("#ind-chain-graph .scatterlayer .trace")
    page.click("#ind-chain label:has-text('人工智能')")
    page.wait_for_selector("#ind-targets .case-item:has-text('智能芯片')")
    page.click("#ind-targets .case-item:has-text('智能芯片')")
    page.wait_for_selector("#ind-recs .rec")
    reasons = page.inner_text("#ind-recs")
    assert "主营业务涉及" in reasons and "营收" in reasons
    page.locator("#ind-recs .rec button:visible").first.click()  # one the every-control test has not tracked yet
    page.wait_for_selector("#ind-lead-msg:has-text('线索')")
    page.wait_for_selector("#ind-leads .lead button:has-text('接洽')")
    page.click("#ind-leads .lead button:has-text('接洽')")
    page.wait_for_selector("#ind-leads .lead:has-text('接洽')")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "industry-chain.png"))
    close(context, watch)
    assert watch.problems == []


def test_zombie_flags_are_reviewed_with_evidence(browser, served):
    context, page, watch = open_page(browser, served, "/industry", width=1920, height=1080, role="analyst")
    page.click("#ind-view label:has-text('僵尸企业')")
    page.wait_for_selector("#ind-zombies tr button")
    page.locator("#ind-zombies tr button").first.click()
    page.wait_for_selector("#ind-zombie-detail:has-text('资产负债率')")
    assert "Caballero" in page.inner_text("#ind-zombie-detail")  # what cannot be evaluated is said
    page.click("#ind-zombie-actions button:has-text('开始核查')")
    page.wait_for_selector("#ind-zombie-msg:has-text('请填写核查意见')")
    page.fill("#ind-zombie-note", "调取银行续贷记录")
    page.click("#ind-zombie-actions button:has-text('开始核查')")
    page.wait_for_selector("#ind-zombie-msg:has-text('核查中')")
    page.wait_for_selector("#ind-zombies tr.selected:has-text('核查中')")
    page.wait_for_selector("#ind-zombie-actions button:has-text('认定')", state="attached")
    assert page.locator("#ind-zombie-actions button:has-text('认定')").is_hidden()  # a leader decides
    name = page.inner_text("#ind-zombies tr.selected button")
    page.screenshot(path=str(SHOTS / "industry-zombies.png"))
    close(context, watch)
    assert watch.problems == []

    context, page, watch = open_page(browser, served, "/industry", width=1920, height=1080, role="leader", lang="en")
    page.click("#ind-view label:has-text('Zombie firms')")
    page.click(f"#ind-zombies tr button:has-text('{name}')")
    page.wait_for_selector("#ind-zombie-actions button:has-text('Confirm')")
    page.fill("#ind-zombie-note", "losses confirmed with the bank's roll-over records")
    page.click("#ind-zombie-actions button:has-text('Confirm')")
    page.wait_for_selector("#ind-zombies tr.selected:has-text('Confirmed')")
    page.wait_for_selector("#ind-zombie-actions button:has-text('Appeal')", state="attached")
    assert page.locator("#ind-zombie-actions button:has-text('Appeal')").is_hidden()  # an analyst records appeals
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "industry-en.png"))
    close(context, watch)
    assert watch.problems == []


def test_a_duty_officer_reads_but_changes_nothing(browser, served):
    context, page, watch = open_page(browser, served, "/industry", role="duty_officer")
    page.click("#ind-targets .case-item >> nth=0")
    page.wait_for_selector("#ind-recs .rec")
    assert page.locator("#ind-recs .rec button").first.is_hidden()
    close(context, watch)
    assert watch.problems == []
