"""One ingestion path: new readings stored once whatever the duplicates and order; bad input quarantined
with its reason and nothing else lost; commands answered over MQTT topics."""

import random
import threading
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import func, select

from cockpit.actor import Actor
from cockpit.services.iot import alarms, commands, devices, ingestion
from data_access.db import transaction
from data_access.models import Reading

DEVICE = "110108-noise-00001"
DUTY = Actor("duty", "duty_officer")


def message(seq, value=50.0, device=DEVICE):
    ts = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=600 - seq)
    return f"city/iot/{device}/telemetry", orjson.dumps(
        {"ts": ts.isoformat() + "Z", "seq": seq, "values": {"noise_db": value}}
    )


def stored(url):
    with transaction(url) as session:
        return session.scalar(select(func.count()).select_from(Reading))


def test_duplicates_and_reordering_store_each_reading_once(city_db):
    history = stored(city_db)  # the sample city's structural sensors' daily history
    messages = [message(seq) for seq in range(200)]
    noisy = messages + random.Random(1).sample(messages, 120)
    random.Random(2).shuffle(noisy)
    total = sum(ingestion.ingest_mqtt(city_db, noisy[i : i + 37]).stored for i in range(0, len(noisy), 37))
    assert total == 200 and stored(city_db) == history + 200
    again = ingestion.ingest_mqtt(city_db, messages)
    assert again.stored == 0 and again.duplicates == 200


def test_concurrent_batches_store_once(city_db):
    history = stored(city_db)
    messages = [message(seq) for seq in range(300)]
    threads = [threading.Thread(target=ingestion.ingest_mqtt, args=(city_db, messages)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stored(city_db) == history + 300


def test_bad_input_is_quarantined_and_good_input_in_the_same_batch_is_kept(city_db):
    hostile = [
        ("city/iot/x/telemetry", b"\xff\xfe not utf-8"),
        (f"city/iot/{DEVICE}/telemetry", b'{"ts": "2026-11-24T00:00:00Z", "seq": 1, "values": {"noise_db": 1e9}}'),
        (f"city/iot/{DEVICE}/telemetry", b'{"ts": "<script>alert(1)</script>", "seq": 2, "values": {}}'),
        ("city/iot/no-such-device/telemetry", message(3)[1]),
    ]
    report = ingestion.ingest_mqtt(city_db, [message(10), *hostile, message(11)])
    assert report.stored == 2
    assert len(report.quarantined) == 4
    summary = devices.quarantine(city_db)
    assert summary["total"] == 4
    reasons = " | ".join(q["reason"] for q in summary["recent"])
    assert "unknown device 'no-such-device'" in reasons and "outside" in reasons
    assert any("<script>" in q["payload"] for q in summary["recent"])


def test_readings_update_the_device_and_its_history(city_db):
    ingestion.ingest_mqtt(city_db, [message(1, 55.0), message(2, 61.5)])
    device = devices.detail(city_db, DEVICE)
    assert device["last_values"] == {"noise_db": 61.5}
    assert [h["values"]["noise_db"] for h in device["history"]] == [55.0, 61.5]
    assert device["online"] is True


def test_carbon_monoxide_is_shown_in_mg_per_cubic_metre(city_db):
    body = {"ts": datetime.now(UTC).isoformat(), "seq": 1, "values": {"co": 1500.0, "pm25": 90.0}}
    ingestion.ingest_mqtt(city_db, [("city/iot/wanliu_aq/telemetry", orjson.dumps(body))])
    device = devices.detail(city_db, "wanliu_aq")
    assert device["last_values"] == {"co": 1.5, "pm25": 90.0}
    assert device["history"][-1]["values"] == {"co": 1.5, "pm25": 90.0}


def test_command_pending_sent_acknowledged(city_db):
    lamp = "110108-street_lamp-00001"
    command_id = commands.issue(city_db, DUTY, lamp, "switch_on")
    sent = []
    commands.relay(city_db, lambda topic, payload: sent.append((topic, orjson.loads(payload))))
    assert sent == [(f"city/iot/{lamp}/command", sent[0][1])] and sent[0][1]["command_id"] == command_id
    assert commands.recent(city_db, lamp)[0]["status"] == "sent"
    ack = orjson.dumps({"command_id": command_id, "ok": True, "detail": "switched on"})
    report = ingestion.ingest_mqtt(city_db, [(f"city/iot/{lamp}/command/ack", ack)])
    assert report.acks == 1
    assert commands.recent(city_db, lamp)[0]["status"] == "acknowledged"


def test_unanswered_command_times_out(city_db):
    lamp = "110108-street_lamp-00002"
    commands.issue(city_db, DUTY, lamp, "switch_off")
    alarms.sweep(city_db, datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=31))
    assert commands.recent(city_db, lamp)[0]["status"] == "timed_out"


def test_ack_for_someone_elses_command_is_quarantined(city_db):
    command_id = commands.issue(city_db, DUTY, "110108-street_lamp-00001", "switch_on")
    ack = orjson.dumps({"command_id": command_id, "ok": True})
    report = ingestion.ingest_mqtt(city_db, [("city/iot/110108-street_lamp-00002/command/ack", ack)])
    assert report.acks == 0 and "no open command" in report.quarantined[0]["reason"]


def test_commands_a_device_does_not_take_are_refused(city_db):
    import pytest

    from cockpit.services.iot.commands import CommandError

    with pytest.raises(CommandError, match="does not take"):
        commands.issue(city_db, DUTY, DEVICE, "switch_on")
