"""The forecasting service on series whose answer is known: a seasonal series with a trend, where the
seasonal models must beat the naive ones in the back-test, a hand-checked back-test error, and the
refusals (too short, bad shape, not finite)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cockpit.refusal import Refused
from cockpit.services.industry import forecast


def _seasonal(months: int = 72, seed: int = 1) -> list[float]:
    rng = np.random.default_rng(seed)
    season = np.array([0.8, 0.85, 1.0, 1.0, 1.05, 1.1, 1.2, 1.2, 1.05, 1.0, 0.95, 1.3])
    trend = 100 * 1.004 ** np.arange(months)
    return (trend * np.tile(season, months // 12 + 1)[:months] * rng.normal(1, 0.01, months)).tolist()


def test_seasonal_models_beat_the_naive_ones_on_a_seasonal_series():
    found = forecast.forecast(_seasonal(), 12, 12)
    mape = {m: found["backtest"][m]["mape"] for m in forecast.MODELS}
    assert mape["ets"] < mape["naive"] and mape["arima"] < mape["naive"] and mape["ets"] < mape["drift"]
    assert found["beats_baselines"] == {"ets": True, "arima": True}
    assert len(found["forecast"]["ets"]) == 12 and found["best"] in ("ets", "arima")


def test_the_naive_back_test_error_is_the_hand_computed_one():
    values = [float(v) for v in range(1, 40)]  # a straight line: the naive forecast repeats 33
    found = forecast.forecast(values, 12, 6)
    actual = np.arange(34, 40)
    assert found["backtest"]["naive"]["mape"] == pytest.approx(
        round(float(np.mean(np.abs(actual - 33) / actual)) * 100, 2)
    )
    assert found["backtest"]["drift"]["mape"] == 0.0  # the random walk with drift follows a line exactly
    assert found["backtest"]["snaive"]["predicted"] == [22.0, 23.0, 24.0, 25.0, 26.0, 27.0]


@pytest.mark.parametrize(
    ("values", "period", "horizon", "key"),
    [
        ([1.0] * 20, 12, 12, "forecast.too_short"),
        ([1.0] * 60, 1, 12, "forecast.bad_shape"),
        ([1.0] * 60, 12, 0, "forecast.bad_shape"),
        ([1.0] * 59 + [float("nan")], 12, 12, "forecast.bad_values"),
        ([1.0] * 601, 12, 12, "forecast.bad_values"),
    ],
)
def test_unusable_series_are_refused(values, period, horizon, key):
    with pytest.raises(Refused) as refused:
        forecast.forecast(values, period, horizon)
    assert refused.value.key == key and refused.value.http == 400


def test_the_dynamic_factor_nowcast_borrows_from_a_co_moving_series():
    a = np.array(_seasonal(84, 1))
    panel = pd.DataFrame({"a": a, "b": a * 1.5 * np.random.default_rng(2).normal(1, 0.01, 84)})
    panel.index = pd.period_range("2019-01", periods=84, freq="M")
    back, ahead = forecast.dynamic_factor(panel, "a", 12)
    assert len(back) == 12 and len(ahead) == 12
    error = np.mean(np.abs(back - a[-12:]) / a[-12:])
    assert error < 0.05  # last year's month × the factor's year-on-year change
