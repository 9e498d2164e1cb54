"""The field worker's phone (#20), in Chromium at 390 × 844: a task dispatched by the desk is accepted, the
worker goes on scene, uploads a real JPEG and marks it handled; the desk sees the photo and another officer
verifies. A step taken offline is applied once after reconnecting. Bad uploads are refused with a reason."""

from __future__ import annotations

import re
import time

import pytest
import requests
from fixtures.browser import close, open_page, wait_js
from fixtures.servers import ACCOUNTS
from test_field import bomb, dispatched_to, jpeg

from cockpit.actor import Actor
from cockpit.services.operations import field, operations
from cockpit.services.support import users
from data_access import operations as cases
from data_access.db import transaction

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DUTY = Actor("duty", "duty_officer")


def _worker(url: str) -> str:
    return next(name for username, name in users.demo_field_workers(url) if username == ACCOUNTS["field_worker"][0])


def _task(url: str, category: str) -> dict:
    """A fresh case at the demo worker's post, dispatched to them (their older tasks handed back first, so
    they are the nearest free worker)."""
    worker = _worker(url)
    actor = Actor(ACCOUNTS["field_worker"][0], "field_worker")
    for old in field.queue(url, worker, None):
        field.act(url, actor, worker, old["id"], "hand_back", "测试前清空")
    return dispatched_to(url, worker, category, f"browser-field-{category}-{time.time_ns()}")


def _steps(url: str, case_id: int, status: str) -> int:
    with transaction(url) as session:
        return sum(s["status"] == status for s in cases.steps(session, case_id))


def _phone(browser, served, case: dict):
    return open_page(
        browser,
        served,
        "/field",
        role="field_worker",
        geolocation={"longitude": case["lon"], "latitude": case["lat"]},
        permissions=["geolocation"],
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        **PHONE,
    )


