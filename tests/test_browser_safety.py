"""The public-safety page in Chromium: a safety officer is refused a search without a case, then finds a lost
person from intake to closure (the ring of cameras, the candidates, the confirmed track and the area she can be
in, a search team by the emergency dispatch, the guardian's contact unmasked for a reason, found, closed, and
the retention job deleting the case's personal data); follows a searched vehicle to its trajectory, unmasks,
tags and watches it, and exports the oversight report; a leader sees aggregates only; a duty officer nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import pytest
from fixtures.browser import close, open_page
from fixtures.helpers import plate_search

from cockpit.actor import Actor
from cockpit.services.iot import ingestion, rulebook
from cockpit.services.safety import safety_retention, vision_alarms
from data_access import safety as safety_store
from data_access.db import transaction
from data_access.ingest import FEATURE_DIM

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
LOOK = {"upper": "green", "lower": "brown", "age_band": "elderly", "bag": False, "hat": True}


def _pattern(kind: str, number: int) -> str:
    return "[id='" + json.dumps({"id": number, "type": kind}, separators=(",", ":")) + "']"


def _walk(url: str) -> tuple[str, list[int]]:
    """An elderly walker seen by four cameras near one key area in the last forty minutes; returns the area's
    name and the sightings' ids."""
    with transaction(url) as session:
        cameras = [c for c in safety_store.cameras(session) if c["key_area_id"] is not None]
        area = next(a for a in safety_store.key_areas(session) if a["id"] == cameras[0]["key_area_id"])
    near = sorted(cameras, key=lambda c: abs(c["lon"] - area["lon"]) + abs(c["lat"] - area["lat"]))[:4]
    rng = np.random.default_rng(2026)
    base = rng.normal(size=FEATURE_DIM)
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=40)
    messages = []
    for i, camera in enumerate(near):
        feature = base + rng.normal(0, 0.05, FEATURE_DIM)
        body = {
            "sighting_id": f"browser-lost-{i}",
            "ts": (start + timedelta(minutes=6 * i)).isoformat() + "Z",
            "kind": "person",
            "confidence": 0.93,
            "attributes": LOOK,
            "feature": [round(float(v), 5) for v in feature / np.linalg.norm(feature)],
        }
        messages.append((f"city/vision/{camera['code']}/sighting", orjson.dumps(body)))
    ingestion.ingest_mqtt(url, messages)
    with transaction(url) as session:
        ids = [
            r["id"]
            for r in safety_store.sightings_where(session, kind="person")
            if r["sighting_id"].startswith("browser-lost")
        ]
    return area["name"], ids


def _choose(page, dropdown: str, option: str) -> None:
    page.click(dropdown)
    page.click(f".dash-dropdown-option:has-text('{option}')")


