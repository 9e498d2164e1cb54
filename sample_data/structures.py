"""Structural monitoring of the generated projects (generated, labelled): which sensors a project carries at its
stage, where they sit on its site, and what they read on a given day. Readings follow the textbook shapes —
settlement along a hyperbola t/(a+bt) towards its final value, tilt with the settlement, a crack opening
towards its final width, steel strain with the seasons, ground vibration while work goes on — plus measurement
noise. One building in construction settles more than its design allows: its final settlement is above the
control value and it stands in the warning band today, so the forecast has something to warn of."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np
from shapely.geometry import Polygon

# stage -> (device type, how many) on each project at that stage
SENSORS = {
    "construction": (("settlement", 4), ("inclinometer", 1), ("strain_gauge", 1), ("vibration", 1)),
    "acceptance": (("settlement", 4), ("inclinometer", 1), ("crack_meter", 1)),
    "operation": (("settlement", 4), ("inclinometer", 1), ("crack_meter", 1), ("strain_gauge", 1)),
}
TAGS = {"settlement": "CJ", "inclinometer": "QX", "crack_meter": "LF", "strain_gauge": "YB", "vibration": "ZD"}  # 沉降…
NAMES = {  # the register's own words for the sensors
    "settlement": "沉降观测点",
    "inclinometer": "倾斜仪",
    "crack_meter": "裂缝计",
    "strain_gauge": "应变计",
    "vibration": "测振仪",
}
OWNER = "区住房城乡建设委"
HEAVY_NOW = 0.75  # the settling building stands at this share of its 30 mm control value today
HEAVY_FINAL_MM = 60.0
HEAVY_MIN_AGE_DAYS = 120  # under way long enough for a trend
NOISE = {"settle_mm": 0.12, "incline_permil": 0.02, "crack_mm": 0.01, "strain_ue": 12.0}


@dataclass(frozen=True)
class Model:
    """One sensor's curve: settlement t/(a+bt) with b = 1/final; the other metrics scale from `final`."""

    metric: str
    a: float
    final: float


def code(project_code: str, device_type: str, n: int) -> str:
    """Short, as a survey's point numbers are (CJ01 is settlement point 1): device codes hold 32 characters."""
    return f"{project_code}-{TAGS[device_type]}{n:02d}"


def places(site: Polygon, device_type: str, count: int) -> list[tuple[float, float]]:
    """Settlement points at the corners of the building, the others along its sides: on the site's outline,
    moved a little inwards."""
    inner = site.buffer(-0.00004) if site.buffer(-0.00004).area > 0 else site
    start = {"settlement": 0.125, "inclinometer": 0.3, "crack_meter": 0.55, "strain_gauge": 0.7, "vibration": 0.9}
    points = [inner.exterior.interpolate((start[device_type] + k / count) % 1, normalized=True) for k in range(count)]
    return [(round(p.x, 6), round(p.y, 6)) for p in points]


def model(device_code: str, metric: str, age_days: int, heavy: bool) -> Model:
    """A sensor's curve, the same on every run. The heavy building's `a` is chosen so that today (`age_days`
    after the first observation) it has settled HEAVY_NOW of its control value."""
    rng = np.random.default_rng(zlib.crc32(device_code.encode()))
    if heavy:
        final = HEAVY_FINAL_MM * float(rng.uniform(0.95, 1.05))
        now = 30.0 * HEAVY_NOW * float(rng.uniform(0.97, 1.03))
        a = max(age_days, 30) * (1 / now - 1 / final)
    else:
        final = float(rng.uniform(8.0, 18.0))
        a = 1 / float(rng.uniform(0.25, 0.6))  # the first day's rate, mm/d
    return Model(metric, a, final)


def settlement(m: Model, t: float) -> float:
    return t / (m.a + t / m.final) if t > 0 else 0.0


def value(m: Model, device_code: str, day: date, t: int) -> float:
    """What the sensor reads `t` days after the first observation, on `day`."""
    noise = np.random.default_rng([zlib.crc32(device_code.encode()), day.toordinal()])
    s = settlement(m, t)
    if m.metric == "settle_mm":
        return round(s + float(noise.normal(0, NOISE["settle_mm"])), 2)
    if m.metric == "incline_permil":
        return round(max(0.0, 0.05 * s + float(noise.normal(0, NOISE["incline_permil"]))), 3)
    if m.metric == "crack_mm":
        return round(0.15 + 0.04 * s + float(noise.normal(0, NOISE["crack_mm"])), 3)
    if m.metric == "strain_ue":
        season = math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365.25)
        return round(380 + 8 * s + 150 * season + float(noise.normal(0, NOISE["strain_ue"])), 1)
    return round(float(noise.lognormal(1.0, 0.35)), 2)  # ppv_mms: a day's peak while the site works