def test_a_task_from_the_desk_is_handled_on_the_phone_and_verified_at_the_desk(
    browser, served, city_url, screenshots, tmp_path
):
    case = _task(city_url, "exposed_garbage")
    context, page, watch = _phone(browser, served, case)
    card = f".task-card[data-case='{case['id']}']"
    page.wait_for_selector(card)
    page.screenshot(path=screenshots / "field_phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # one column, no sideways scrolling
    page.click(f"{card} .act-accept")
    page.wait_for_selector(f"{card} .act-on_scene")
    page.click(f"{card} .act-on_scene")
    page.wait_for_selector(f"{card} .act-handle")
    photo = tmp_path / "after.jpg"
    photo.write_bytes(jpeg(case["lon"], case["lat"]))
    page.fill(f"{card} .task-note", "垃圾已清运，现场已清洁")
    page.wait_for_selector(f"{card} .task-photo input", state="attached")
    page.set_input_files(f"{card} .task-photo input", str(photo))
    page.click(f"{card} .act-handle")
    try:
        page.wait_for_selector(card, state="detached", timeout=15000)
    except Exception:
        raise AssertionError(page.inner_text("#field-state") + " | " + "\n".join(watch.problems[:6])) from None
    page.screenshot(path=screenshots / "field_phone_done.png", full_page=True)
    close(context, watch)
    assert watch.problems == [], "\n".join(watch.problems[:6])
    assert operations.detail(city_url, case["id"])["status"] == "handled"

    context, page, watch = open_page(browser, served, "/operations", role="duty_officer", width=1600)
    page.wait_for_selector("#ops-list")
    page.click(f"#ops-list button:has-text('{case['code']}')")
    page.wait_for_selector("#ops-detail .case-photos img")
    wait_js(page, "document.querySelector('#ops-detail .case-photos img').naturalWidth > 0")
    page.screenshot(path=screenshots / "operations_field_photo.png")
    close(context, watch)
    assert watch.problems == []
    verified = operations.transition(city_url, Actor(ACCOUNTS["duty_officer"][0], "duty_officer"), case["id"], "verify")
    assert verified["status"] == "verified"


def test_a_step_taken_offline_is_applied_once_after_reconnecting(browser, served, city_url):
    case = _task(city_url, "piled_materials")  # another kind: it must not join the first task's case
    context, page, watch = _phone(browser, served, case)
    card = f".task-card[data-case='{case['id']}']"
    page.wait_for_selector(card)
    context.set_offline(True)
    page.click(f"{card} .act-accept")
    page.wait_for_selector("#field-state:has-text('待发送')")
    time.sleep(1.5)
    assert _steps(city_url, case["id"], "accepted") == 0
    context.set_offline(False)
    page.wait_for_selector(f"{card} .act-on_scene", timeout=20000)
    page.reload()
    page.wait_for_selector(card)
    time.sleep(2)
    assert _steps(city_url, case["id"], "accepted") == 1
    page.click(f"{card} .act-en_route")  # the rest of a worker's buttons, online again
    # "en route" applied: its button goes and the others move left. Waiting for the help button alone (there
    # since "accepted") let the click land where help was a moment before, on "hand back" after the redraw.
    page.wait_for_selector(f"{card} .act-en_route", state="detached", timeout=20000)
    page.fill(f"{card} .task-note", "需要增援")
    page.click(f"{card} .act-help")
    page.wait_for_selector(f"{card} .act-handle", timeout=60000)  # after asking for help: handled or hand back
    assert _steps(city_url, case["id"], "help") == 1
    page.fill(f"{card} .task-note", "需市政部门处理")
    page.click(f"{card} .act-hand_back")
    page.wait_for_selector(card, state="detached", timeout=15000)
    assert operations.detail(city_url, case["id"])["status"] == "filed"
    page.click("#field-locate")
    page.wait_for_selector("#field-state:has-text('定位')")
    watch.closing = True  # requests failed on purpose while offline
    context.close()


def _session(served: str) -> requests.Session:
    web = requests.Session()
    form = web.get(served + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    username, password = ACCOUNTS["field_worker"]
    web.post(served + "/login", data={"username": username, "password": password, "csrf_token": token})
    web.headers["X-CSRFToken"] = web.cookies["_csrf_token"]
    return web


@pytest.mark.parametrize(
    ("name", "body", "status", "message"),
    [
        ("invoice.jpg", b"%PDF-1.4 this is a document", 400, "not a usable photo"),
        ("huge.jpg", b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024), 413, "larger than 12 MB"),
        ("bomb.png", None, 400, "too many pixels"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(served, name, body, status, message):
    web = _session(served)
    answer = web.post(served + "/field/api/photos", files={"photo": (name, body or bomb(), "image/jpeg")})
    assert answer.status_code == status and message in answer.json()["error"]
    assert answer.json()["message"]  # said in the worker's language too


def test_a_crew_reports_its_stages_from_the_phone(browser, served, city_url, screenshots):
    from cockpit.services.emergency import crew, emergency

    unit = crew.demo_unit(city_url)
    for old in crew.assignments(city_url, unit):  # a dispatch left by another test: bring the unit home
        for stage in crew.STAGES[crew.STAGES.index(old["next"][0]) :]:
            crew.report(city_url, Actor("crew", "field_worker"), unit, old["id"], stage, None)
    incident = emergency.report_incident(city_url, DUTY, "public_health", 3, 116.3205, 39.9995, "浏览器测试：急救")
    with transaction(city_url) as session:
        from data_access import emergency as store

        unit_id = next(r["id"] for r in store.resources(session) if r["name"] == unit)
    emergency.dispatch(city_url, DUTY, incident["id"], [unit_id])
    context, page, watch = open_page(
        browser,
        served,
        "/field",
        role="crew",
        geolocation={"longitude": 116.3205, "latitude": 39.9995},
        permissions=["geolocation"],
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        **PHONE,
    )
    page.wait_for_selector(".crew-card .act-en_route")
    page.click(".crew-card .act-en_route")
    page.wait_for_selector(".crew-card .act-on_scene", timeout=15000)
    page.click(".crew-card .act-on_scene")
    page.wait_for_selector(".crew-card .act-returning", timeout=15000)
    page.screenshot(path=screenshots / "field_crew.png", full_page=True)
    assert emergency.timeline(city_url, incident["id"])["units"][0]["stage"] == "on_scene"
    page.click(".crew-card .act-returning")
    page.wait_for_selector(".crew-card .act-finished", timeout=15000)
    page.click(".crew-card .act-finished")
    page.wait_for_selector(".crew-card", state="detached", timeout=15000)
    close(context, watch)
    assert watch.problems == []
    assert emergency.timeline(city_url, incident["id"])["units"][0]["stage"] == "finished"
