"""The sample city's live loop: the simulator publishing to a broker, or feeding the one ingestion path
in-process and then doing the time-driven work the ingest loop would (sweeps, camera rules, command relay), with
the generated grid workers, the replayed 12345 calls and the camera sightings."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cockpit.actor import Actor
from cockpit.services.emergency import emergency
from cockpit.services.iot import alarms, commands, ingestion
from cockpit.services.iot.live import OUTBOX_EVERY_S, SWEEP_EVERY_S, VISION_EVERY_S
from cockpit.services.kernel.clock import stored_now
from cockpit.services.safety import vision_alarms
from cockpit.services.support import notifications
from cockpit.settings import load_settings
from data_access import mqtt, support
from data_access.db import write_transaction
from sample_data.live import field_sim
from sample_data.live.simulator import CitySimulator

SIMULATION = Actor("simulation", None)


def publish_clock(url: str, sim: CitySimulator) -> None:
    with write_transaction(url) as session:
        support.write_meta(
            session,
            {
                "sim_clock": sim.sim_time().isoformat(timespec="minutes"),
                "sim_rate": f"{sim.rate:g}",
                "sim_seen": stored_now().isoformat(timespec="seconds"),
            },
        )


def simulate(
    url: str,
    rate: float,
    duration: float | None,
    seed: int,
    mqtt_url: str | None = None,
    interval_s: float = 5.0,
    stop: threading.Event | None = None,
    report: Callable[[str], None] = print,
    var_dir: Path | None = None,
) -> None:
    """Run the simulator until `duration` seconds pass or `stop` is set; with `var_dir` (where photos are
    kept) generated grid workers also act on the cases dispatched to them."""
    from sample_data.live import hotline_sim  # the router's scikit-learn: not for the ingest processes
    from sample_data.live.vision_sim import VisionSim

    stop = stop or threading.Event()
    sim = CitySimulator(url, rate, seed, interval_s)
    vision = VisionSim(url, seed)
    received: list[tuple[str, bytes]] = []
    publisher = None
    if mqtt_url:
        publisher = mqtt.Publisher(mqtt_url, f"cockpit-sim-{os.getpid()}")
        publisher.subscribe("city/iot/+/command", lambda topic, payload: received.append((topic, payload)))
    started = time.monotonic()
    last_sweep = 0.0
    last_field = 0.0
    last_outbox = 0.0
    last_vision = 0.0
    hotline = hotline_sim.Live()
    settings = load_settings()
    sent = 0
    while not stop.is_set():
        elapsed = time.monotonic() - started
        if duration is not None and elapsed >= duration:
            break
        now = stored_now()
        messages = sim.tick(elapsed, now) + vision.messages(now)
        if publisher:
            inbox, received[:] = list(received), []
            answers = [a for a in (sim.answer(t, p, now) for t, p in inbox) if a]
            for topic, payload in messages + answers:
                publisher.publish(topic, payload)
            publisher.flush()
        else:
            outbox: list[tuple[str, bytes]] = []
            commands.relay(url, lambda topic, payload, box=outbox: box.append((topic, payload)))
            answers = [a for a in (sim.answer(t, p, now) for t, p in outbox) if a]
            ingestion.ingest_mqtt(url, messages + answers, source="sim")
            if elapsed - last_sweep >= SWEEP_EVERY_S:
                alarms.sweep(url)
                last_sweep = elapsed
            if elapsed - last_vision >= VISION_EVERY_S:
                vision_alarms.sweep(url)
                last_vision = elapsed
        emergency.advance(url, 1.0)  # units move on the city clock: a 6-minute ETA takes 6 minutes
        if var_dir is not None and elapsed - last_field >= field_sim.EVERY_S:
            field_sim.play(url, var_dir, now)
            last_field = elapsed
        hotline_sim.play(url, hotline, elapsed, now)
        if elapsed - last_outbox >= OUTBOX_EVERY_S:
            notifications.deliver(url, settings)
            last_outbox = elapsed
        incident = sim.maybe_incident(elapsed)
        if incident:
            emergency.report_incident(url, SIMULATION, *incident, generated=True)
        publish_clock(url, sim)
        sent += len(messages)
        stop.wait(max(0.0, 1.0 - (time.monotonic() - started - elapsed)))
    if publisher:
        publisher.close()
    report(f"simulation stopped after {time.monotonic() - started:.0f} s, {sent} messages")


