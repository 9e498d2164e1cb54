"""Server push's bus: a waiting push wakes when an alarm changes, polling the database by default and at
once through a real Redis when one is configured; and the SSE route streams alarms to a signed-in client."""

import threading
import time
from datetime import UTC, datetime, timedelta

import orjson
from fixtures.servers import sign_in

from cockpit import bus
from cockpit.services.iot import ingestion


def raise_alarm(url, device="110108-manhole_tilt-00003"):
    now = datetime.now(UTC).replace(tzinfo=None)
    messages = [
        (
            f"city/iot/{device}/telemetry",
            orjson.dumps(
                {"ts": (now - timedelta(seconds=s)).isoformat() + "Z", "seq": seq, "values": {"tilt_deg": 40}}
            ),
        )
        for seq, s in ((1, 20), (2, 0))
    ]
    return ingestion.ingest_mqtt(url, messages)


def wake_time(url, cache_url):
    start = bus.cursor(url)
    woke = {}

    def waiter():
        began = time.monotonic()
        woke["cursor"] = bus.wait(url, cache_url, start, timeout=10)
        woke["after"] = time.monotonic() - began

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.5)
    raised_at = time.monotonic()
    assert raise_alarm(url).alarms_raised
    thread.join()
    return woke["cursor"], time.monotonic() - raised_at, start


def test_database_bus_wakes_within_a_poll(city_db):
    cursor, latency, start = wake_time(city_db, None)
    assert cursor > start and latency < 1.0


def test_redis_bus_wakes_at_once(city_db, redis_url, monkeypatch):
    monkeypatch.setenv("COCKPIT_CACHE_URL", redis_url)
    bus._redis.cache_clear()
    cursor, latency, start = wake_time(city_db, redis_url)
    assert cursor > start and latency < 0.5


def test_event_stream_sends_alarms(dash_app, city_url):
    client = dash_app.server.test_client()
    sign_in(client, "leader")
    raise_alarm(city_url, "110108-manhole_tilt-00009")
    response = client.get("/events", buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = []
    for chunk in response.response:
        chunks.append(chunk if isinstance(chunk, str) else chunk.decode())
        if "event: alarms" in "".join(chunks):
            break
    response.close()
    text = "".join(chunks)
    data = orjson.loads(text.split("event: alarms\ndata: ")[1].split("\n")[0])
    assert data["open"] >= 1 and any(a["code"] == "110108-manhole_tilt-00009" for a in data["latest"])


def test_event_stream_refuses_the_anonymous(app_client):
    assert app_client.get("/events").status_code == 401


def test_one_database_look_serves_every_waiting_stream(city_url):
    """#12: fifty waiting streams share one listener; the database is looked at per POLL_S, not per stream."""
    hub = bus.listener(city_url, None)
    looks = hub.looks
    start = bus.cursor(city_url)
    woke = []
    threads = [
        threading.Thread(target=lambda: woke.append(bus.wait(city_url, None, start, timeout=3))) for _ in range(50)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    raise_alarm(city_url, "110108-manhole_tilt-00005")
    for thread in threads:
        thread.join(timeout=5)
    assert len(woke) == 50 and all(w > start for w in woke)
    assert hub.looks - looks <= 2 * (3 / bus.POLL_S)  # about one look per POLL_S, whatever the streams
