"""The sign-in throttle (#11 F4, F9, F10, F20): it slows a guesser, never locks the owner out, counts
atomically, alerts an administrator, and costs the same for unknown names."""

from __future__ import annotations

import concurrent.futures
from datetime import datetime, timedelta

import pytest

from cockpit.actor import Actor
from cockpit.services.support import audit, throttle, users
from cockpit.services.support.throttle import LIMITS, MAX_DELAY, Attempt

NOW = datetime(2026, 11, 25, 8, 0)
GUESSER = Actor("anonymous", None, source_ip="10.0.0.2")


def fail(url: str, attempt: Attempt, times: int, now: datetime = NOW) -> list[int]:
    """Reserve `times` tries one after another (each one then failing), each when the last wait is over."""
    waits = []
    for _ in range(times):
        wait = throttle.reserve(url, attempt, GUESSER, now)
        waits.append(wait)
        now += timedelta(seconds=wait)
        if wait:
            assert throttle.reserve(url, attempt, GUESSER, now) == 0
    return waits


def test_the_pair_gets_waits_that_double_up_to_the_cap(db_url):
    attempt = Attempt("admin", "10.0.0.2", trusted=False)
    for _ in range(LIMITS["pair"]):
        assert throttle.reserve(db_url, attempt, GUESSER, NOW) == 0
    assert 1 <= throttle.reserve(db_url, attempt, GUESSER, NOW) <= 2
    waits = fail(db_url, attempt, 40, NOW + timedelta(seconds=2))
    assert max(waits) <= MAX_DELAY.total_seconds() + 1
    assert waits[3] < waits[6] < waits[9]


def test_guessing_from_one_address_does_not_keep_the_owner_out(db_url):
    """F4: five wrong passwords for admin from one address; the right one from another goes straight in."""
    fail(db_url, Attempt("admin", "10.0.0.2", trusted=False), LIMITS["pair"])
    assert throttle.reserve(db_url, Attempt("admin", "10.0.0.3", trusted=False), GUESSER, NOW) == 0


def test_a_distributed_guess_slows_new_browsers_only_and_alerts(db_url):
    for n in range(LIMITS["account"]):
        assert throttle.reserve(db_url, Attempt("admin", f"10.1.0.{n}", trusted=False), GUESSER, NOW) == 0
    new_browser = throttle.reserve(db_url, Attempt("admin", "10.2.0.1", trusted=False), GUESSER, NOW)
    assert 1 <= new_browser <= 2  # a delay that grows with the attack, never a 15-minute lock at once
    assert throttle.reserve(db_url, Attempt("admin", "10.2.0.1", trusted=True), GUESSER, NOW) == 0
    alert = audit.rows(db_url, action="security.alert")[0]
    assert alert["object"] == f"account:{throttle.name_hash('admin')}" and "admin" not in alert["object"]


def test_a_spraying_address_leaves_people_with_a_device_cookie_alone(db_url):
    """F4: 20 failures from one address (a NAT) do not keep out the people behind it who signed in before."""
    for n in range(LIMITS["address"]):
        throttle.reserve(db_url, Attempt(f"user{n}", "10.0.0.9", trusted=False), GUESSER, NOW)
    assert throttle.reserve(db_url, Attempt("duty", "10.0.0.9", trusted=False), GUESSER, NOW) > 0
    assert throttle.reserve(db_url, Attempt("duty", "10.0.0.9", trusted=True), GUESSER, NOW) == 0
    assert throttle.reserve(db_url, Attempt("duty", "10.0.0.10", trusted=False), GUESSER, NOW) == 0


def test_success_clears_the_account_and_the_window_forgets(db_url):
    attempt = Attempt("lin", "10.0.0.4", trusted=False)
    fail(db_url, attempt, LIMITS["pair"])
    throttle.succeeded(db_url, attempt)
    assert throttle.reserve(db_url, attempt, GUESSER, NOW) == 0
    fail(db_url, attempt, LIMITS["pair"])
    later = NOW + throttle.WINDOW + timedelta(seconds=5)
    assert throttle.reserve(db_url, attempt, GUESSER, later) == 0


