"""The MQTT ingestion loop, with the time-driven work between batches: sweeps for silence and escalation, the
camera rules, command relay. The sample city's simulator (sample_data.live.feed) does the same work in-process
when there is no broker."""

from __future__ import annotations

import threading
import time

from cockpit.services.iot import alarms, commands, ingestion
from cockpit.services.safety import vision_alarms
from data_access import mqtt

SWEEP_EVERY_S = 2.0
VISION_EVERY_S = 10.0  # the camera rules read ten minutes of sightings: a sweep every ten seconds is plenty
OUTBOX_EVERY_S = 30.0


def ingest_forever(
    url: str,
    mqtt_url: str,
    stop: threading.Event,
    client_id: str = "cockpit-ingest",
    share: str | None = None,
    housekeeping: bool = True,
) -> int:
    """Consume the broker into storage; between batches, sweep and relay commands to the devices (in one
    process only when several share the subscription). Returns how many readings it stored."""
    relay = mqtt.Publisher(mqtt_url, f"{client_id}-relay") if housekeeping else None
    stored = 0
    vision_swept = 0.0

    def handle(batch: list[tuple[str, bytes]]) -> None:
        nonlocal stored
        stored += ingestion.ingest_mqtt(url, batch).stored

    def idle() -> None:
        nonlocal vision_swept
        alarms.sweep(url)
        if time.monotonic() - vision_swept >= VISION_EVERY_S:
            vision_alarms.sweep(url)
            vision_swept = time.monotonic()
        if relay:
            commands.relay(url, relay.publish)
            relay.flush(timeout=5)

    ingestion.steady_state()
    try:
        mqtt.consume(mqtt_url, handle, stop, client_id=client_id, idle=idle if housekeeping else None, share=share)
    finally:
        if relay:
            relay.close()
    return stored
