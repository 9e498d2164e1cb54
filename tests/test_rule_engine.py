"""Rules split around the write lock: evaluated on the states read before it, evaluated again inside it when
another process moved a state meanwhile; late readings stored but not driving alarms; rule edits at once."""

from datetime import UTC, datetime, timedelta

import orjson

from cockpit.actor import Actor
from cockpit.services.iot import ingestion, rule_engine, rulebook
from data_access import readings
from data_access.db import transaction, write_transaction
from data_access.ingest import parse_batch

DEVICE = "110108-manhole_tilt-00001"
ADMIN = Actor("admin", "admin")
NOW = datetime.now(UTC).replace(tzinfo=None)


def tilt(seq: int, value: float, seconds_ago: float) -> tuple[str, bytes]:
    ts = NOW - timedelta(seconds=seconds_ago)
    return f"city/iot/{DEVICE}/telemetry", orjson.dumps(
        {"ts": ts.isoformat() + "Z", "seq": seq, "values": {"tilt_deg": value}}
    )


def planned(url: str, messages: list[tuple[str, bytes]]) -> tuple[readings.Prepared, rule_engine.RulePlan]:
    with transaction(url) as session:
        prepared = readings.prepare(session, parse_batch(messages, NOW), NOW)
        plan = rule_engine.group(rulebook.active(url, session), prepared.readings, prepared.seen_before)
        rule_engine.evaluate(plan, readings.rule_states(session, plan.series))
    return prepared, plan


def test_a_state_moved_by_another_process_is_evaluated_again(city_db):
    prepared, plan = planned(city_db, [tilt(2, 25.0, 5)])
    pair = next(iter(plan.series))
    state, outcomes = plan.results[pair]
    assert state.breach_since is not None and [o.action for o in outcomes] == []  # 10 s not held yet
    with write_transaction(city_db) as session:  # meanwhile another process saw the breach start 20 s ago
        started = NOW - timedelta(seconds=20)
        readings.save_rule_states(session, {pair: (started, 24.0, started)})
    with write_transaction(city_db) as session:
        readings.store(session, prepared)
        evaluation = rule_engine.settle(session, plan, NOW)
    assert len(evaluation.raised) == 1


def test_unchanged_states_use_the_evaluation_made_before_the_lock(city_db):
    prepared, plan = planned(city_db, [tilt(1, 25.0, 20), tilt(2, 26.0, 5)])
    pair = next(iter(plan.series))
    assert [o.action for o in plan.results[pair][1]] == ["raise"]
    with write_transaction(city_db) as session:
        readings.store(session, prepared)
        assert len(rule_engine.settle(session, plan, NOW).raised) == 1
        assert readings.rule_states(session, [pair])[pair][0] == NOW - timedelta(seconds=20)


def test_quiet_readings_keep_no_threshold_state(city_db):
    ingestion.ingest_mqtt(city_db, [tilt(1, 1.0, 30), tilt(2, 25.0, 20)])
    with transaction(city_db) as session:
        assert len(readings.rule_states(session, _pairs(city_db))) == 1  # breach pending
    ingestion.ingest_mqtt(city_db, [tilt(3, 1.0, 10)])
    with transaction(city_db) as session:
        assert readings.rule_states(session, _pairs(city_db)) == {}


def test_late_readings_are_stored_but_raise_nothing(city_db):
    ingestion.ingest_mqtt(city_db, [tilt(5, 1.0, 10)])
    late = ingestion.ingest_mqtt(city_db, [tilt(3, 40.0, 60), tilt(4, 40.0, 40)])
    assert late.stored == 2 and late.alarms_raised == []


def test_a_rule_edit_applies_to_the_next_batch_at_once(city_db):
    rule = next(r for r in rulebook.all_rules(city_db) if r["device_type"] == "manhole_tilt")
    ingestion.ingest_mqtt(city_db, [tilt(1, 1.0, 30)])  # the rules are now cached for this database
    assert rulebook.update(city_db, ADMIN, rule["id"], {"threshold": 0.5, "duration_s": 0}) == []
    assert len(ingestion.ingest_mqtt(city_db, [tilt(2, 1.0, 20)]).alarms_raised) == 1


def _pairs(url: str) -> list[tuple[int, int]]:
    rule = next(r for r in rulebook.all_rules(url) if r["device_type"] == "manhole_tilt")
    with transaction(url) as session:
        device_id = readings.device_index(session, [DEVICE])[DEVICE][0]
    return [(rule["id"], device_id)]
