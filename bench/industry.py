"""Industry development: recommendation latency over the ~5,650 listed companies outside Beijing, forecast fit
time per series, and every forecaster's back-test error against the naive baselines, in the same run.

    .venv/bin/python bench/industry.py [--repeat 30]

Recommendations (`cockpit.services.industry.attraction.recommend`) for every node of the four chains, --repeat times
each (target p95 <= 200 ms); baseline: the same scoring written row by row in Python (a loop over the pool
with `str.__contains__` per keyword), the way a first version would, for one node. Forecasts
(`cockpit.services.industry.forecast.forecast`: five models each fitted twice, back-test and forward) on the
city's seven
indicators and one district's (target <= 2 s per series, all models together); errors are MAPE on the last 12
months, with each model's ratio to the seasonal-naive MAPE (below 1 beats it)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import BENCH, fresh_city, pct

from cockpit.services.industry import attraction, chain_gaps, economy, enterprises, forecast
from cockpit.services.industry.chains import NODES
from sample_data.scenarios import enterprises as scenarios_enterprises


def _loop_baseline(url: str, node_key: str) -> float:
    """Row-by-row scoring of the pool for one node: match, scale rank and growth, no vectorisation."""
    node = NODES[node_key]
    firms = enterprises.frame(url)
    pool = firms[firms["listed"] & ~firms["is_beijing"]]
    started = time.perf_counter()
    scored = []
    for row in pool.to_dict("records"):
        named = sum(k in row["main_business"] for k in node.keywords)
        match = 0.8 * min(1.0, named / 2) + 0.2 * (row["industry"] in node.industries)
        if match:
            first, last = row["revenue_2022"], row["revenue_2024"]
            growth = (last / first) ** 0.5 - 1 if first and first > 0 and last == last else -0.2
            scored.append((match, last if last == last else 0.0, growth, row["code"]))
    revenues = sorted(s[1] for s in scored)
    ranked = sorted(
        (0.35 * m + 0.25 * revenues.index(r) / max(1, len(revenues)) + 0.2 * min(1, max(0, (g + 0.2) / 0.6)), c)
        for m, r, g, c in scored
    )
    ranked.reverse()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_city(Path(folder), demo_users=False)
        print("loading enterprises and indicators:", scenarios_enterprises.load(url, BENCH, 1), "enterprises")
        firms = enterprises.frame(url)
        pool = int((firms["listed"] & ~firms["is_beijing"]).sum())
        for chain in ("ic", "ai", "bio", "nev"):
            chain_gaps.analyse(url, chain)
        times = []
        for key in NODES:
            for _ in range(args.repeat):
                started = time.perf_counter()
                attraction.recommend(url, key)
                times.append(time.perf_counter() - started)
        p50, p95 = pct(times, 50) * 1000, pct(times, 95) * 1000
        print(
            f"recommendations over {pool:,} candidates, {len(NODES)} nodes x {args.repeat}: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 <= 200 ms)"
        )
        base = statistics.median(_loop_baseline(url, "nev_battery") for _ in range(5)) * 1000
        node_times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            attraction.recommend(url, "nev_battery")
            node_times.append(time.perf_counter() - started)
        mine = statistics.median(node_times) * 1000
        print(
            f"  baseline row-by-row scoring of nev_battery: {base:.1f} ms; vectorised {mine:.1f} ms, "
            f"ratio {base / mine:.1f}x faster"
        )

        print("forecasts (five models, back-test and forward fits) and back-test MAPE, last 12 months:")
        header = "  series                fit s   " + "  ".join(f"{m:>7}" for m in forecast.MODELS)
        print(header + "   ratio to snaive (ets / arima)")
        fits = []
        for district in (None, "110108"):
            data = economy.panel(url, district)
            for name in economy.NAMES:
                started = time.perf_counter()
                found = forecast.forecast(data[name].tolist(), 12, 12)
                took = time.perf_counter() - started
                fits.append(took)
                mape = {m: found["backtest"][m]["mape"] for m in forecast.MODELS}
                ratio = f"{mape['ets'] / mape['snaive']:.2f} / {mape['arima'] / mape['snaive']:.2f}"
                label = f"{district or 'city'}:{name}"
                print(
                    f"  {label:20} {took:6.2f}   "
                    + "  ".join(f"{mape[m]:6.2f}%" for m in forecast.MODELS)
                    + f"   {ratio}"
                )
        print(f"  fit per series: median {statistics.median(fits):.2f} s, max {max(fits):.2f} s (target <= 2 s)")
        started = time.perf_counter()
        found = economy.outlook(url, "consumption", None)
        print(
            f"  with the dynamic factor nowcast (city consumption): {time.perf_counter() - started:.2f} s, "
            f"dfm MAPE {found['backtest']['dfm']['mape']:.2f}% vs snaive {found['backtest']['snaive']['mape']:.2f}%"
        )


if __name__ == "__main__":
    main()
