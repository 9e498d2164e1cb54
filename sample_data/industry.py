"""The sample city's economy for industry development (产业发展), real where a source exists and generated where
none does, every generated part labelled.

Real: the 6,194 listed companies (538 registered in Beijing), their industries (Tushare's classes), main
business and 2022–2024 annual financials (sample_data/enterprises, from Tushare via two public repositories).

Generated (seeded), because no source publishes them:
- **where a Beijing listed company sits** — the register gives the city only. The rule: a company whose
  industry belongs to a park's cluster (PARKS) is placed in that park with probability 0.7 (the park drawn by
  the seed among the cluster's parks), otherwise in a district drawn by the districts' 2023 GDP shares
  (GDP_SHARES); the point is uniform inside the park's 1.5 km disc or the district polygon;
- **small and medium enterprises** filling the districts, in the Beijing listed companies' industry mix,
  revenue log-normal around 30 million CNY;
- **monthly economic indicators by district** (INDICATORS): the city's 2023 level of each indicator split by
  GDP share, a yearly trend, the indicator's seasonal shape (Spring Festival dip, year-end peak), the 2020 and
  2022 epidemic shocks, and 3 % noise;
- **each enterprise's power use over the last 30 days** (the return-to-work proxy) against its own normal."""

from __future__ import annotations

import csv
import gzip
import math
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point

from cockpit.profile import GDP_SHARES, INDICATORS, PARK_RADIUS_DEG, PARKS, Park

HERE = Path(__file__).resolve().parent / "enterprises"
COMPANIES = HERE / "listed_companies.csv.gz"
FINANCIALS = HERE / "listed_companies_financials_2022_2024.csv.gz"
SOURCE = "Tushare listed-company register via yymsunday/finance_assessment (CC0) and henrylin99/stock_web_app (MIT)"
FINANCIAL_FIELDS = (
    "revenue",
    "operating_profit",
    "total_profit",
    "net_profit",
    "total_assets",
    "fixed_assets",
    "roe_pct",
    "bps",
    "eps",
)




PARK_SHARE = 0.7
SME_COUNT = 480
SME_WORDS = ("华创", "中科", "京能", "博远", "智行", "新程", "海普", "瑞康", "云启", "鼎信", "天工", "泽润")
SME_SUFFIX = {"软件服务": "软件", "互联网": "网络科技", "医疗保健": "医疗器械", "生物制药": "生物科技"}

SHOCKS = {  # month -> multiplier on flows (stocks take a fifth of it): Beijing's 2020 and 2022 epidemic months
    date(2020, 2, 1): 0.62,
    date(2020, 3, 1): 0.75,
    date(2020, 4, 1): 0.86,
    date(2020, 5, 1): 0.93,
    date(2022, 5, 1): 0.85,
    date(2022, 11, 1): 0.9,
    date(2022, 12, 1): 0.86,
}
FIRST_MONTH = date(2019, 1, 1)
LAST_MONTH = date(2025, 12, 1)


