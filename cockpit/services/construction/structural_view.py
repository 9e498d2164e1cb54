"""What the monitoring panel shows, decided here so the callbacks only wire: the sensors' table rows and map
points in their band colours, and one sensor's chart — its series, the three band lines, the hyperbolic fit
carried forward to the forecast with its p10-p90 range."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from cockpit.i18n import t
from cockpit.services.kernel import trend
from cockpit.services.kernel.geojson import feature_collection, point
from cockpit.vocab import STRUCTURE_BAND_COLOURS, STRUCTURE_BANDS

AHEAD_DAYS = 365  # how far the fitted curve is drawn past the last observation when no forecast date is near
REPORT_COLUMNS = ("point", "item", "first", "previous", "latest", "change", "cumulative", "rate", "control", "band")


def rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for s in view["sensors"]:
        forecast = s["forecast"] or {}
        ahead = forecast.get("days_ahead")
        out.append(
            {
                "code": s["code"],
                "type": s["type"],
                "metric": s["metric"],
                "latest": _round(s["latest"]),
                "change": _round(s["change"]),
                "rate": _round(s["rate"]),
                "control": _round(s["control"]),
                "rate_control": _round(s["rate_control"]),
                "design": s["design"],
                "band": s["band"],
                "colour": STRUCTURE_BAND_COLOURS[s["band"]],
                "stable": (s["stability"] or {}).get("stable"),
                "stable_rate": _round((s["stability"] or {}).get("rate")),
                "final": None if forecast.get("final") is None else round(forecast["final"], 1),
                "reach_share": forecast.get("reach_share"),
                "days_ahead": tuple(round(d) for d in ahead) if ahead else None,
                "at": s["at"],
            }
        )
    return out


def shown(value: float | None) -> str:
    """A reading as the table and the report print it: shortest form, a dash where there is none."""
    return "—" if value is None else f"{value:g}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def points_geojson(view: dict[str, Any]) -> dict[str, Any]:
    return feature_collection(
        [
            point(
                s["lon"], s["lat"], {"name": s["name"], "colour": STRUCTURE_BAND_COLOURS[s["band"]], "band": s["band"]}
            )
            for s in view["sensors"]
        ]
    )


def chart(view: dict[str, Any], code: str) -> dict[str, Any] | None:
    """One sensor's lines: observations, band levels, and for what settles the fitted curve and forecast."""
    sensor = next((s for s in view["sensors"] if s["code"] == code), None)
    if sensor is None:
        return None
    metric = sensor["metric"]
    points = [(ts, v[metric]) for ts, v in view["series"][code] if metric in v]
    bands = []
    if sensor["control"]:
        bands = [
            {"band": band, "value": sensor["control"] * share, "colour": STRUCTURE_BAND_COLOURS[band]}
            for band, share, _severity in STRUCTURE_BANDS
        ]
    out: dict[str, Any] = {
        "code": code,
        "metric": metric,
        "dates": [ts for ts, _v in points],
        "values": [v for _ts, v in points],
        "bands": bands,
        "fit": None,
        "reach": None,
    }
    forecast = sensor["forecast"]
    if forecast and points:
        first: datetime = forecast["first_ts"]
        last_day = (points[-1][0] - first).total_seconds() / 86400
        ahead = forecast["days_ahead"]
        horizon = last_day + max(AHEAD_DAYS, (ahead[2] if ahead else 0) + 60)
        days = np.linspace(1, horizon + 1, 240)
        fitted = trend.curve(forecast["a"], forecast["b"], days)
        out["fit"] = {"dates": [first + timedelta(days=float(d) - 1) for d in days], "values": fitted.tolist()}
        if ahead:
            at = points[-1][0]
            out["reach"] = [at + timedelta(days=d) for d in ahead]
    return out


def assessment(rows: list[dict[str, Any]], alarms: list[dict[str, Any]], lang: str) -> list[str]:
    """The report's conclusions, worst first: forecasts that reach a control value, points not yet stable by
    JGJ 8, open warnings; or that everything is within its limits."""
    lines = []
    for r in rows:
        point = r["code"].rsplit("-", 1)[-1]
        if r["days_ahead"]:
            low, mid, high = r["days_ahead"]
            lines.append(
                t(
                    "mon.forecast",
                    lang,
                    point=point,
                    final=r["final"],
                    mid=mid,
                    low=low,
                    high=high,
                    control=r["control"],
                    share=round(100 * (r["reach_share"] or 0)),
                )
            )
    unstable = [r for r in rows if r["stable"] is False]
    for r in unstable:
        lines.append(t("mon.unstable", lang, point=r["code"].rsplit("-", 1)[-1], rate=r["stable_rate"]))
    if not unstable and any(r["stable"] for r in rows):
        lines.append(t("mon.stable", lang))
    bands = {severity: band for band, _share, severity in STRUCTURE_BANDS}
    for a in alarms:
        metric, _, rate = a["alarm_type"].partition(".")
        lines.append(
            t(
                "mon.open_rate" if rate else "mon.open_alarm",
                lang,
                point=a["code"].rsplit("-", 1)[-1],
                band=t(f"band.{bands.get(a['severity'], 'warning')}", lang),
                metric=t(f"metric.{metric}", lang),
            )
        )
    if not lines:
        lines.append(t("mon.all_normal", lang))
    return lines


def first_to_watch(rows_: list[dict[str, Any]]) -> str | None:
    """The sensor the chart opens on: the one in the gravest band, a settlement point before others."""
    order = ("normal", *(band for band, _share, _severity in STRUCTURE_BANDS))
    ranked = sorted(rows_, key=lambda r: (-order.index(r["band"]), r["metric"] != "settle_mm", r["code"]))
    return ranked[0]["code"] if ranked else None
