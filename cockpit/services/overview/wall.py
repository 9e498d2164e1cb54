"""What each scenario shows on the 4K video wall, decided here so the wall view only draws it: a few big
numbers, one bar chart, points for the map, the gravest newest thing highlighted by itself, and the alarm
ticker. Nothing on the wall asks for a choice: there is no keyboard and no pointer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cockpit.services.data import air
from cockpit.services.emergency import emergency
from cockpit.services.iot import alarm_queue, live_status
from cockpit.services.iot.alarms import ALERT_SEVERITIES, SEVERITIES
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations import operations
from cockpit.services.overview import drilldown
from cockpit.services.safety import safety_view
from cockpit.vocab import PALETTE

TICKER_LENGTH = 12
CHART_BARS = 8
GRAVE_LEVELS = (1, 2)  # incident levels the wall puts forward by themselves


@dataclass(frozen=True)
class Kpi:
    label: str  # i18n key
    value: str
    tone: str = ""  # "" | "bad" | "good"


@dataclass(frozen=True)
class View:
    kpis: list[Kpi]
    chart_title: str  # i18n key
    bars: list[tuple[str, int]]  # (label or i18n key, value)
    bars_translate: str | None  # i18n prefix of the bar labels, None when they are names
    points: list[dict[str, Any]] = field(default_factory=list)  # lon, lat, color, name
    highlight: dict[str, Any] | None = None
    ticker: list[alarm_queue.Item] = field(default_factory=list)


def _ticker(url: str) -> list[alarm_queue.Item]:
    return alarm_queue.queue(url, alarm_queue.Filter(), can_act=False, limit=TICKER_LENGTH)


def _highlight(url: str, ticker: list[alarm_queue.Item]) -> dict[str, Any] | None:
    """The newest grave open incident, else the newest grave new alarm."""
    grave = [i for i in emergency.incidents(url, open_only=True) if i["level"] in GRAVE_LEVELS]
    if grave:
        newest = max(grave, key=lambda i: i["reported_at"])
        return {
            "kind": "incident",
            "level": newest["level"],
            "type": newest["type"],
            "code": newest["code"],
            "text": newest["description"],
            "at": newest["reported_at"],
        }
    alarms = [a for a in ticker if a.status == "new" and a.severity in ALERT_SEVERITIES]
    if alarms:
        newest = max(alarms, key=lambda a: a.raised_at)
        return {
            "kind": "alarm",
            "severity": newest.severity,
            "device": newest.device_name,
            "code": newest.device_code,
            "rule": newest.rule_name,
            "rule_en": newest.rule_name_en,
            "at": newest.raised_at,
        }
    return None


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def overview(url: str) -> View:
    rows = drilldown.ranking(url, drilldown.Scope(), drilldown.window("24h", None, None, "UTC"))
    totals = {m: sum(r[m] for r in rows) for m in drilldown.MEASURES}
    current = air.current_air(url)
    city_aqi = current["city_aqi"]
    devices = live_status.status(url)["devices"]
    ticker = _ticker(url)
    return View(
        kpis=[
            Kpi(
                "overview.city_aqi", "—" if city_aqi is None else str(city_aqi), "bad" if (city_aqi or 0) > 150 else ""
            ),
            Kpi("drill.alarms", str(totals["alarms"]), "bad" if totals["alarms"] else "good"),
            Kpi("drill.cases", str(totals["cases"])),
            Kpi("drill.overdue", str(totals["overdue"]), "bad" if totals["overdue"] else "good"),
            Kpi("wall.incidents_24h", str(totals["incidents"])),
            Kpi("iot.online", str(devices.get("online", 0))),
        ],
        chart_title="wall.problems_by_district",
        bars=[(r["name"], r["score"]) for r in rows[:CHART_BARS]],
        bars_translate=None,
        points=[
            {"lon": s["lon"], "lat": s["lat"], "color": s["color"], "name": s["name"]} for s in current["stations"]
        ],
        highlight=_highlight(url, ticker),
        ticker=ticker,
    )


def city_operations(url: str) -> View:
    now = stored_now()
    signs = operations.vital_signs(url, now)
    cases = operations.case_list(url, now, operations.OPEN)
    ticker = _ticker(url)
    return View(
        kpis=[
            Kpi("ops.open", str(signs["open"])),
            Kpi("ops.overdue", str(signs["overdue"]), "bad" if signs["overdue"] else "good"),
            Kpi("ops.on_time", _rate(signs["on_time_rate"])),
            Kpi("ops.faults", str(operations.component_faults(url))),
            Kpi("ops.closed", str(signs["closed"])),
        ],
        chart_title="ops.by_category",
        bars=sorted(signs["by_category"].items(), key=lambda kv: -kv[1])[:CHART_BARS],
        bars_translate="cat.",
        points=[
            {
                "lon": c["lon"],
                "lat": c["lat"],
                "color": PALETTE["red"] if (operations.time_left(c, now) or 0) < 0 else PALETTE["accent"],
                "name": c["code"],
            }
            for c in cases
        ],
        highlight=_highlight(url, ticker),
        ticker=ticker,
    )


def emergency_command(url: str) -> View:
    now = stored_now()
    open_incidents = emergency.incidents(url, open_only=True)
    units = [u for u in emergency.resource_points(url) if u["kind"] in emergency.UNIT_KINDS]
    out = [u for u in units if u["status"] != "available"]
    recent = [i for i in emergency.incidents(url) if i["reported_at"] >= now - timedelta(hours=24)]
    ticker = _ticker(url)
    return View(
        kpis=[
            Kpi("wall.open_incidents", str(len(open_incidents)), "bad" if open_incidents else "good"),
            Kpi("wall.units_out", str(len(out))),
            Kpi("wall.units_free", str(len(units) - len(out))),
            Kpi("wall.incidents_24h", str(len(recent))),
        ],
        chart_title="wall.incidents_by_type",
        bars=sorted(Counter(i["type"] for i in recent).items(), key=lambda kv: -kv[1]),
        bars_translate="incident.",
        points=[
            {
                "lon": i["lon"],
                "lat": i["lat"],
                "color": PALETTE["red"] if i["level"] <= 2 else PALETTE["orange"],
                "name": i["code"],
            }
            for i in open_incidents
        ]
        + [{"lon": u["lon"], "lat": u["lat"], "color": PALETTE["cyan"], "name": u["name"]} for u in out],
        highlight=_highlight(url, ticker),
        ticker=ticker,
    )


def iot_sensing(url: str) -> View:
    live = live_status.status(url)
    devices = live["devices"]
    ticker = _ticker(url)
    open_alarms = alarm_queue.queue(url, alarm_queue.Filter(), can_act=False, limit=1000)
    return View(
        kpis=[
            Kpi("iot.online", str(devices.get("online", 0)), "good"),
            Kpi("iot.offline", str(devices.get("offline", 0))),
            Kpi("iot.alarm", str(devices.get("alarm", 0)), "bad" if devices.get("alarm") else "good"),
            Kpi("iot.quarantined", str(live["quarantined"])),
        ],
        chart_title="wall.alarms_by_severity",
        bars=[(f"{s}", sum(a.severity == s for a in open_alarms)) for s in SEVERITIES],
        bars_translate="severity.",
        points=[
            {"lon": a.lon, "lat": a.lat, "color": SEVERITIES[a.severity][1], "name": a.device_name} for a in open_alarms
        ],
        highlight=_highlight(url, ticker),
        ticker=ticker,
    )


def public_safety(url: str) -> View:
    """Aggregates only, as a leader sees them: no file, no plate, no case."""
    found = safety_view.aggregates(url, stored_now())
    k = found["kpis"]
    ticker = _ticker(url)
    return View(
        kpis=[
            Kpi("sf.k.cameras", f"{k['cameras_online']}/{k['cameras']}"),
            Kpi("sf.k.persons", str(k["persons_hour"])),
            Kpi("sf.k.vehicles", str(k["vehicles_hour"])),
            Kpi("sf.k.alarms", str(k["alarms"]), "bad" if k["alarms"] else "good"),
            Kpi("sf.k.lost", str(k["lost_open"]), "bad" if k["lost_open"] else "good"),
        ],
        chart_title="wall.areas_by_load",
        bars=[(a["name"], round(100 * a["load"])) for a in found["areas"][:CHART_BARS]],
        bars_translate=None,
        points=[{"lon": a["lon"], "lat": a["lat"], "color": a["shown"], "name": a["name"]} for a in found["areas"]],
        highlight=_highlight(url, ticker),
        ticker=ticker,
    )
