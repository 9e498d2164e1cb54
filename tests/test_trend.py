"""The hyperbolic settlement forecast and JGJ 8's stability test against hand computations."""

import numpy as np

from cockpit.services.kernel import trend


def test_an_exact_hyperbola_gives_back_its_final_settlement_and_the_day_it_reaches_a_threshold():
    # s = t / (5 + t/40): final 40 mm; 30 mm is reached at t = a·S / (1 − b·S) = 5·30 / (1 − 30/40) = 600 days
    days = np.arange(1, 401, dtype=float)
    values = days / (5 + days / 40)
    found = trend.hyperbolic(days, values, 30.0)
    assert abs(found.final - 40) < 1e-6
    assert abs(found.a - 5) < 1e-6
    assert found.reach_share == 1.0
    assert all(abs(d - 600) < 1e-3 for d in found.days)


def test_the_forecast_range_is_honest_about_noisy_readings():
    """The p10-p90 range should hold the true day about eight times in ten: neither a false precision nor a
    range too wide to use."""
    days = np.arange(1, 301, dtype=float)
    held, widths = 0, []
    for k in range(60):
        noise = np.random.default_rng(k).normal(0, 0.15, len(days))
        low, mid, high = trend.hyperbolic(days, days / (5 + days / 40) + noise, 30.0, seed=k).days
        assert low < mid < high
        held += low < 600 < high
        widths.append(high - low)
    assert 0.6 <= held / 60 <= 0.95
    assert max(widths) < 100


def test_a_threshold_above_the_final_settlement_is_never_reached():
    days = np.arange(1, 301, dtype=float)
    found = trend.hyperbolic(days, days / (5 + days / 20), 30.0)
    assert found.reach_share == 0.0
    assert found.days is None


def test_too_few_points_or_no_settling_give_no_forecast():
    days = np.arange(1, 40, dtype=float)
    assert trend.hyperbolic(days, days / (5 + days / 40), 30.0) is None  # 9 points past the first 30 days
    days = np.arange(1, 200, dtype=float)
    assert trend.hyperbolic(days, 0.001 * days**2, 30.0) is None  # accelerating: b ≤ 0


def test_stability_by_the_last_hundred_days_rate():
    days = np.arange(0, 300, dtype=float)
    assert trend.stability(days, 5 + 0.02 * days).stable is True
    slow = trend.stability(days, 5 + 0.1 * days)
    assert slow.stable is False and abs(slow.rate - 0.1) < 1e-9
    assert trend.stability(np.arange(0, 50, dtype=float), np.zeros(50)).stable is None
