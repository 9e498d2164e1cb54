from datetime import datetime, timedelta

from cockpit.services.iot.rules import State, evaluate, offline_breach, validate

T0 = datetime(2026, 11, 24, 6, 0)
THRESHOLD = {
    "kind": "threshold",
    "metric": "level_cm",
    "op": ">",
    "threshold": 15,
    "duration_s": 30,
    "severity": 2,
    "escalate_after_s": 300,
}
RATE = THRESHOLD | {"kind": "rate", "threshold": 5, "duration_s": 0}


def feed(rule, points):
    state, actions = State(), []
    for seconds, value in points:
        outcome = evaluate(rule, state, value, T0 + timedelta(seconds=seconds))
        state = outcome.state
        actions.append(outcome.action)
    return actions


def test_threshold_must_hold_for_its_duration():
    assert feed(THRESHOLD, [(0, 20), (10, 21), (29, 22), (30, 23)]) == [None, None, None, "raise"]


def test_a_dip_restarts_the_duration():
    assert feed(THRESHOLD, [(0, 20), (20, 10), (40, 20), (60, 20), (70, 20)]) == [None, "clear", None, None, "raise"]


def test_zero_duration_raises_at_once_and_clears():
    rule = THRESHOLD | {"duration_s": 0}
    assert feed(rule, [(0, 16), (5, 14)]) == ["raise", "clear"]


def test_rate_per_minute():
    # 2 cm in 10 s is 12 cm/min > 5
    assert feed(RATE, [(0, 1), (10, 3)]) == [None, "raise"]
    assert feed(RATE, [(0, 1), (60, 3)]) == [None, "clear"]


def test_older_values_are_ignored():
    state = evaluate(THRESHOLD, State(), 20, T0 + timedelta(seconds=50)).state
    assert evaluate(THRESHOLD, state, 0, T0).action is None


def test_offline():
    rule = {"threshold": 120}
    assert offline_breach(rule, T0, T0 + timedelta(seconds=120))
    assert not offline_breach(rule, T0, T0 + timedelta(seconds=119))


def test_validation_messages():
    assert validate(THRESHOLD) == []
    problems = validate(THRESHOLD | {"op": "~", "severity": 9, "threshold": "high", "kind": "magic"})
    assert len(problems) == 4
    assert any("severity" in p for p in problems)


def test_impossible_thresholds_are_refused():
    """F16 of the security review: a threshold of 1e308 was saved and the rule could never fire."""
    assert validate(THRESHOLD | {"threshold": 1e308}) != []
    assert validate(THRESHOLD | {"threshold": float("nan")}) != []
    assert validate(THRESHOLD | {"threshold": float("inf")}) != []
    pm25 = THRESHOLD | {"metric": "pm25", "threshold": 115}
    assert validate(pm25) == [] and "between 0 and 1500" in validate(pm25 | {"threshold": 5000})[0]
    assert validate(pm25 | {"kind": "rate", "threshold": -200}) == []
    assert validate(pm25 | {"kind": "rate", "threshold": 99_999}) != []
    offline = THRESHOLD | {"kind": "offline", "metric": None}
    assert validate(offline | {"threshold": 120}) == [] and validate(offline | {"threshold": 1}) != []


def test_a_daily_rate_is_measured_against_the_observation_a_day_before():
    """Settlement rates are per day (GB 50497): readings minutes apart are noise, not movement, and are not
    measured; the day after, 2.5 mm more is 2.5 mm/d."""
    rule = {"kind": "rate", "metric": "settle_mm", "op": ">=", "threshold": 2.0, "duration_s": 0}
    day = 86400
    assert feed(rule, [(0, 10.0), (60, 10.4), (600, 10.9), (day, 12.5)]) == [None, None, None, "raise"]
    assert feed(rule, [(0, 10.0), (day, 11.0), (2 * day, 12.0)]) == [None, "clear", "clear"]
    # a day's observation taken half an hour early still counts as the next day's
    assert feed(rule, [(0, 10.0), (day - 1800, 12.1)]) == [None, "raise"]
