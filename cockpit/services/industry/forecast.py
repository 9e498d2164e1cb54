"""The forecasting service (预测服务), a component of the application-support platform: any monthly series in,
forecasts by ETS (Holt–Winters) and seasonal ARIMA out, each back-tested on the series' last `horizon` points
against the naive forecasts a forecaster must beat (the last value, the same month last year, the random walk
with drift). For the economy, a dynamic factor model (statsmodels DynamicFactorMQ, one factor over the seven
indicators' year-on-year log changes) adds a nowcast that borrows strength from the other indicators."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.statespace.dynamic_factor_mq import DynamicFactorMQ
from statsmodels.tsa.statespace.sarimax import SARIMAX

from cockpit.refusal import Refused

MODELS = ("naive", "snaive", "drift", "ets", "arima")
BASELINES = ("naive", "snaive", "drift")
MAX_POINTS = 600
Forecaster = Callable[[np.ndarray, int, int], np.ndarray]


def _naive(y: np.ndarray, _period: int, h: int) -> np.ndarray:
    return np.repeat(y[-1], h)


def _snaive(y: np.ndarray, period: int, h: int) -> np.ndarray:
    return np.array([y[len(y) - period + (i % period)] for i in range(h)])


def _drift(y: np.ndarray, _period: int, h: int) -> np.ndarray:
    slope = (y[-1] - y[0]) / max(1, len(y) - 1)
    return y[-1] + slope * np.arange(1, h + 1)


def _ets(y: np.ndarray, period: int, h: int) -> np.ndarray:
    seasonal = "mul" if (y > 0).all() else "add"
    model = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal=seasonal, seasonal_periods=period)
    return model.fit().forecast(h)


def _arima(y: np.ndarray, period: int, h: int) -> np.ndarray:
    model = SARIMAX(np.log(y) if (y > 0).all() else y, order=(1, 1, 1), seasonal_order=(0, 1, 1, period))
    out = model.fit(disp=False).forecast(h)
    return np.exp(out) if (y > 0).all() else out


FORECASTERS: dict[str, Forecaster] = {
    "naive": _naive,
    "snaive": _snaive,
    "drift": _drift,
    "ets": _ets,
    "arima": _arima,
}


def errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = np.abs((actual - predicted) / actual)
    return {
        "mape": round(float(np.nanmean(ape[np.isfinite(ape)]) * 100), 2) if np.isfinite(ape).any() else None,
        "rmse": round(float(np.sqrt(np.mean((actual - predicted) ** 2))), 3),
    }


def _checked(values: list[float], period: int, horizon: int) -> np.ndarray:
    if not 2 <= period <= 52 or not 1 <= horizon <= 36:
        raise Refused("forecast.bad_shape", period=period, horizon=horizon)
    y = np.asarray(values, dtype=float)
    if len(y) > MAX_POINTS or not np.isfinite(y).all():
        raise Refused("forecast.bad_values", most=MAX_POINTS)
    if len(y) < 2 * period + horizon + 2:
        raise Refused("forecast.too_short", least=2 * period + horizon + 2, got=len(y))
    return y


def forecast(values: list[float], period: int = 12, horizon: int = 12) -> dict:
    """Every model back-tested on the last `horizon` points, then refitted on all of them to forecast."""
    y = _checked(values, period, horizon)
    train, test = y[:-horizon], y[-horizon:]
    backtest, ahead = {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, RuntimeWarning, UserWarning))
        for name, model in FORECASTERS.items():
            predicted = model(train, period, horizon)
            backtest[name] = {"predicted": [round(float(v), 3) for v in predicted]} | errors(test, predicted)
            ahead[name] = [round(float(v), 3) for v in model(y, period, horizon)]
    best = min(MODELS, key=lambda m: backtest[m]["mape"] if backtest[m]["mape"] is not None else math.inf)
    base = min(backtest[b]["mape"] or math.inf for b in BASELINES)
    return {
        "horizon": horizon,
        "period": period,
        "backtest": backtest,
        "forecast": ahead,
        "best": best,
        "beats_baselines": {m: (backtest[m]["mape"] or math.inf) < base for m in ("ets", "arima")},
    }


def dynamic_factor(panel: pd.DataFrame, target: str, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """(back-test forecast of the last `horizon` months, forecast ahead) of `target` from one common factor of
    the panel's year-on-year log changes; a level is last year's level times the forecast change."""
    growth = np.log(panel).diff(12).dropna()

    def run(levels: pd.DataFrame, changes: pd.DataFrame) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = DynamicFactorMQ(changes, factors=1, factor_orders=1, idiosyncratic_ar1=True)
            ahead = model.fit(disp=False, maxiter=200).forecast(horizon)[target].to_numpy()
        return levels[target].to_numpy()[-12:][:horizon] * np.exp(ahead)

    back = run(panel.iloc[:-horizon], growth.iloc[:-horizon])
    return back, run(panel, growth)
