"""MQTT adapters over paho-mqtt: a consumer that acknowledges a message only after the batch holding it has
committed (QoS 1, persistent session: at-least-once in), and a publisher. The broker is Mosquitto or EMQX."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

SUBSCRIPTIONS = (
    "city/iot/+/telemetry",
    "city/iot/+/status",
    "city/iot/+/command/ack",
    "city/vision/+/event",
    "city/vision/+/sighting",
)
Handler = Callable[[list[tuple[str, bytes]]], None]


def broker_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise ValueError(f"COCKPIT_MQTT_URL must look like mqtt://host:1883, not {url!r}")
    return parts.hostname, parts.port or 1883


def _client(client_id: str, clean: bool, manual_ack: bool = False) -> mqtt.Client:
    return mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=clean,
        protocol=mqtt.MQTTv311,
        manual_ack=manual_ack,
    )


def consume(
    url: str,
    handle: Handler,
    stop: threading.Event,
    client_id: str = "cockpit-ingest",
    batch_size: int = 1000,
    batch_wait: float = 0.05,
    subscriptions: tuple[str, ...] = SUBSCRIPTIONS,
    idle: Callable[[], None] | None = None,
    share: str | None = None,
) -> None:
    """Run until `stop` is set. `handle` stores a batch and returns only after commit; then it is acked.
    If `handle` raises, nothing of the batch is acked and the broker redelivers it after reconnect. With
    `share`, the topics are subscribed as an MQTT shared subscription ($share/<share>/…), so the broker
    hands each message to one of the consumers of that group."""
    if share is not None:
        subscriptions = tuple(f"$share/{share}/{topic}" for topic in subscriptions)
    host, port = broker_address(url)
    inbox: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
    client = _client(client_id, clean=False, manual_ack=True)

    def on_connect(c: mqtt.Client, _userdata, _flags, reason_code, _properties) -> None:
        if not reason_code.is_failure:
            c.subscribe([(topic, 1) for topic in subscriptions])

    client.on_connect = on_connect
    client.on_message = lambda _c, _u, message: inbox.put(message)
    client.reconnect_delay_set(min_delay=0.2, max_delay=2)
    client.connect_async(host, port, keepalive=15)
    client.loop_start()
    last_idle = time.monotonic()
    try:
        while not stop.is_set():
            batch: list[mqtt.MQTTMessage] = []
            try:
                batch.append(inbox.get(timeout=0.2))
                deadline = time.monotonic() + batch_wait
                while len(batch) < batch_size and time.monotonic() < deadline:
                    batch.append(inbox.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                pass
            if batch:
                handle([(m.topic, m.payload) for m in batch])
                for message in batch:
                    client.ack(message.mid, message.qos)
            if idle and time.monotonic() - last_idle >= 1.0:
                idle()
                last_idle = time.monotonic()
    finally:
        client.loop_stop()
        client.disconnect()


class Publisher:
    """QoS 1 publishing; `flush` waits until the broker has acknowledged everything sent so far."""

    def __init__(self, url: str, client_id: str) -> None:
        host, port = broker_address(url)
        self._client = _client(client_id, clean=True)
        self._client.max_queued_messages_set(0)
        self._client.reconnect_delay_set(min_delay=0.2, max_delay=2)
        self._client.connect(host, port, keepalive=15)
        self._client.loop_start()
        self._pending: list[mqtt.MQTTMessageInfo] = []

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> None:
        self._pending.append(self._client.publish(topic, payload, qos=qos))

    def flush(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        for info in self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            info.wait_for_publish(timeout=remaining)
        self._pending = [i for i in self._pending if not i.is_published()]
        return not self._pending

    def subscribe(self, topic: str, on_message: Callable[[str, bytes], None]) -> None:
        self._client.on_message = lambda _c, _u, m: on_message(m.topic, m.payload)
        self._client.subscribe(topic, qos=1)

    def close(self) -> None:
        self.flush(timeout=5)
        self._client.loop_stop()
        self._client.disconnect()
