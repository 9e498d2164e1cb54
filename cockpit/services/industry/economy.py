"""The economy at a glance (经济运行): the districts' monthly indicators (generated, labelled) with year-on-year
change, their forecasts, the real aggregates of Beijing's listed companies by industry and year, and the
return-to-work picture by power use."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from cockpit.profile import INDICATOR_SOURCE, INDICATORS
from cockpit.refusal import Refused
from cockpit.services.industry import enterprises, forecast
from cockpit.vocab import PRODUCTION_STATES
from data_access import industry as store
from data_access.db import transaction

NAMES = tuple(INDICATORS)


def _district(url: str, district: str | None) -> str | None:
    if district and not (enterprises.frame(url)["district_adcode"] == district).any():
        raise Refused("industry.no_district", http=404, district=district)
    return district or None


@cache
def panel(url: str, district: str | None = None) -> pd.DataFrame:
    """Month × indicator: the district's values, or the city's sums."""
    with transaction(url) as session:
        columns = {}
        for name in NAMES:
            rows = pd.DataFrame(store.indicator_rows(session, name, district), columns=["district", "month", "v"])
            columns[name] = rows.groupby("month")["v"].sum()
    found = pd.DataFrame(columns)
    found.index = pd.PeriodIndex(pd.to_datetime(found.index), freq="M")
    return found


def indicators(url: str, district: str | None = None) -> list[dict]:
    """Each indicator's latest month, its year-on-year change and its last 36 months."""
    data = panel(url, _district(url, district))
    out = []
    for name in NAMES:
        title, unit, _level, _growth, kind, _season = INDICATORS[name]
        y = data[name]
        yoy = (y.iloc[-12:].sum() / y.iloc[-24:-12].sum() - 1) if kind == "flow" else (y.iloc[-1] / y.iloc[-13] - 1)
        out.append(
            {
                "name": name,
                "title": title,
                "unit": unit,
                "kind": kind,
                "month": y.index[-1].strftime("%Y-%m"),
                "latest": round(float(y.iloc[-1]), 2),
                "year_total": round(float(y.iloc[-12:].sum()), 1) if kind == "flow" else None,
                "yoy": round(float(yoy) * 100, 1),
                "months": [p.strftime("%Y-%m") for p in y.index[-36:]],
                "values": y.iloc[-36:].round(2).tolist(),
                "source": INDICATOR_SOURCE,
            }
        )
    return out


def by_district(url: str, name: str) -> list[dict]:
    if name not in INDICATORS:
        raise Refused("industry.no_indicator", http=404, indicator=name)
    kind = INDICATORS[name][4]
    with transaction(url) as session:
        rows = pd.DataFrame(store.indicator_rows(session, name), columns=["district", "month", "v"])
    months = sorted(rows["month"].unique())
    last, before = months[-12:], months[-24:-12]
    grouped = rows.groupby("district")
    out = []
    for code, group in grouped:
        recent = group[group["month"].isin(last)]["v"]
        prior = group[group["month"].isin(before)]["v"]
        value = recent.sum() if kind == "flow" else recent.iloc[-1]
        base = prior.sum() if kind == "flow" else prior.iloc[-1]
        out.append({"district": code, "value": round(float(value), 1), "yoy": round(float(value / base - 1) * 100, 1)})
    return sorted(out, key=lambda r: -r["value"])


@cache
def outlook(url: str, name: str, district: str | None = None, horizon: int = 12) -> dict:
    """The indicator's series, its forecasts and their back-test, with the dynamic factor nowcast added."""
    if name not in INDICATORS:
        raise Refused("industry.no_indicator", http=404, indicator=name)
    data = panel(url, _district(url, district))
    y = data[name]
    found = forecast.forecast(y.tolist(), 12, horizon)
    back, ahead = forecast.dynamic_factor(data, name, horizon)
    found["backtest"]["dfm"] = {"predicted": [round(float(v), 3) for v in back]} | forecast.errors(
        y.to_numpy()[-horizon:], back
    )
    found["forecast"]["dfm"] = [round(float(v), 3) for v in ahead]
    found["best"] = min(found["backtest"], key=lambda m: found["backtest"][m]["mape"] or float("inf"))
    return found | {
        "indicator": name,
        "district": district,
        "months": [p.strftime("%Y-%m") for p in y.index],
        "values": y.round(3).tolist(),
        "future": [(y.index[-1] + i).strftime("%Y-%m") for i in range(1, horizon + 1)],
    }


def listed_by_industry(url: str, top: int = 12) -> dict:
    """The real revenue and net profit of Beijing's listed companies by industry, 2022–2024 (100 million CNY)."""
    firms = enterprises.beijing(url)
    firms = firms[firms["listed"]]
    years = enterprises.YEARS
    sums = firms.groupby("industry")[[f"revenue_{y}" for y in years] + [f"net_profit_{y}" for y in years]].sum()
    sums = sums.sort_values(f"revenue_{years[-1]}", ascending=False).head(top) / 1e8
    return {
        "years": list(years),
        "rows": [
            {
                "industry": industry,
                "firms": int((firms["industry"] == industry).sum()),
                "revenue": [round(float(row[f"revenue_{y}"]), 1) for y in years],
                "net_profit": [round(float(row[f"net_profit_{y}"]), 1) for y in years],
            }
            for industry, row in sums.iterrows()
        ],
        "total_revenue": [round(float(firms[f"revenue_{y}"].sum() / 1e8), 1) for y in years],
        "companies": len(firms),
    }


def production_state(power: float | None) -> str | None:
    if power is None or np.isnan(power):
        return None
    return next(state for state, least in PRODUCTION_STATES if power >= least)


def production(url: str, district: str | None = None) -> dict:
    """Return to work (复工复产) by power use against each firm's own normal (generated, labelled)."""
    firms = enterprises.beijing(url)
    if district:
        firms = firms[firms["district_adcode"] == _district(url, district)]
    states = firms["power_index"].map(production_state)
    counts = {state: int((states == state).sum()) for state, _least in PRODUCTION_STATES}
    total = max(1, sum(counts.values()))
    grouped = firms.assign(state=states).groupby("industry")["state"]
    by_industry = grouped.apply(lambda s: round(100 * float((s == "normal").mean()), 1))[grouped.size() >= 5]
    by_industry = by_industry.sort_values()
    return {
        "counts": counts,
        "rate": round(100 * counts["normal"] / total, 1),
        "power": round(float(firms["power_index"].mean() * 100), 1) if len(firms) else None,
        "lowest": [{"industry": k, "rate": v} for k, v in by_industry.head(6).items()],
    }
