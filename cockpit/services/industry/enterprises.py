"""Enterprises as one frame: the register (real listed companies, generated SMEs) joined with their financials,
read once per database (nothing on the industry pages edits them; `cockpit init` loads them)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from data_access import industry as store
from data_access.db import transaction

YEARS = (2022, 2023, 2024)
FIELDS = ("revenue", "net_profit", "operating_profit", "total_profit", "total_assets", "roe_pct")


@cache
def frame(url: str) -> pd.DataFrame:
    """One row per enterprise: the register's columns and, per year, the financial fields as `field_year`."""
    with transaction(url) as session:
        firms = pd.DataFrame(store.enterprises(session))
        money = pd.DataFrame(store.financials(session))
    if firms.empty:
        return firms
    wide = money.pivot_table(index="code", columns="year", values=list(FIELDS), aggfunc="first")
    wide.columns = [f"{name}_{year}" for name, year in wide.columns]
    out = firms.set_index("code").join(wide, how="left")
    for name in FIELDS:
        for year in YEARS:
            if f"{name}_{year}" not in out:
                out[f"{name}_{year}"] = np.nan
    out["main_business"] = out["main_business"].fillna("")
    return out.reset_index()


def beijing(url: str) -> pd.DataFrame:
    found = frame(url)
    return found[found["is_beijing"]] if not found.empty else found