def _read(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _in_polygon(rng: np.random.Generator, polygon: shapely.Geometry) -> tuple[float, float]:
    west, south, east, north = polygon.bounds
    while True:
        point = Point(rng.uniform(west, east), rng.uniform(south, north))
        if polygon.contains(point):
            return round(point.x, 6), round(point.y, 6)


def _in_park(rng: np.random.Generator, park: Park) -> tuple[float, float]:
    angle, radius = rng.uniform(0, 2 * math.pi), PARK_RADIUS_DEG * math.sqrt(rng.uniform())
    return round(park.lon + radius * math.cos(angle) * 1.3, 6), round(park.lat + radius * math.sin(angle), 6)


def _place(
    rng: np.random.Generator, industry: str, districts: dict[str, shapely.Geometry]
) -> tuple[str, float, float, str]:
    parks = [p for p in PARKS if industry in p.industries]
    if parks and rng.uniform() < PARK_SHARE:
        park = parks[int(rng.integers(len(parks)))]
        return (park.district, *_in_park(rng, park), park.code)
    codes = list(GDP_SHARES)
    weights = np.array([GDP_SHARES[c] for c in codes])
    district = codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
    return (district, *_in_polygon(rng, districts[district]), "")


def _power(rng: np.random.Generator, hard_hit: bool) -> float:
    """This month's power use against the firm's own normal: most firms run normally, some partly, a few idle."""
    draw = rng.uniform()
    if hard_hit or draw < 0.04:
        return round(float(rng.uniform(0.05, 0.45)), 3)
    if draw < 0.16:
        return round(float(rng.uniform(0.5, 0.8)), 3)
    return round(float(rng.normal(1.0, 0.08)), 3)


def enterprises(district_rows: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """The listed companies (all of them: Beijing's placed on the map, the rest the pool for recommendations),
    their financials, and the generated small and medium enterprises."""
    rng = np.random.default_rng(seed + 1756)
    districts = {d["adcode"]: shapely.from_geojson(d["geometry"]) for d in district_rows}
    financials = [
        {"code": r["ts_code"], "year": int(r["year"])} | {f: _number(r[f]) for f in FINANCIAL_FIELDS}
        for r in _read(FINANCIALS)
    ]
    losses: dict[str, int] = {}
    for f in financials:
        losses[f["code"]] = losses.get(f["code"], 0) + int((f["net_profit"] or 0) < 0)
    rows = []
    for r in _read(COMPANIES):
        beijing = r["is_beijing"] == "True"
        industry = r["industry_tushare"] or "综合类"
        district, lon, lat, park = _place(rng, industry, districts) if beijing else ("", None, None, "")
        rows.append(
            {
                "code": r["ts_code"],
                "name": r["short_name"] or r["full_name"],
                "full_name": r["full_name"],
                "industry": industry,
                "province": r["province"],
                "city": r["city"],
                "is_beijing": beijing,
                "listed": True,
                "district_adcode": district or None,
                "park": park or None,
                "lon": lon,
                "lat": lat,
                "employees": _number(r["employees"]),
                "reg_capital_wan": _number(r["reg_capital_10k_cny"]),
                "main_business": r["main_business"][:500],
                "list_date": r["list_date"] or None,
                "power_index": _power(rng, losses.get(r["ts_code"], 0) == 3) if beijing else None,
                "generated": False,
                "source": SOURCE + ("; location generated by the park/GDP-share rule" if beijing else ""),
            }
        )
    mix = [r["industry"] for r in rows if r["is_beijing"]]
    for serial in range(1, SME_COUNT + 1):
        industry = mix[int(rng.integers(len(mix)))]
        district, lon, lat, park = _place(rng, industry, districts)
        word = SME_WORDS[int(rng.integers(len(SME_WORDS)))]
        name = f"北京{word}{SME_SUFFIX.get(industry, '科技')}有限公司（生成{serial:03d}）"
        revenue = float(np.exp(rng.normal(math.log(3.0e7), 0.9)))
        rows.append(
            {
                "code": f"SME{serial:05d}",
                "name": name,
                "full_name": name,
                "industry": industry,
                "province": "北京",
                "city": "北京市",
                "is_beijing": True,
                "listed": False,
                "district_adcode": district,
                "park": park or None,
                "lon": lon,
                "lat": lat,
                "employees": float(max(5, round(revenue / 6.0e5))),
                "reg_capital_wan": round(revenue / 2.0e4, 1),
                "main_business": "",
                "list_date": None,
                "power_index": _power(rng, False),
                "generated": True,
                "source": f"generated (seed {seed}): industry from the Beijing listed mix, revenue log-normal",
            }
        )
        financials.append(
            {"code": f"SME{serial:05d}", "year": 2024}
            | dict.fromkeys(FINANCIAL_FIELDS)
            | {"revenue": round(revenue, 2)}
        )
    return rows, financials


def months() -> list[date]:
    out, month = [], FIRST_MONTH
    while month <= LAST_MONTH:
        out.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out


def indicators(seed: int) -> list[dict]:
    rng = np.random.default_rng(seed + 2024)
    rows = []
    for name, (_title, _unit, level, growth, kind, season) in INDICATORS.items():
        for district, share in GDP_SHARES.items():
            drift = rng.normal(0, 0.01)  # each district grows a little faster or slower than the city
            for month in months():
                years = (month.year - 2023) + (month.month - 6.5) / 12
                shock = SHOCKS.get(month, 1.0)
                if kind == "stock":
                    shock = 1 - (1 - shock) / 5
                value = level * share * (1 + growth + drift) ** years * season[month.month - 1] * shock
                value *= rng.normal(1.0, 0.03 if kind == "flow" else 0.004)
                rows.append({"district_adcode": district, "name": name, "month": month, "value": round(value, 3)})
    return rows
