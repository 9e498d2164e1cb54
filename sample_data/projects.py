"""Construction projects of the detail zone (generated, labelled): the development plan's key projects and the
building OpenStreetMap marks as under construction become projects at every stage from approval to operation.
Their owners and contractors are real Beijing listed companies (property developers, construction firms) from
the listed-company register in sample_data/enterprises, assigned here by a seeded draw — the assignment, the
budgets, dates and progress are generated; no real company is building these."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from sample_data.licences import ENTERPRISES

KIND_OF_USE = {"R2": "residential", "B1": "commercial", "A33": "school"}
FLOORS = {"residential": 18, "commercial": 12, "school": 4}
KIND_NAMES = {"residential": "住宅项目", "commercial": "商业办公项目", "school": "学校项目"}  # the register's own words
COST_YUAN_M2 = {"residential": 4_200, "commercial": 5_200, "school": 4_800}  # building cost per m² of floor
STAGES_DRAWN = (  # how far each project has come, in the order projects are drawn
    "construction",
    "construction",
    "approval",
    "construction",
    "operation",
    "planning_permit",
    "construction_permit",
    "construction",
    "acceptance",
    "approval",
    "planning_permit",
    "operation",
    "construction_permit",
)
OWNER_INDUSTRIES = ("区域地产", "全国地产")
CONTRACTOR_INDUSTRIES = ("建筑工程", "装修装饰")


@dataclass(frozen=True)
class Drawn:
    stage: str
    owner: str
    contractor: str
    started_days_ago: int  # the schedule's day 0 before today (negative: it starts later)
    pace: float  # actual durations against planned: above 1 is slower
    spend: float  # budget spent against the work done


@cache
def _companies(industries: tuple[str, ...]) -> tuple[str, ...]:
    frame = pd.read_csv(ENTERPRISES, dtype=str)
    chosen = frame[(frame["is_beijing"] == "True") & frame["industry_tushare"].isin(industries)]
    return tuple(sorted(chosen["full_name"].dropna()))


def draw(n: int, seed: int) -> list[Drawn]:
    rng = np.random.default_rng(seed + 16)
    owners, contractors = _companies(OWNER_INDUSTRIES), _companies(CONTRACTOR_INDUSTRIES)
    out = []
    for k in range(n):
        stage = STAGES_DRAWN[k % len(STAGES_DRAWN)]
        ago = {
            "approval": -420,
            "planning_permit": -300,
            "construction_permit": -60,
            "construction": int(rng.integers(90, 420)),
            "acceptance": 560,
            "operation": 900,
        }[stage]
        out.append(
            Drawn(
                stage,
                str(owners[int(rng.integers(len(owners)))]),
                str(contractors[int(rng.integers(len(contractors)))]),
                ago,
                float(rng.choice([0.95, 1.05, 1.15, 1.3])),
                float(rng.uniform(0.9, 1.15)),
            )
        )
    return out
