"""Where a settling structure is heading. JGJ 8-2016's stability test (the last 100 days' rate under a limit),
and the hyperbolic method of settlement forecasting: s(t) = t / (a + b·t) is a straight line t/s = a + b·t,
fitted by least squares; the final settlement is 1/b and the day a threshold S is reached is a·S / (1 − b·S).
The fit's uncertainty is carried through by drawing (a, b) from the fit's covariance, so the forecast is a range
(10th, 50th, 90th percentile), not a date that looks more certain than it is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STABLE_DAYS = 100
STABLE_RATE = 0.04  # mm/d: JGJ 8-2016 5.5.5 gives 0.01-0.04 mm/d by the ground's compressibility
MIN_POINTS = 20
FIT_FROM_DAYS = 30  # t/s of the first days, when s is still within the noise, would steer the line
DRAWS = 4000


@dataclass(frozen=True)
class Stability:
    rate: float | None  # mm/d over the last STABLE_DAYS, by least squares
    stable: bool | None  # None: fewer than STABLE_DAYS of observations


@dataclass(frozen=True)
class Forecast:
    a: float
    b: float
    final: float  # the settlement the fit tends to, 1/b
    r2: float
    reach_share: float  # the share of drawn fits that ever reach the threshold
    days: tuple[float, float, float] | None  # p10, p50, p90 days from the first observation to the threshold


def stability(days: np.ndarray, values: np.ndarray) -> Stability:
    if len(days) < 2 or days[-1] - days[0] < STABLE_DAYS:
        return Stability(None, None)
    recent = days >= days[-1] - STABLE_DAYS
    rate = float(np.polyfit(days[recent], values[recent], 1)[0])
    return Stability(rate, abs(rate) < STABLE_RATE)


def hyperbolic(days: np.ndarray, values: np.ndarray, threshold: float, seed: int = 0) -> Forecast | None:
    """None when the series is too short or does not settle (no positive b)."""
    usable = (days >= FIT_FROM_DAYS) & (values > 0)
    t, s = days[usable], values[usable]
    if len(t) < MIN_POINTS:
        return None
    (b, a), cov = np.polyfit(t, t / s, 1, cov=True)
    if b <= 0:
        return None
    fitted = t / (a + b * t)
    r2 = 1 - float(np.sum((s - fitted) ** 2) / max(np.sum((s - s.mean()) ** 2), 1e-12))
    draws = np.random.default_rng(seed).multivariate_normal((b, a), cov, size=DRAWS)
    bs, as_ = draws[:, 0], draws[:, 1]
    reaches = (bs > 0) & (bs * threshold < 1)
    reach_share = float(reaches.mean())
    days_at = as_[reaches] * threshold / (1 - bs[reaches] * threshold)
    days_at = days_at[days_at > 0]
    spread = None
    if reach_share >= 0.1 and len(days_at):
        p10, p50, p90 = np.percentile(days_at, (10, 50, 90))
        spread = (float(p10), float(p50), float(p90))
    return Forecast(float(a), float(b), float(1 / b), r2, reach_share, spread)


def curve(a: float, b: float, days: np.ndarray) -> np.ndarray:
    return days / (a + b * days)
