"""12345 tickets and the services around them, on the loaded sample city: the router on held-out real
messages, intake (routed, placed by the address service, masked, duplicates merged within 50 m), the
接诉即办 steps with their refusals and audit rows, the assessment by hand, hotspots made cases, e-licences
signed and verified (and a forged one caught), credit commitments, the outbox with an SMS gateway."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import orjson
import pytest
from fixtures.helpers import audit_actions
from sklearn.model_selection import train_test_split

from cockpit.actor import Actor
from cockpit.profile import DEPARTMENTS
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.services import (
    assessment,
    commitments,
    hotspots,
    licence_signing,
    service_items,
    ticket_router,
    tickets,
)
from cockpit.services.support import notifications, privacy
from cockpit.settings import load_settings
from data_access import services as store
from data_access.db import transaction, write_transaction

DUTY = Actor("duty:wang", "duty_officer")
LEADER = Actor("leader:li", "leader")
ADMIN = Actor("admin:liu", "admin")
CALL = "我叫李四，电话13912345678。中关村大街人行道的井盖破损，晚上很危险"


def test_the_router_beats_the_majority_class_on_held_out_messages():
    texts, labels = zip(*ticket_router.labelled(), strict=True)
    train_x, test_x, train_y, test_y = train_test_split(texts, labels, test_size=0.25, random_state=3, stratify=labels)
    fitted = ticket_router.pipeline().fit(list(train_x), list(train_y))
    accuracy = float(np.mean(fitted.predict(list(test_x)) == np.array(test_y)))
    majority = max(test_y.count(c) for c in set(test_y)) / len(test_y)
    assert accuracy > 0.6 > majority + 0.2
    routed = ticket_router.route("孩子上学入学登记，学校不给报名")
    assert routed.category == "教育文体" and routed.department == DEPARTMENTS["教育文体"] and not routed.triage
    assert routed.candidates[0][0] == "教育文体" and len(routed.candidates) == 3
    with pytest.raises(Refused):
        ticket_router.route("   ")


def test_a_ticket_is_routed_placed_and_a_duplicate_merged(city_db):
    row = tickets.intake(
        city_db, DUTY, "hotline", CALL, address="中关村大街", caller_name="李四", caller_phone="13912345678"
    )
    assert row["street_code"] and row["lon"] is not None and row["routing"]["candidates"]
    assert row["priority"] == 1  # 危险: urgent, a two-hour contact clock
    assert row["contact_due"] - row["created_at"] == timedelta(hours=2)
    again = tickets.intake(city_db, DUTY, "app", CALL.replace("李四", "王五"), lon=row["lon"] + 0.0001, lat=row["lat"])
    assert again["status"] == "merged" and again["merged_into"] == row["id"]
    elsewhere = tickets.intake(city_db, DUTY, "app", "学校食堂饭菜质量差", lon=row["lon"] + 0.0001, lat=row["lat"])
    assert elsewhere["merged_into"] is None  # near, but another matter
    with pytest.raises(Refused) as refused:
        tickets.intake(city_db, LEADER, "hotline", CALL)
    assert refused.value.http == 403
    assert privacy.mask_text(CALL).startswith("我叫李*，电话139****5678")
    named = tickets.intake(city_db, DUTY, "website", "学院路上的路灯坏了好几天")  # no address: read from the text
    assert named["lon"] is not None and "学院路" in (named["address"] or "")


def test_every_reader_gets_the_ticket_masked_and_only_unmask_gives_it_clear(city_db):
    row = tickets.intake(
        city_db, DUTY, "hotline", CALL, address="中关村大街", caller_name="李四", caller_phone="13912345678"
    )
    shown = tickets.detail(city_db, row["id"])
    listed = next(r for r in tickets.queue(city_db) if r["id"] == row["id"])
    for ticket in (shown, listed, *tickets.desk_queue(city_db, None, stored_now(), 500)):
        assert "13912345678" not in str(ticket) and "李四" not in str(ticket)
    assert shown["caller_name"] == "李*" and shown["caller_phone"] == "139****5678"
    with pytest.raises(privacy.UnmaskRefused):
        tickets.unmask(city_db, LEADER, row["id"], "核实来电人身份以便回访")
    clear = tickets.unmask(city_db, Actor("safety:zhao", "safety_officer"), row["id"], "核实来电人身份以便回访")
    assert clear == {"text": CALL, "caller_name": "李四", "caller_phone": "13912345678"}


def test_the_steps_run_in_order_with_reasons_and_audit(city_db):
    row = tickets.intake(city_db, DUTY, "hotline", "小区垃圾清运不及时，臭味很大", lon=116.32, lat=39.99)
    if row["status"] == "triage":
        tickets.transition(city_db, DUTY, row["id"], "route", category="环境保护")
    with pytest.raises(Refused) as refused:
        tickets.transition(city_db, DUTY, row["id"], "return")
    assert refused.value.key == "ticket.reason_needed"
    returned = tickets.transition(city_db, DUTY, row["id"], "return", note="非本部门职责")
    assert returned["status"] == "triage" and returned["returns"] == 1 and returned["department"] is None
    tickets.transition(city_db, DUTY, row["id"], "route", category="城乡建设")
    with pytest.raises(Refused) as refused:
        tickets.transition(city_db, DUTY, row["id"], "handle")
    assert refused.value.http == 409  # contacted first
    tickets.transition(city_db, DUTY, row["id"], "contact")
    tickets.transition(city_db, DUTY, row["id"], "handle")
    with pytest.raises(Refused):
        tickets.transition(city_db, DUTY, row["id"], "callback", resolved=True, satisfaction="delighted")
    closed = tickets.transition(city_db, DUTY, row["id"], "callback", resolved=True, satisfaction="basic")
    assert closed["status"] == "closed" and closed["satisfaction"] == "basic"
    with pytest.raises(Refused) as refused:
        tickets.transition(city_db, LEADER, row["id"], "reopen", note="x")
    assert refused.value.http == 403
    reopened = tickets.transition(city_db, DUTY, row["id"], "reopen", note="市民反映仍未清运")
    assert reopened["status"] == "dispatched" and reopened["reopened"] == 1
    assert audit_actions(city_db)[-6:] == [
        "ticket.return",
        "ticket.route",
        "ticket.contact",
        "ticket.handle",
        "ticket.callback",
        "ticket.reopen",
    ]
    steps = [e["action"] for e in tickets.detail(city_db, row["id"])["events"]]
    assert steps[-6:] == ["return", "route", "contact", "handle", "callback", "reopen"]


def _ticket(department: str, street: str, created: datetime, **values) -> dict:
    return {
        "code": "",
        "channel": "hotline",
        "title": "t",
        "text": "t",
        "caller_name": None,
        "caller_phone": None,
        "address": None,
        "lon": 116.3,
        "lat": 39.9,
        "district_adcode": "110108",
        "street_code": street,
        "category": "城乡建设",
        "department": department,
        "confidence": 0.9,
        "routed_by": "router",
        "status": "closed",
        "priority": 2,
        "item_code": None,
        "case_id": None,
        "merged_into": None,
        "created_at": created,
        "contact_due": created + timedelta(hours=24),
        "handle_due": created + timedelta(days=15),
        "contacted_at": created + timedelta(hours=1),
        "handled_at": created + timedelta(days=2),
        "closed_at": created + timedelta(days=2),
        "resolved": True,
        "satisfaction": "satisfied",
        "returns": 0,
        "reopened": 0,
        "generated": True,
        "source": "test",
    } | values


def test_the_assessment_is_the_weighted_rates_computed_by_hand(db_url):
    created = datetime(2026, 10, 5)
    rows = [
        _ticket("甲局", "S1", created),
        _ticket("甲局", "S1", created, contacted_at=created + timedelta(hours=30), satisfaction="basic"),
        _ticket("甲局", "S1", created, resolved=False, satisfaction="unsatisfied"),
        _ticket("甲局", "S1", created, status="contacted", satisfaction=None, resolved=None),
        _ticket("乙局", "S2", created),
    ]
    with write_transaction(db_url) as session:
        for r in rows:
            store.add_ticket(session, r)
    ranking = assessment.ranking(db_url, "department", "2026-10", now=datetime(2026, 11, 1))
    first = next(r for r in ranking if r["key"] == "甲局")
    assert first["response"] == 75.0  # three of four contacted within 24 h
    assert first["resolution"] == pytest.approx(100 * 2 / 3, abs=0.1)
    assert first["satisfaction"] == pytest.approx(100 * (1 + 0.8 + 0) / 3, abs=0.1)
    composite = 0.1 * 75 + 0.45 * 100 * 2 / 3 + 0.45 * 100 * 1.8 / 3
    assert first["composite"] == pytest.approx(composite, abs=0.1) and first["rank"] == 1
    assert next(r for r in ranking if r["key"] == "乙局")["rank"] is None  # one ticket: listed, not ranked
    assert assessment.ranking(db_url, "department", "2026-09", now=datetime(2026, 11, 1)) == []
    with pytest.raises(Refused):
        assessment.set_weights(db_url, ADMIN, {"response": 0.5, "resolution": 0.5, "satisfaction": 0.5})
    with pytest.raises(Refused):
        assessment.set_weights(db_url, DUTY, {"response": 0.2, "resolution": 0.4, "satisfaction": 0.4})
    assessment.set_weights(db_url, ADMIN, {"response": 0.2, "resolution": 0.4, "satisfaction": 0.4})
    again = next(
        r for r in assessment.ranking(db_url, "department", "2026-10", now=datetime(2026, 11, 1)) if r["key"] == "甲局"
    )
    assert again["composite"] == pytest.approx(0.2 * 75 + 0.4 * 100 * 2 / 3 + 0.4 * 100 * 1.8 / 3, abs=0.1)


def test_a_hotspot_becomes_one_case_with_its_tickets_linked(city_db):
    found = hotspots.find(city_db)
    assert found and all(h["tickets"] >= hotspots.LEAST for h in found) and found[0]["key"].isascii()
    assert [h["topic"] for h in found[:2]] == [True, False]
    done = hotspots.to_case(city_db, DUTY, found[0]["key"])
    with transaction(city_db) as session:
        linked = {store.ticket(session, i)["case_id"] for i in found[0]["ids"]}
    assert linked == {done["case_id"]}
    with pytest.raises(Refused) as refused:
        hotspots.to_case(city_db, DUTY, found[0]["key"])
    assert refused.value.http == 409
    with pytest.raises(Refused) as refused:
        hotspots.to_case(city_db, LEADER, found[1]["key"])
    assert refused.value.http == 403


def test_an_e_licence_verifies_and_a_tampered_one_does_not(city_db, tmp_path: Path):
    item = service_items.items(city_db)[0]
    issued = licence_signing.issue(city_db, tmp_path, DUTY, item["code"], "北京华创科技有限公司")
    assert issued["qr_png"] and licence_signing.verify(city_db, tmp_path, DUTY, issued["id"])["valid"]
    with write_transaction(city_db) as session:
        row = store.licence(session, issued["id"])
        forged = orjson.loads(row["payload"]) | {"holder": "别的公司"}
        from sqlalchemy import update

        from data_access.models import IssuedLicence

        session.execute(
            update(IssuedLicence)
            .where(IssuedLicence.id == issued["id"])
            .values(payload=orjson.dumps(forged, option=orjson.OPT_SORT_KEYS).decode())
        )
    answer = licence_signing.verify(city_db, tmp_path, DUTY, issued["id"])
    assert answer["valid"] is False and answer["why"] == "bad_signature"
    with pytest.raises(Refused):
        licence_signing.issue(city_db, tmp_path, LEADER, item["code"], "某公司")
    with pytest.raises(Refused) as refused:
        licence_signing.issue(city_db, tmp_path, DUTY, "nope", "某公司")
    assert refused.value.http == 404
    assert "licence.issue" in audit_actions(city_db)


def test_a_commitment_is_recorded_and_settled_once(city_db):
    item = service_items.items(city_db)[0]["code"]
    with pytest.raises(Refused):
        commitments.promise(city_db, DUTY, item, "某公司", "承诺补交材料", date(2000, 1, 1))
    made = commitments.promise(
        city_db, DUTY, item, "某公司", "承诺 30 日内补交场所证明", date.today() + timedelta(days=30)
    )
    commitments.settle(city_db, DUTY, made["id"], "kept")
    with pytest.raises(Refused) as refused:
        commitments.settle(city_db, DUTY, made["id"], "broken")
    assert refused.value.http == 409
    assert commitments.listing(city_db)[0]["state"] == "kept"


def test_sms_notices_go_through_the_gateway_and_stay_in_app_without_one(city_db, monkeypatch):
    got: list[dict] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(orjson.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            return

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    row = tickets.intake(city_db, DUTY, "hotline", "路灯不亮很危险", lon=116.32, lat=39.99, caller_phone="13912345678")
    if row["status"] == "triage":
        tickets.transition(city_db, DUTY, row["id"], "route", category="城乡建设")
    tickets.transition(city_db, DUTY, row["id"], "contact")
    tickets.transition(city_db, DUTY, row["id"], "handle")
    plain = load_settings()
    assert notifications.deliver(city_db, plain)["in_app"] >= 1  # no gateway: kept in the app
    tickets.transition(city_db, DUTY, row["id"], "callback", resolved=True, satisfaction="satisfied")
    monkeypatch.setenv("COCKPIT_SMS_URL", f"http://127.0.0.1:{server.server_port}/sms")
    done = notifications.deliver(city_db, load_settings())
    server.shutdown()
    assert done["sent"] == 1 and got[0]["to"] == "13912345678"


def test_an_imported_catalogue_replaces_the_generated_one(city_db, tmp_path: Path):
    from cockpit.services.data.importing.pipeline import Request, run

    path = tmp_path / "items.csv"
    head = ",".join(service_items.FIELDS)
    path.write_text(
        f"{head}\n"
        "11010800000001,居住证签注,海淀分局,行政确认,5,1,窗口、网站,身份证,全程网办,,800\n"
        "11010800000002,餐饮服务许可,海淀区市场监管局,行政许可,20,5,窗口,营业执照、平面图,网上预审,开办餐馆,90\n",
        encoding="utf-8",
    )
    run(city_db, Request(path, service_items.DATASET, service_items.DEPARTMENT), DUTY)
    found = service_items.items(city_db)
    assert [r["name"] for r in found] == ["居住证签注", "餐饮服务许可"] and not found[0]["generated"]
    assert service_items.bundles(city_db) == {"开办餐馆": ["餐饮服务许可"]}


def test_a_licence_is_verified_as_presented_offline_and_online(city_db, tmp_path: Path):
    """N15: verification by id alone read a forged copy with a genuine id as valid, and no key was published
    for the offline check the QR code promised."""
    import base64

    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    item = service_items.items(city_db)[0]
    issued = licence_signing.issue(city_db, tmp_path, DUTY, item["code"], "北京华创科技有限公司")
    prefix, encoded, signature = issued["qr"].split(".")
    assert prefix == licence_signing.QR_PREFIX
    body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    public = load_pem_public_key(licence_signing.public_key_pem(tmp_path).encode())
    public.verify(bytes.fromhex(signature), body)  # offline: the QR alone and the published key
    assert orjson.loads(body)["holder"] == "北京华创科技有限公司"
    assert licence_signing.verify_presented(city_db, tmp_path, DUTY, issued["qr"])["valid"]
    forged_body = orjson.dumps(orjson.loads(body) | {"holder": "别的公司"}, option=orjson.OPT_SORT_KEYS)
    forged = licence_signing.qr_text(forged_body, signature)
    assert licence_signing.verify_presented(city_db, tmp_path, DUTY, forged)["why"] == "bad_signature"
    stored = licence_signing.verify
    assert stored(city_db, tmp_path, DUTY, issued["id"], {"signature": "00"})["why"] == "not_as_issued"
    assert stored(city_db, tmp_path, DUTY, issued["id"], {"number": "DZZZ-FORGED"})["why"] == "not_as_issued"
    assert stored(city_db, tmp_path, DUTY, issued["id"], {"number": issued["number"]})["valid"]
    with pytest.raises(Refused) as refused:
        licence_signing.verify_presented(city_db, tmp_path, DUTY, "DZZZ-1|2|00")
    assert refused.value.key == "licence.bad_qr"


def test_ticket_intake_is_limited_per_caller_per_minute(city_db):
    """N16: 200 tickets in 8.9 s from one token were all taken."""
    from cockpit.services.support import rate

    desk = Actor("intake-burst", "duty_officer")
    now = stored_now()
    for _ in range(tickets.INTAKE_PER_MINUTE):
        rate.take(city_db, desk, "ticket_intake", tickets.INTAKE_PER_MINUTE, now)
    with pytest.raises(rate.TooMany) as refused:
        tickets.intake(city_db, desk, "hotline", "路灯不亮")
    assert refused.value.http == 429 and refused.value.key == "rate.too_many"
    later = now + rate.WINDOW
    rate.take(city_db, desk, "ticket_intake", tickets.INTAKE_PER_MINUTE, later)  # a new minute, a new count
