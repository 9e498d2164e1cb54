"""The duty officer's alarm queue in Chromium: a grave alarm sounds and shows a notice, the queue filters,
sorts and searches, a click on the alarm's device opens it and centres the map, bulk acknowledgement asks
first, and the overview's alarm links to its device."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from fixtures.browser import close, open_page, wait_js

from cockpit.services.iot import ingestion

pytestmark = pytest.mark.browser


def pm25(url: str, station: str, seq: int, value: float) -> None:
    ts = datetime.now(UTC).replace(tzinfo=None)
    body = {"ts": ts.isoformat() + "Z", "seq": seq, "values": {"pm25": value, "pm10": 60}}
    ingestion.ingest_mqtt(url, [(f"city/iot/{station}/telemetry", orjson.dumps(body))])


def test_grave_alarm_notice_filters_and_bulk_acknowledge(browser, served, city_url, screenshots):
    context, page, watch = open_page(browser, served, "/platform/iot", role="duty_officer")
    page.wait_for_selector("#iot-alarms")
    wait_js(page, "() => window.cockpitLastAlarmFeed !== undefined")
    pm25(city_url, "dongsi_aq", 900_001, 320)  # over 250: severity 1 (紧急)
    page.wait_for_selector("#alarm-notice.sev-1:has-text('新的紧急告警')", timeout=5000)
    assert page.evaluate("window.cockpitAlerts") >= 1
    page.screenshot(path=screenshots / "iot_alarm_notice.png")
    page.click("#alarm-mute")
    assert page.evaluate("localStorage.getItem('cockpitMute')") == "1"
    page.click("#alarm-mute")

    page.fill("#iot-alarm-text", "东四")
    wait_js(
        page, "() => [...document.querySelectorAll('#iot-alarms .alarm-item')].every(e => e.innerText.includes('东四'))"
    )
    page.wait_for_selector("#iot-alarms .alarm-item:has-text('PM2.5 严重污染')")
    page.click("#iot-alarm-severity label:has-text('提示')")  # only 提示 (4): the 紧急 alarm leaves the list
    page.wait_for_selector("#iot-alarms .alarm-item:has-text('PM2.5 严重污染')", state="detached")
    page.click("#iot-alarm-severity label:has-text('提示')")
    page.click("#iot-alarm-sort label:has-text('最新优先')")
    page.wait_for_selector("#iot-alarms .alarm-item:has-text('东四')")

    scale = page.inner_text("#iot-map .leaflet-control-scale")
    page.click("#iot-alarms .alarm-item:has-text('PM2.5 严重污染') .alarm-device")
    page.wait_for_selector("#iot-device .device-head:has-text('dongsi_aq')")
    wait_js(  # the map flew to the device: its scale changed
        page, "s => document.querySelector('#iot-map .leaflet-control-scale').innerText !== s", scale
    )

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#iot-alarm-ack-all button")
    page.wait_for_selector("#iot-alarm-msg:has-text('已确认')")
    page.wait_for_selector("#iot-alarms .alarm-item:has-text('PM2.5 严重污染'):has-text('已确认')")
    page.screenshot(path=screenshots / "iot_alarm_queue.png")
    close(context, watch)
    assert watch.problems == []


def test_overview_alarm_links_to_its_device(browser, served, city_url):
    pm25(city_url, "tiantan_aq", 900_101, 300)
    context, page, watch = open_page(browser, served, "/", role="leader")
    page.wait_for_selector("#overview-alarms .alarm-device:has-text('天坛')")
    page.click("#overview-alarms .alarm-device:has-text('天坛')")
    page.wait_for_selector("#iot-device .device-head:has-text('tiantan_aq')")
    close(context, watch)
    assert watch.problems == []
