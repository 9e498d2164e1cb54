"""Every route in real headless Chromium: no console error, no failed request, nothing from another origin."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.browser import Watch, close, open_page, pick_until, wait_for_overview, wait_js
from fixtures.helpers import role_for

from cockpit.actor import Actor
from cockpit.services.support import audit, throttle
from pages import NOT_FOUND, PAGES

pytestmark = pytest.mark.browser

ROUTES = {page.name: page.path for page in PAGES} | {"not_found": "/no-such-page"}
READY = {page.name: page.ready for page in PAGES} | {"not_found": ".not-found"}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_renders_clean(browser, served, screenshots, name):
    role = role_for(ROUTES[name]) if name != "not_found" else "admin"
    context, page, watch = open_page(browser, served, ROUTES[name], role=role)
    if name == "overview":
        wait_for_overview(page)
    else:
        page.wait_for_selector(READY[name])
    page.wait_for_function("document.fonts.status === 'loaded'")
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / f"{name}.png")
    close(context, watch)
    assert watch.problems == []


def test_overview_draws_real_city_in_cockpit_font(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/")
    wait_for_overview(page)
    assert page.inner_text("h1") == "城市大脑管理驾驶舱"
    assert page.locator("#overview-air .air-station").count() == 12
    assert "显示历史时刻" in page.inner_text("#overview-air")
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    assert page.evaluate("document.fonts.check('16px \"Cockpit Sans\"', '城市大脑')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Cockpit Sans') && f.status === 'loaded').length"
    )
    assert loaded >= 1
    scale_city = page.inner_text(".leaflet-control-scale")
    page.click("#overview-view-detail")
    page.wait_for_function(
        "s => document.querySelector('.leaflet-control-scale').innerText !== s", arg=scale_city, timeout=10_000
    )
    page.wait_for_timeout(3000)  # let flyToBounds finish before the picture
    page.screenshot(path=screenshots / "overview_detail_zone.png")
    close(context, watch)
    assert watch.problems == []


def test_language_switch_to_english_and_back(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/")
    wait_for_overview(page)
    page.click("#lang-switch")
    page.wait_for_selector("text=City Brain Cockpit")
    wait_for_overview(page)
    assert "Air quality" in page.inner_text("body")
    page.screenshot(path=screenshots / "overview_en.png")
    page.click("#lang-switch")
    page.wait_for_selector("text=城市大脑管理驾驶舱")
    close(context, watch)
    assert watch.problems == []


def test_video_wall_4k_fits_without_scrolling(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/", width=3840, height=2160)
    wait_for_overview(page)
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "overview_wall_4k.png")
    overflow = page.evaluate("document.documentElement.scrollHeight - window.innerHeight")
    close(context, watch)
    assert overflow <= 0
    assert watch.problems == []


def test_not_found_page_is_ours(browser, served):
    context, page, _ = open_page(browser, served, "/no-such-page")
    page.wait_for_selector(".not-found")
    assert "页面不存在" in page.inner_text(".not-found")
    assert NOT_FOUND.PATH == "/404"
    context.close()


def test_sign_in_page_renders_clean(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/", role=None)
    page.wait_for_selector("#username")
    assert page.url.endswith("/login?next=/")
    page.screenshot(path=screenshots / "login.png")
    close(context, watch)
    assert watch.problems == []


def test_leader_sees_no_admin_navigation_and_gets_a_notice(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/", role="leader")
    wait_for_overview(page)
    assert page.locator(".nav-link").all_inner_texts() == [
        "城市总览",
        "一网统管",
        "公共安全",
        "应急指挥",
        "大数据平台",
        "物联感知平台",
        "信息模型平台",
        "多规合一",
        "项目建设",
        "政务服务",
        "产业发展",
    ]
    context.close()
    context, page, watch = open_page(browser, served, "/platform/support", role="leader")
    page.wait_for_selector(".denied")
    page.screenshot(path=screenshots / "support_denied_for_leader.png")
    close(context, watch)
    assert watch.problems == []


XSS = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


def test_hostile_text_from_a_form_is_shown_as_text(browser, served, city_url, screenshots):
    context, page, _ = open_page(browser, served, "/login", role=None)
    page.fill("#username", XSS)
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_selector(".login-error")
    assert page.input_value("#username") == XSS[:64]
    context.close()
    hostile = Actor("anonymous", None, source_ip="127.0.0.1")  # hostile text that reached the log some other way
    audit.record_alone(city_url, hostile, "test.hostile", XSS, after={"note": XSS})
    context, page, watch = open_page(browser, served, "/platform/support")
    page.wait_for_selector("#audit-table")
    page.fill("#support-action", "login.failed")
    page.keyboard.press("Enter")
    wait_js(page, "!document.querySelector('#audit-table').innerText.includes('test.hostile')")
    assert "name-sha256:" in page.inner_text("#audit-table")  # the unknown name is kept only as a hash
    assert XSS[:20] not in page.inner_text("#audit-table")
    page.fill("#support-action", "test.hostile")
    page.keyboard.press("Enter")
    page.wait_for_selector("#audit-table td:has-text('onerror')")
    assert XSS[:40] in page.inner_text("#audit-table")
    assert page.locator("#audit-table img").count() == 0
    assert page.title() != "pwned"
    page.screenshot(path=screenshots / "support_audit_xss_as_text.png")
    close(context, watch)
    assert watch.problems == []


def test_admin_verifies_chain_and_exports_csv(browser, served, city_url, screenshots):
    for n in range(throttle.LIMITS["account"]):  # a distributed guess at one account raises an alert
        throttle.reserve(city_url, throttle.Attempt("wall-probe", f"10.9.0.{n}", False), Actor("anonymous", None))
    context, page, watch = open_page(browser, served, "/platform/support")
    page.wait_for_selector("#audit-table")
    page.wait_for_selector("#support-alerts .alert-line")
    assert throttle.name_hash("wall-probe") in page.inner_text("#support-alerts")
    page.click("#support-verify")
    page.wait_for_selector("#support-chain:has-text('哈希链完整')")
    with page.expect_download() as download:
        page.click("#support-export")
    path = download.value.path()
    content = Path(path).read_text(encoding="utf-8-sig")
    assert content.startswith("id,ts,actor,role,action")
    assert "login" in content
    page.fill("#support-action", "audit.export")
    page.keyboard.press("Enter")
    page.wait_for_selector("#audit-table td:has-text('导出审计日志')")
    page.screenshot(path=screenshots / "support.png")
    close(context, watch)
    assert watch.problems == []


def test_alarm_from_an_ingested_reading_reaches_an_open_page(browser, served, city_url, screenshots):
    """No reload, no short polling interval: server push brings the alarm to the header and the list."""
    from test_bus import raise_alarm

    context, page, watch = open_page(browser, served, "/platform/iot", role="duty_officer")
    page.wait_for_selector("#iot-alarms")
    page.wait_for_timeout(1500)  # the page's event stream is open
    before = page.evaluate("(window.cockpitLastAlarmFeed || {}).cursor || 0")
    raise_alarm(city_url, "110108-manhole_tilt-00011")
    page.wait_for_selector("#alarm-counter .count", state="visible", timeout=5000)
    page.wait_for_selector("#iot-alarms .alarm-item:has-text('井盖倾斜传感器 00011')", timeout=5000)
    assert page.evaluate("window.cockpitLastAlarmFeed.cursor") > before
    page.click("#iot-alarms .alarm-item:has-text('井盖倾斜传感器 00011') button:has-text('确认')")
    page.wait_for_selector("#iot-alarms .alarm-item:has-text('井盖倾斜传感器 00011'):has-text('已确认')", timeout=5000)
    page.screenshot(path=screenshots / "iot.png")
    close(context, watch)
    assert watch.problems == []


def test_iot_device_drawer_and_remote_control(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/platform/iot", role="duty_officer")
    page.fill("#iot-search", "路灯控制器 00003")  # the list follows the typing; no Enter needed
    page.wait_for_selector("#iot-results button:has-text('路灯控制器 00003')")
    page.click("#iot-results button:has-text('路灯控制器 00003')")
    page.wait_for_selector("#iot-device .device-head:has-text('110108-street_lamp-00003')")
    page.click("#iot-device button:has-text('开灯')")
    page.wait_for_selector("#iot-command-msg:has-text('已下发')")
    page.wait_for_selector("#iot-device .note:has-text('待下发')", timeout=10_000)
    page.screenshot(path=screenshots / "iot_device.png")
    close(context, watch)
    assert watch.problems == []


def test_leader_sees_alarms_but_cannot_act(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/platform/iot", role="leader")
    page.wait_for_selector("#iot-alarms")
    page.wait_for_timeout(1000)
    assert page.locator("#iot-alarms .actions button").count() == 0
    assert not page.locator("#iot-alarm-ack-all button").is_visible()
    close(context, watch)
    assert watch.problems == []


def test_hostile_text_from_ingestion_is_shown_as_text(browser, served, city_url, screenshots):
    from cockpit.services.iot import ingestion

    payload = b'{"ts": "<img src=x onerror=document.title=1>", "seq": 1, "values": {"<script>x</script>": 1}}'
    ingestion.ingest_mqtt(city_url, [("city/iot/110108-noise-00001/telemetry", payload)])
    context, page, watch = open_page(browser, served, "/platform/iot", role="duty_officer")
    page.click("text=隔离区")
    page.wait_for_selector("#iot-quarantine code:has-text('onerror')")
    assert page.locator("#iot-quarantine img").count() == 0
    assert page.locator("#iot-quarantine script").count() == 0
    assert "<img src=x" in page.inner_text("#iot-quarantine")
    page.screenshot(path=screenshots / "iot_quarantine.png")
    close(context, watch)
    assert watch.problems == []


def test_one_click_dispatch_moves_units(browser, served, city_url, screenshots):
    from cockpit.services.emergency import emergency

    emergency.report_incident(
        city_url, Actor("duty", "duty_officer"), "accident", 3, 116.3180, 40.0040, "浏览器测试：路口两车相撞"
    )
    context, page, watch = open_page(browser, served, "/emergency", role="duty_officer")
    pick_until(page, ".incident-item:has-text('浏览器测试')", "#em-detail .card-line")
    page.wait_for_selector("#em-recommend td:has-text('路网')")
    page.click("#em-dispatch-plan")
    page.wait_for_selector("#em-dispatch-msg:has-text('已调度 5 个单位')")
    page.wait_for_selector("#em-detail .unit-lines tr.stage-dispatched, #em-detail .unit-lines tr.stage-en_route")
    assert page.locator("#em-detail .incident-place").inner_text().startswith("海淀区 · ")
    page.wait_for_selector(".incident-item.selected:has-text('处置中')")
    page.wait_for_selector("#em-matches:has-text('已派出')")
    page.wait_for_selector("#em-matches:has-text('涉及辖区：海淀区')")  # PostGIS's intersects on PostgreSQL
    page.screenshot(path=screenshots / "emergency.png")
    page.click("#em-dispatch-plan")
    page.wait_for_selector("#em-dispatch-msg:has-text('调度未执行')")
    close(context, watch)
    assert watch.problems == []


def test_leader_sees_the_emergency_screen_without_dispatch(browser, served):
    context, page, watch = open_page(browser, served, "/emergency", role="leader")
    page.wait_for_selector("#em-detail:not(:empty)")
    assert not page.locator("#em-dispatch-plan").is_visible()
    close(context, watch)
    assert watch.problems == []


def test_response_simulation_runs_with_progress(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/emergency", role="duty_officer")
    page.click("text=响应仿真")
    page.fill("#em-sim-n", "100")
    page.click("#em-sim-run")
    page.wait_for_selector("#em-sim-result:has-text('100 起事件')", timeout=30_000)
    # the bar is drawn by the progress updates, which may land just after the result
    page.wait_for_function("document.querySelector('#em-sim-bar').style.width === '100%'", timeout=10_000)
    page.screenshot(path=screenshots / "emergency_simulation.png")
    close(context, watch)
    assert watch.problems == []


def test_coverage_map_draws(browser, served, screenshots):
    context, page, watch = open_page(browser, served, "/emergency", role="leader")
    page.wait_for_selector("#em-detail:not(:empty)")
    page.click("#em-coverage-toggle input")
    page.wait_for_timeout(2500)
    page.screenshot(path=screenshots / "emergency_coverage.png")
    close(context, watch)
    assert watch.problems == []


def test_a_case_from_camera_event_to_closure(browser, served, city_url, screenshots):
    """Duty officer dispatches and handles; the second demo duty officer verifies and closes."""
    from datetime import UTC, datetime

    import orjson

    from cockpit.services.iot import ingestion

    stamp = datetime.now(UTC).isoformat()
    body = {
        "event_id": "browser-case-1",
        "ts": stamp,
        "type": "street_vendor",
        "confidence": 0.93,
        "lon": 116.3221,
        "lat": 40.0031,
    }
    assert ingestion.ingest_mqtt(city_url, [("city/vision/110108-camera-00004/event", orjson.dumps(body))]).cases_filed

    context, page, watch = open_page(browser, served, "/operations", role="duty_officer")
    item = ".case-item:has-text('无照游商')"
    pick_until(page, item, "#ops-detail .timeline li:has-text('立案')")
    page.click("button:has-text('派遣')")
    page.wait_for_selector("#ops-msg:has-text('已派遣')")
    page.fill("#ops-note", "游商已劝离")
    page.fill("#ops-photo", "IMG-20261124-01")
    page.click("button:has-text('处置完成')")
    page.wait_for_selector("#ops-msg:has-text('已处置')")
    page.click("button:has-text('核查通过')")
    page.wait_for_selector("#ops-msg:has-text('核查人不能是处置人')")
    page.screenshot(path=screenshots / "operations.png")
    close(context, watch)
    assert watch.problems == []

    context = browser.new_context(viewport={"width": 1600, "height": 900})
    page = context.new_page()
    watch = Watch(page, served)
    page.goto(f"{served}/login?next=/operations")
    page.fill("#username", "duty2")
    page.fill("#password", "duty2-demo-2026")
    page.click("button[type=submit]")
    pick_until(page, item, "#ops-detail .timeline li:has-text('已处置')")
    page.click("button:has-text('核查通过')")
    page.wait_for_selector("#ops-msg:has-text('已核查')")
    page.click("button:has-text('结案')")
    page.wait_for_selector("#ops-msg:has-text('已结案')")
    page.click("#ops-filter input[value='all']")
    pick_until(page, item, "#ops-detail .timeline li:has-text('已结案')")
    page.screenshot(path=screenshots / "operations_closed.png")
    close(context, watch)
    assert watch.problems == []
