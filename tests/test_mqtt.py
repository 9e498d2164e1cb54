"""Against a real Mosquitto: `cockpit ingest` stores 10,000 numbered readings exactly once through a broker
restart and a kill -9 of the consumer, and keeps going past hostile payloads."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
from sqlalchemy import func, select

from cockpit.services.iot import devices
from data_access.db import transaction
from data_access.models import Reading

ROOT = Path(__file__).resolve().parent.parent
DEVICES = [f"110108-noise-{n:05d}" for n in range(1, 11)]
TOTAL = 10_000


def start_consumer(db_url: str, broker_url: str, log: Path, workers: int = 1) -> subprocess.Popen:
    env = os.environ | {"COCKPIT_DATABASE_URL": db_url, "COCKPIT_MQTT_URL": broker_url}
    return subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", "ingest", "--client-id", "test-ingest", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def stored(url: str) -> tuple[int, int]:
    with transaction(url) as session:
        rows = session.scalar(select(func.count()).select_from(Reading))
        distinct = session.scalar(
            select(func.count()).select_from(select(Reading.device_id, Reading.seq).distinct().subquery())
        )
    return rows, distinct


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


class Sender:
    """Publishes numbered readings with QoS 1, re-sending whatever the broker did not acknowledge."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-sender", clean_session=True)
        self.client.reconnect_delay_set(0.1, 1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def send(self, numbers: range) -> None:
        pending = list(numbers)
        while pending:
            infos = []
            for n in pending:
                device, seq = DEVICES[n % len(DEVICES)], n // len(DEVICES)
                body = {"ts": datetime.now(UTC).isoformat(), "seq": seq, "values": {"noise_db": 40 + n % 20}}
                infos.append((n, self.client.publish(f"city/iot/{device}/telemetry", orjson.dumps(body), qos=1)))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not all(i.is_published() for _, i in infos):
                time.sleep(0.05)
            pending = [n for n, info in infos if not info.is_published()]
            if pending:
                time.sleep(0.5)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def until_subscribed(sender: Sender, url: str, timeout: float = 30) -> None:
    """Reading 0 again and again until it is stored: the consumer has subscribed (what the broker gets before
    that is lost to a new session), and a repeat of reading 0 is a duplicate the store drops."""
    deadline = time.monotonic() + timeout
    while stored(url)[0] == 0:
        assert time.monotonic() < deadline, "the consumer never subscribed"
        sender.send(range(0, 1))
        time.sleep(0.3)


def test_ten_thousand_readings_exactly_once_through_restart_and_kill(mosquitto, city_db, tmp_path):
    log = tmp_path / "ingest.log"
    consumer = start_consumer(city_db, mosquitto.url, log)
    sender = Sender(mosquitto.port)
    try:
        until_subscribed(sender, city_db)
        sender.send(range(0, 3000))
        assert wait_for(lambda: stored(city_db)[0] > 1000, 30)
        consumer.send_signal(signal.SIGKILL)  # kill -9 mid-stream: unacknowledged messages come back
        consumer.wait()
        sender.send(range(3000, 6000))  # queued by the broker for the persistent session
        sender.close()
        mosquitto.stop()  # broker restart with the queue on disk
        mosquitto.start()
        sender = Sender(mosquitto.port)
        consumer = start_consumer(city_db, mosquitto.url, log)
        sender.send(range(6000, TOTAL))
        assert wait_for(lambda: stored(city_db)[0] >= TOTAL, 120), (stored(city_db), log.read_text()[-2000:])
        time.sleep(2)  # anything redelivered late must not add rows
        assert stored(city_db) == (TOTAL, TOTAL)
    finally:
        sender.close()
        consumer.terminate()
        consumer.wait(timeout=20)


def worker_pids(parent: int) -> list[int]:
    """The ingestion processes the supervisor started (its spawned children, not multiprocessing's helpers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent and b"spawn_main" in command and b"resource_tracker" not in command:
            found.append(int(stat.parent.name))
    return found


def test_two_workers_share_the_subscription_and_survive_a_kill(mosquitto, city_db, tmp_path):
    """`cockpit ingest --workers 2`: the broker splits the stream between two processes; one is killed -9
    mid-stream and started again by the supervisor; every reading is still stored exactly once."""
    total = 4000
    log = tmp_path / "ingest.log"
    consumer = start_consumer(city_db, mosquitto.url, log, workers=2)
    sender = Sender(mosquitto.port)
    try:
        assert wait_for(lambda: len(worker_pids(consumer.pid)) == 2, 30), log.read_text()
        until_subscribed(sender, city_db)
        sender.send(range(0, 2000))
        assert wait_for(lambda: stored(city_db)[0] > 500, 30), log.read_text()
        os.kill(worker_pids(consumer.pid)[0], signal.SIGKILL)
        sender.send(range(2000, total))
        assert wait_for(lambda: stored(city_db)[0] >= total, 120), (stored(city_db), log.read_text()[-2000:])
        time.sleep(2)
        assert stored(city_db) == (total, total)
    finally:
        sender.close()
        consumer.terminate()
        consumer.wait(timeout=30)
    text = log.read_text()
    killed = re.search(r"(test-ingest-\d) exited with -9; starting it again", text)
    assert killed, text
    counts = dict(re.findall(r"(test-ingest-\d) stopped after storing (\d+) readings", text))
    survivor = next(name for name in counts if name != killed.group(1))
    # both had work: the survivor stored some, and the killed one stored what the two final counts lack
    assert int(counts[survivor]) > 0 and sum(map(int, counts.values())) < total, text


def test_hostile_payloads_are_quarantined_and_the_consumer_goes_on(mosquitto, city_db, tmp_path):
    consumer = start_consumer(city_db, mosquitto.url, tmp_path / "ingest.log")
    sender = Sender(mosquitto.port)
    try:
        until_subscribed(sender, city_db)
        hostile = [
            b"\x00\xff",
            b"{}",
            b'{"ts": "now", "seq": "x", "values": "<script>alert(1)</script>"}',
            b"[" * 5000,
            orjson.dumps({"ts": datetime.now(UTC).isoformat(), "seq": 1, "values": {"noise_db": 10**12}}),
        ]
        for payload in hostile:
            sender.client.publish(f"city/iot/{DEVICES[0]}/telemetry", payload, qos=1).wait_for_publish(5)
        sender.client.publish(
            "city/iot/ghost-device/telemetry",
            orjson.dumps({"ts": datetime.now(UTC).isoformat(), "seq": 1, "values": {"noise_db": 50}}),
            qos=1,
        ).wait_for_publish(5)
        sender.send(range(0, 10))
        assert wait_for(lambda: stored(city_db)[0] == 10, 30)
        assert wait_for(lambda: devices.quarantine(city_db)["total"] == 6, 10)
        assert consumer.poll() is None
    finally:
        sender.close()
        consumer.terminate()
        consumer.wait(timeout=20)


def test_live_city_over_the_broker_with_remote_control(mosquitto, city_db, tmp_path):
    """`cockpit simulate` publishes, `cockpit ingest` stores, and a command goes out over
    city/iot/{code}/command and comes back acknowledged from the simulated lamp."""
    from cockpit.actor import Actor
    from cockpit.services.iot import commands, live_status

    env = os.environ | {"COCKPIT_DATABASE_URL": city_db, "COCKPIT_MQTT_URL": mosquitto.url}
    log = (tmp_path / "live.log").open("a")
    consumer = subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", "ingest"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    simulator = subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", "simulate", "--duration", "40"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: stored(city_db)[0] > 100, 30), (tmp_path / "live.log").read_text()[-2000:]
        assert live_status.status(city_db)["sim_clock"]
        lamp = "110108-street_lamp-00005"
        commands.issue(city_db, Actor("duty", "duty_officer"), lamp, "switch_on")
        assert wait_for(lambda: commands.recent(city_db, lamp)[0]["status"] == "acknowledged", 20), commands.recent(
            city_db, lamp
        )
    finally:
        for process in (simulator, consumer):
            process.terminate()
            process.wait(timeout=20)
        log.close()