def test_simultaneous_tries_are_counted_atomically(db_url):
    """F9: 40 tries at once; only the free allowance gets its password checked."""
    attempt = Attempt("admin", "10.0.0.5", trusted=False)
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        waits = list(pool.map(lambda _: throttle.reserve(db_url, attempt, GUESSER, NOW), range(40)))
    assert waits.count(0) == LIMITS["pair"]


@pytest.fixture
def hashing(monkeypatch):
    """Counts scrypt work: the time a sign-in takes is the hashes it computes."""
    calls = {"check": 0, "make": 0}
    check, make = users.check_password_hash, users.generate_password_hash

    def counted_check(stored, password):
        calls["check"] += 1
        return check(stored, password)

    def counted_make(password):
        calls["make"] += 1
        return make(password)

    monkeypatch.setattr(users, "check_password_hash", counted_check)
    monkeypatch.setattr(users, "generate_password_hash", counted_make)
    return calls


def test_unknown_and_real_names_cost_the_same(db_url, hashing):
    """F10: one scrypt check whether the name exists, is disabled or is unknown."""
    users.add_user(db_url, Actor("cli:test", "admin"), "wu", "吴", "analyst", "a long password 1")
    users.add_user(db_url, Actor("cli:test", "admin"), "qin", "秦", "analyst", "a long password 2")
    users.set_active(db_url, Actor("cli:test", "admin"), "qin", False)
    users.authenticate(db_url, "warm-up", "x")
    for name in ("wu", "no-such-name", "qin"):
        before = dict(hashing)
        assert users.authenticate(db_url, name, "wrong password") is None
        assert (hashing["check"] - before["check"], hashing["make"] - before["make"]) == (1, 0), name


def test_failed_names_are_kept_as_a_hash_unless_they_are_accounts(db_url):
    """F20: a password typed into the name box is never stored in clear."""
    users.add_user(db_url, Actor("cli:test", "admin"), "zhou", "周", "analyst", "a long password 3")
    assert users.audit_name(db_url, "zhou") == "user:zhou"
    hashed = users.audit_name(db_url, "Tr0ub4dor&3")
    assert hashed == f"name-sha256:{throttle.name_hash('Tr0ub4dor&3')}" and "Tr0ub" not in hashed


def test_waits_are_seconds_not_a_lock(db_url):
    assert throttle.delay(LIMITS["pair"] - 1, LIMITS["pair"]) == timedelta(0)
    assert throttle.delay(LIMITS["pair"], LIMITS["pair"]) == timedelta(seconds=1)
    assert throttle.delay(1000, LIMITS["pair"]) == MAX_DELAY


def test_an_administrators_unlock_lets_the_owners_new_browser_in(db_url):
    """F4 (partly): a guesser retrying each time the wait ended kept any new browser of the owner at 429 for as
    long as they kept going; `cockpit user unlock` starts the account's counters again, audited."""
    now = NOW
    for n in range(LIMITS["account"] + 1):  # from rotating addresses
        throttle.reserve(db_url, Attempt("victim", f"127.0.4.{n}", trusted=False), GUESSER, now)
    owner = Attempt("victim", "10.9.9.9", trusted=False)
    assert throttle.reserve(db_url, owner, GUESSER, now) > 0  # the new browser waits
    admin = Actor("admin", "admin")
    assert throttle.unlock(db_url, admin, "victim") >= 1
    assert throttle.reserve(db_url, owner, GUESSER, now) == 0  # and now goes through
    assert audit.rows(db_url, action="user.unlock")[0]["object"] == "user:victim"
    other = Attempt("someone", "10.9.9.8", trusted=False)
    fail(db_url, other, LIMITS["account"] + 2, now)
    throttle.unlock(db_url, admin, "victim")
    assert throttle.reserve(db_url, other, GUESSER, now) > 0  # another account's counters are untouched