def test_a_safety_officer_finds_a_lost_person_from_intake_to_closure(browser, served, city_url):
    area, ours = _walk(city_url)
    context, page, watch = open_page(browser, served, "/safety", width=1920, height=1080, role="safety_officer")
    page.fill("#sf-plate", "京*")
    page.click("#sf-search")
    page.wait_for_selector("#sf-msg:has-text('法律依据和案件编号')")  # no case, no search

    page.click("#sf-view label:has-text('走失人员')")
    page.fill("#sf-l-case", "LP110108-2026")
    _choose(page, "#sf-l-upper", "绿")
    _choose(page, "#sf-l-lower", "棕")
    page.click("#sf-l-flags label:has-text('戴帽')")
    _choose(page, "#sf-l-area", area)
    page.fill("#sf-l-minutes", "45")
    page.fill("#sf-l-name", "张建国")
    page.fill("#sf-l-guardian", "王芳")
    page.fill("#sf-l-phone", "13800138000")
    page.click("#sf-l-add")
    page.wait_for_selector("#sf-l-msg:has-text('已登记')")
    page.wait_for_selector("#sf-l-detail:has-text('138****8000')")
    assert "13800138000" not in page.inner_text("#sf-l-detail") and "张**" in page.inner_text("#sf-l-detail")

    page.click("#sf-l-find")
    page.wait_for_selector("#sf-l-step-msg:has-text('步行圈')")
    page.wait_for_selector(_pattern("sf-l-confirm", ours[-1]) + ", " + _pattern("sf-l-confirm", ours[0]))
    mine = next(s for s in reversed(ours) if page.locator(_pattern("sf-l-confirm", s)).count())
    page.click(_pattern("sf-l-confirm", mine))
    page.wait_for_selector("#sf-l-step-msg:has-text('轨迹 4 次抓拍')", timeout=30_000)
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "safety-lost.png"))

    page.click("#sf-l-dispatch")
    page.wait_for_selector("#sf-l-step-msg:has-text('已生成事件')", timeout=30_000)
    page.click("#sf-l-unmask")
    page.wait_for_selector("#sf-l-step-msg:has-text('至少4个字')")
    page.fill("#sf-l-reason", "联系监护人确认")
    page.click("#sf-l-unmask")
    page.wait_for_selector("#sf-l-step-msg:has-text('13800138000')")
    page.click("#sf-l-close")
    page.wait_for_selector("#sf-l-step-msg:has-text('不能')")  # found first
    page.click("#sf-l-found")
    page.wait_for_selector("#sf-l-step-msg:has-text('已标记找到')")
    page.click("#sf-l-close")
    page.wait_for_selector("#sf-l-step-msg:has-text('已结案')")
    assert safety_retention.run(city_url, Actor("cli:retention", "admin"), datetime.now(UTC).replace(tzinfo=None)).cases
    page.click("#sf-view label:has-text('布控')")
    page.click("#sf-view label:has-text('走失人员')")
    page.locator("#sf-l-list .case-item").first.click()
    page.wait_for_selector("#sf-l-detail:has-text('已按留存规则删除')")
    close(context, watch)
    assert watch.problems == []


