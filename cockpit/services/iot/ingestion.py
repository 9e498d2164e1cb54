"""The one ingestion path for MQTT, HTTP and the in-process simulator: validate, store new readings once,
quarantine the rest with a reason, run the rules. What only reads happens before the write lock; the writes
of a batch are one transaction."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field

from cockpit import bus
from cockpit.actor import Actor
from cockpit.services.iot import rule_engine, rulebook
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations import operations
from cockpit.services.operations.operations import EventIn
from cockpit.services.safety import sightings
from cockpit.services.support import audit
from cockpit.vocab import STRUCTURE_TYPES
from data_access import iot, readings
from data_access.db import transaction, write_transaction
from data_access.ingest import (
    CameraEvent,
    CommandAck,
    Parsed,
    Rejected,
    SightingIn,
    Status,
    Telemetry,
    parse_api_item,
    parse_batch,
)

# alarms that are cases too: of city components, and of structures (a structural warning goes to a desk by itself)
FAULTS = {"manhole_tilt": "manhole_fault", "street_lamp": "lamp_fault"} | dict.fromkeys(
    STRUCTURE_TYPES, "structure_warning"
)


@dataclass
class IngestReport:
    stored: int = 0
    duplicates: int = 0
    quarantined: list[dict[str, str | None]] = field(default_factory=list)
    statuses: int = 0
    acks: int = 0
    sightings: int = 0
    sighting_duplicates: int = 0
    alarms_raised: list[int] = field(default_factory=list)
    alarms_resolved: list[int] = field(default_factory=list)
    cases_filed: list[int] = field(default_factory=list)


def ingest(url: str, items: Iterable[Parsed], source: str, actor: Actor | None = None) -> IngestReport:
    """Everything that only reads (device look-up, rules, building the rows) happens before the write lock;
    the write transaction holds just the inserts, the rule states and the alarms. A batch written by a
    person or API client (`actor`) leaves one audit row in that same transaction."""
    now = stored_now()
    telemetry: list[Telemetry] = []
    statuses: list[Status] = []
    acks: list[CommandAck] = []
    events_seen: list[CameraEvent] = []
    seen: list[SightingIn] = []
    rejects: list[Rejected] = []
    kinds = {
        Telemetry: telemetry,
        Status: statuses,
        CommandAck: acks,
        CameraEvent: events_seen,
        SightingIn: seen,
        Rejected: rejects,
    }
    for item in items:
        kinds[type(item)].append(item)
    with transaction(url) as session:
        prepared = readings.prepare(session, telemetry, now)
        active = rulebook.active(url, session) if prepared.readings else []
        plan = rule_engine.group(active, prepared.readings, prepared.seen_before)
        rule_engine.evaluate(plan, readings.rule_states(session, plan.series))
    rejects += [Rejected(f"unknown device {t.device_code!r}", f"seq={t.seq}") for t in prepared.unknown]
    report = IngestReport()
    with write_transaction(url) as session:
        stored = readings.store(session, prepared)
        if len(stored) < len(prepared.readings):
            plan = rule_engine.group(active, stored, prepared.seen_before)
        report.statuses = iot.apply_status(session, statuses)
        for ack in acks:
            if iot.answer_command(session, ack, now):
                report.acks += 1
            else:
                rejects.append(Rejected(f"no open command {ack.command_id} for {ack.device_code!r}", ack.detail))
        kept = sightings.store(session, url, seen, now) if seen else None
        if kept is not None:
            rejects += kept.rejected
        iot.quarantine(session, rejects, source, now)
        evaluation = rule_engine.settle(session, plan, now)
        events = [EventIn(e.event_id, e.camera_code, e.type, e.confidence, e.ts, e.lon, e.lat) for e in events_seen]
        events += [
            EventIn(f"alarm-{a['id']}", a["code"], FAULTS[a["type"]], 1.0, a["raised_at"], a["lon"], a["lat"])
            for a in (iot.alarm_sources(session, evaluation.raised) if evaluation.raised else [])
            if a["type"] in FAULTS
        ]
        report.cases_filed = operations.ingest_events(session, url, events, now) if events else []
        if actor is not None:
            counts = {"received": len(telemetry), "stored": len(stored), "quarantined": len(rejects)}
            audit.record(session, actor, "readings.write", f"{source}:batch", after=counts)
    if kept is not None:
        kept.commit()
        report.sightings, report.sighting_duplicates = kept.stored, kept.duplicates
    report.stored = len(stored)
    report.duplicates = prepared.duplicates + len(prepared.readings) - len(stored)
    report.quarantined = [{"reason": r.reason, "topic": r.topic} for r in rejects]
    report.alarms_raised, report.alarms_resolved = evaluation.raised, evaluation.resolved
    if evaluation.raised or evaluation.resolved:
        bus.notify()
    return report


def ingest_api(url: str, items: list[object], actor: Actor) -> dict[str, object]:
    """`POST /api/v1/readings`: each item checked on its own (a bad one is named by its index and reason, the
    others stored), and readings of devices the register does not know reported back as quarantined."""
    parsed = [parse_api_item(item) for item in items]
    invalid = [{"index": i, "reason": p.reason} for i, p in enumerate(parsed) if isinstance(p, Rejected)]
    report = ingest(url, parsed, source="http", actor=actor)
    unknown = [q for q in report.quarantined if q["reason"].startswith("unknown device")]
    return {
        "stored": report.stored,
        "duplicates": report.duplicates,
        "quarantined": invalid + [{"index": None, "reason": q["reason"]} for q in unknown],
    }


def steady_state() -> None:
    """A long-running ingestion process calls this once it is set up. What it has loaded so far (modules,
    table metadata, compiled statements) lives for the whole run, so the collector stops walking it
    (gc.freeze); and a batch's own objects (about ten per reading) die together when the batch is done, so
    the youngest generation is collected every 20,000 allocations rather than 700, before they are promoted."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def ingest_mqtt(url: str, messages: Iterable[tuple[str, bytes]], source: str = "mqtt") -> IngestReport:
    now = stored_now()
    return ingest(url, parse_batch(messages, now), source)
