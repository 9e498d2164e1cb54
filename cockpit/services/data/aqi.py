"""China's Air Quality Index after HJ 633-2012, used for real-time (hourly) reporting.

Real-time reports use 1-hour concentrations; PM2.5 and PM10 have no 1-hour breakpoints, so their hourly
values are scored on the 24-hour table, as the national real-time publication does. SO2 above 800 µg/m³
(1-hour) falls back to the 24-hour table, as the standard prescribes."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from cockpit.vocab import PALETTE

IAQI_STEPS = (0, 50, 100, 150, 200, 300, 400, 500)

# pollutant -> concentration breakpoints matching IAQI_STEPS (µg/m³, CO in mg/m³)
BREAKPOINTS_1H = {
    "so2": (0, 150, 500, 650, 800),
    "no2": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "co": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 35, 75, 115, 150, 250, 350, 500),
}
SO2_24H = (0, 50, 150, 475, 800, 1600, 2100, 2620)

# (upper AQI bound, level key, colour of the standard's table)
LEVELS = (
    (50, "excellent", PALETTE["aqi_excellent"]),
    (100, "good", PALETTE["aqi_good"]),
    (150, "light", PALETTE["aqi_light"]),
    (200, "moderate", PALETTE["aqi_moderate"]),
    (300, "heavy", PALETTE["aqi_heavy"]),
    (math.inf, "severe", PALETTE["aqi_severe"]),
)


@dataclass(frozen=True)
class Aqi:
    value: int
    level: str
    color: str
    primary: str | None


def iaqi(pollutant: str, concentration: float) -> int:
    """Individual index, rounded up as the standard says; capped at 500 beyond the table."""
    table = BREAKPOINTS_1H[pollutant]
    if pollutant == "so2" and concentration > table[-1]:
        table = SO2_24H
    if concentration < 0:
        raise ValueError(f"negative concentration for {pollutant}: {concentration}")
    if concentration >= table[-1]:
        return 500 if len(table) == len(IAQI_STEPS) else IAQI_STEPS[len(table) - 1]
    i = bisect.bisect_right(table, concentration) - 1
    low_c, high_c = table[i], table[i + 1]
    low_i, high_i = IAQI_STEPS[i], IAQI_STEPS[i + 1]
    return math.ceil((high_i - low_i) / (high_c - low_c) * (concentration - low_c) + low_i)


def level_of(value: int) -> tuple[str, str]:
    for upper, key, color in LEVELS:
        if value <= upper:
            return key, color
    raise AssertionError("unreachable: the last level has no upper bound")


def aqi(concentrations: dict[str, float | None]) -> Aqi | None:
    """AQI from one hour's concentrations (µg/m³; CO in mg/m³); None when no pollutant was measured."""
    scores = {p: iaqi(p, c) for p, c in concentrations.items() if c is not None and p in BREAKPOINTS_1H}
    if not scores:
        return None
    value = max(scores.values())
    level, color = level_of(value)
    primary = max(scores, key=scores.__getitem__) if value > 50 else None
    return Aqi(value, level, color, primary)
