"""The duty officer's keyboard in Chromium: the shortcut list, search, moving through the alarm queue and
acknowledging, tabs reached and opened by keyboard, and a confirmation before an incident is ended."""

from __future__ import annotations

import pytest
from fixtures.browser import close, open_page, pick_until, wait_js
from test_browser_alarms import pm25

pytestmark = pytest.mark.browser


def test_alarm_queue_by_keyboard(browser, served, city_url):
    context, page, watch = open_page(browser, served, "/platform/iot", role="duty_officer")
    page.wait_for_selector("#iot-alarms")
    pm25(city_url, "gucheng_aq", 910_001, 180)
    page.wait_for_selector("#iot-alarms .alarm-item:has-text('古城')")
    page.keyboard.press("?")
    assert page.is_visible("#shortcut-help")
    page.keyboard.press("Escape")
    assert page.is_hidden("#shortcut-help")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "iot-search"
    page.evaluate("document.activeElement.blur()")
    page.fill("#iot-alarm-text", "古城")
    wait_js(
        page, "() => [...document.querySelectorAll('#iot-alarms .alarm-item')].every(e => e.innerText.includes('古城'))"
    )
    page.evaluate("document.activeElement.blur()")
    fresh = page.locator("#iot-alarms .alarm-item.status-new").count()
    for _ in range(page.locator("#iot-alarms .alarm-item").count()):  # n moves on to a new alarm
        page.keyboard.press("n")
        assert page.evaluate("document.activeElement.classList.contains('alarm-item')")
        if page.evaluate("document.activeElement.classList.contains('status-new')"):
            break
    page.keyboard.press("a")
    wait_js(page, "n => document.querySelectorAll('#iot-alarms .alarm-item.status-new').length === n - 1", fresh)
    close(context, watch)
    assert watch.problems == []


def test_tabs_by_keyboard_and_ending_an_incident_asks_first(browser, served, city_url):
    from cockpit.actor import Actor
    from cockpit.services.emergency import emergency

    row = emergency.report_incident(city_url, Actor("duty", "duty_officer"), "accident", 4, 116.33, 40.0, "键盘测试")
    context, page, watch = open_page(browser, served, "/emergency", role="duty_officer")
    page.wait_for_selector(".tab[tabindex='0']")
    tab = page.locator(".tab[tabindex='0']").nth(1)
    tab.focus()
    page.keyboard.press("Enter")
    wait_js(page, "() => document.activeElement.classList.contains('tab-on')")
    pick_until(page, ".incident-item:has-text('键盘测试')", "#em-detail .incident-place")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#em-close button")
    page.wait_for_timeout(800)
    assert asked and "结束" in asked[0]
    assert next(i for i in emergency.incidents(city_url) if i["id"] == row["id"])["status"] == "open"
    close(context, watch)
    assert watch.problems == []