def test_an_officer_follows_a_vehicle_and_exports_the_oversight_report(browser, served, city_url):
    context, page, watch = open_page(browser, served, "/safety", width=1920, height=1080, role="safety_officer")
    _choose(page, "#sf-basis", "刑事案件侦查")
    page.fill("#sf-case", "A110108-2026-0001")  # a demo case the demo officer works
    page.fill("#sf-plate", "京*")  # every car of the province: refused as too broad
    page.click("#sf-search")
    page.wait_for_selector("#sf-msg:has-text('条件太宽')")
    page.fill("#sf-plate", plate_search(city_url))
    page.click("#sf-search")
    page.wait_for_selector("#sf-msg:has-text('找到')")
    label = page.locator("#sf-results .case-item .raw").first.inner_text()
    assert "*" in label
    page.locator("#sf-results .case-item").first.click()
    page.wait_for_selector("#sf-hops table")
    page.fill("#sf-reason", "核实车主身份")
    page.click("#sf-unmask")
    page.wait_for_selector("#sf-subject-msg:has-text('已解除脱敏')")
    assert "*" not in page.inner_text("#sf-subject-msg").split("：")[1].split("，")[0]
    page.fill("#sf-tag", "涉案")
    page.click("#sf-tag-add")
    page.wait_for_selector("#sf-subject-msg:has-text('涉案')")
    page.fill("#sf-watch-reason", "涉案车辆布控")
    page.click("#sf-watch-add")
    page.wait_for_selector("#sf-subject-msg:has-text('已布控')")
    page.screenshot(path=str(SHOTS / "safety-search.png"))
    page.click("#sf-view label:has-text('布控')")
    page.wait_for_selector("#sf-watch-list .case-item button")
    page.locator("#sf-watch-list .case-item button").first.click()
    page.wait_for_selector("#sf-watch-list .case-item:has-text('已结束')")

    page.click("#sf-view label:has-text('监督报告')")
    page.wait_for_selector("#sf-oversight td:has-text('safety')")
    with page.expect_download() as caught:
        page.click("#sf-csv")
    rows = list(csv.reader(io.StringIO(Path(caught.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["officer", "searches", "follow_ups"] and any(r[0] == "safety" for r in rows[1:])
    with page.expect_download() as caught:
        page.click("#sf-pdf")
    assert Path(caught.value.path()).read_bytes().startswith(b"%PDF")
    close(context, watch)
    assert watch.problems == []


def _crowd_and_walker(url: str) -> None:
    """A crowd over one key area's capacity (its alarm raised by the camera rules' sweep), and a walker in white
    seen three times."""
    with transaction(url) as session:
        cameras = [c for c in safety_store.cameras(session) if c["key_area_id"] is not None]
    area = [c for c in cameras if c["key_area_id"] == cameras[-1]["key_area_id"]]
    now = datetime.now(UTC).replace(tzinfo=None)
    rng = np.random.default_rng(7)
    look = {"upper": "white", "lower": "white", "age_band": "adult", "bag": True, "hat": True}
    walker = rng.normal(size=FEATURE_DIM)
    messages = []
    for i in range(520):
        vector = rng.normal(size=FEATURE_DIM) if i >= 3 else walker + rng.normal(0, 0.05, FEATURE_DIM)
        body = {
            "sighting_id": f"browser-crowd-{i}",
            "ts": (now - timedelta(seconds=10 + i % 280)).isoformat() + "Z",  # all inside the rules' 10 minutes
            "kind": "person",
            "confidence": 0.9,
            "attributes": look if i < 3 else LOOK | {"upper": "black"},
            "feature": [round(float(v), 5) for v in vector / np.linalg.norm(vector)],
        }
        messages.append((f"city/vision/{area[i % len(area)]['code']}/sighting", orjson.dumps(body)))
    ingestion.ingest_mqtt(url, messages)
    for rule in rulebook.all_rules(url):  # the every-control test may have switched a camera rule off
        if rule["device_type"] == "camera" and not rule["enabled"]:
            assert rulebook.update(url, Actor("cli:test", "admin"), rule["id"], {"enabled": True}) == []
    vision_alarms.sweep(url)


def test_an_officer_hands_an_alarm_to_emergency_and_links_an_identity(browser, served, city_url):
    _crowd_and_walker(city_url)
    context, page, watch = open_page(browser, served, "/safety", width=1920, height=1080, role="safety_officer")
    page.wait_for_selector("#sf-alarms button")
    page.locator("#sf-alarms button").first.click()
    page.wait_for_selector("#sf-alarm-msg:has-text('已生成事件')")

    page.click("#sf-kind label:has-text('人员')")
    _choose(page, "#sf-basis", "刑事案件侦查")
    page.fill("#sf-case", "A110108-2026-0001")
    _choose(page, "#sf-upper", "白")
    _choose(page, "#sf-lower", "白")
    page.click("#sf-flags label:has-text('戴帽')")
    page.fill("#sf-hours", "1")
    page.click("#sf-search")
    page.wait_for_selector("#sf-msg:has-text('找到')")
    page.locator("#sf-results .case-item").first.click()
    page.wait_for_selector("#sf-hops table")
    page.fill("#sf-identity", "李国强")
    page.click("#sf-identity-add")
    page.wait_for_selector("#sf-subject-msg:has-text('李**')")
    assert "李国强" not in page.inner_text("#sf-subject-msg")
    close(context, watch)
    assert watch.problems == []


def test_a_leader_sees_aggregates_only_and_a_duty_officer_nothing(browser, served):
    context, page, watch = open_page(browser, served, "/safety", width=1920, height=1080, role="leader", lang="en")
    page.wait_for_selector("#sf-kpis .kpi")
    assert page.locator("#sf-view label").all_inner_texts() == ["Oversight"]
    assert page.locator("#sf-search-box").is_hidden() and page.locator("#sf-lost-box").is_hidden()
    page.wait_for_selector("#sf-oversight table")
    page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / "safety-leader-en.png"))
    close(context, watch)
    assert watch.problems == []
    context, page, watch = open_page(browser, served, "/safety", role="duty_officer")
    page.wait_for_selector(".denied")
    assert page.locator("#sf-kpis").count() == 0
    close(context, watch)
    assert watch.problems == []
