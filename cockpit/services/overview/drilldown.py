"""A leader's drill-down: city → district → street → grid. For any area: its child areas on the map, a
ranking (排行榜) of the problems in each (open alarms, open and overdue cases, incidents) with the change
against the previous period of the same length, and trends of alarms, cases and air quality over the chosen
period. Everything is located by point-in-polygon over the loaded city (areas), so it works for any city."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shapely.geometry import Point, mapping

from cockpit.services.data import air
from cockpit.services.kernel import areas, clock
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.geojson import feature
from cockpit.services.operations import operations
from data_access import bigdata, emergency, iot
from data_access import operations as cases_data
from data_access.db import transaction

LEVELS = ("city", "district", "street", "grid")
PERIODS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
MEASURES = ("alarms", "cases", "overdue", "incidents")


@dataclass(frozen=True)
class Scope:
    level: str = "city"
    code: str | None = None

    @property
    def child_level(self) -> str | None:
        index = LEVELS.index(self.level)
        return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @property
    def previous(self) -> Window:
        return Window(self.start - (self.end - self.start), self.start)


def window(period: str | None, start: str | None, end: str | None, zone: str, now: datetime | None = None) -> Window:
    """The period a viewer chose: 1h, 24h, 7d, or custom dates (city days, end day included)."""
    now = now or stored_now()
    if period == "custom" and start and end:
        try:
            first = datetime.fromisoformat(start[:10]).replace(tzinfo=clock.zone(zone))
            last = datetime.fromisoformat(end[:10]).replace(tzinfo=clock.zone(zone)) + timedelta(days=1)
        except ValueError:
            first = last = None
        if first and last and first < last <= first + timedelta(days=366):
            return Window(_utc(first), _utc(last))
    span = PERIODS.get(period or "", PERIODS["24h"])
    return Window(now - span, now)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def scope_of(url: str, level: str | None, code: str | None) -> Scope:
    """A scope a client asked for, only if the city has such an area."""
    if level not in LEVELS or level == "city" or not code:
        return Scope()
    known = {"district": 0, "street": 1, "grid": 2}[level]
    if code not in areas.levels(url)[known].codes:
        return Scope()
    return Scope(level, code)


def _parent_code(level: str, code: str) -> str:
    return {"street": code[:6], "grid": code[:9]}.get(level, code)


def breadcrumbs(url: str, scope: Scope) -> list[tuple[str, str | None, str]]:
    """(level, code, name) from the city down to the scope."""
    names = areas.names(url) | grid_names(url)
    crumbs: list[tuple[str, str | None, str]] = [("city", None, "")]
    if scope.level == "city" or scope.code is None:
        return crumbs
    chain = {"district": [scope.code[:6]], "street": [scope.code[:6], scope.code[:9]]}.get(scope.level, [])
    if scope.level == "grid":
        chain = [scope.code[:6], scope.code[:9], scope.code]
    for level, code in zip(LEVELS[1:], chain, strict=False):
        crumbs.append((level, code, names.get(code, code)))
    return crumbs


def grid_names(url: str) -> dict[str, str]:
    """Grids are known by their code (网格编号)."""
    return {code: code for code in areas.levels(url)[2].codes}


def children(url: str, scope: Scope) -> list[dict[str, Any]]:
    """The areas one level down inside the scope (a grid, the last level, stands for itself): code, name,
    shape, and whether the boundary is generated."""
    child = scope.child_level or scope.level
    level = areas.levels(url)[LEVELS.index(child) - 1]
    names = areas.names(url) | grid_names(url)
    out = []
    for code, geometry in zip(level.codes, level.shapes, strict=True):
        parent = code if child == scope.level else _parent_code(child, code)
        if scope.level != "city" and parent != scope.code:
            continue
        out.append({"code": code, "name": names.get(code, code), "shape": geometry, "generated": child != "district"})
    return out


def _count(points: list[tuple[float, float]], kids: list[dict[str, Any]]) -> Counter:
    """How many points fall in each child area."""
    found: Counter = Counter()
    for lon, lat in points:
        point = Point(lon, lat)
        for kid in kids:
            if kid["shape"].contains(point):
                found[kid["code"]] += 1
                break
    return found


def ranking(url: str, scope: Scope, period: Window, now: datetime | None = None) -> list[dict[str, Any]]:
    """Child areas by the problems in them, worst first; each measure with its previous-period value."""
    now = now or stored_now()
    kids = children(url, scope)
    earlier = period.previous
    with transaction(url) as session:
        alarm_rows = iot.alarm_points(session, earlier.start)
        case_rows = cases_data.cases(session, limit=200_000)
        incident_rows = emergency.incidents(session, limit=200_000)

    def inside(rows: list[dict[str, Any]], when: str, span: Window) -> list[tuple[float, float]]:
        return [(r["lon"], r["lat"]) for r in rows if span.start <= r[when] < span.end]

    open_cases = [r for r in case_rows if r["status"] in operations.OPEN]
    measures = {
        "alarms": (
            [(r["lon"], r["lat"]) for r in alarm_rows if r["status"] in iot.OPEN],
            inside(alarm_rows, "raised_at", earlier),
        ),
        "cases": ([(r["lon"], r["lat"]) for r in open_cases], inside(case_rows, "filed_at", earlier)),
        "overdue": ([(r["lon"], r["lat"]) for r in open_cases if (operations.time_left(r, now) or 0) < 0], None),
        "incidents": (inside(incident_rows, "reported_at", period), inside(incident_rows, "reported_at", earlier)),
    }
    raised_now = {
        "alarms": _count(inside(alarm_rows, "raised_at", period), kids),
        "cases": _count(inside(case_rows, "filed_at", period), kids),
    }
    counts = {
        m: (_count(current, kids), None if before is None else _count(before, kids))
        for m, (current, before) in measures.items()
    }
    rows = []
    for kid in kids:
        row: dict[str, Any] = {"code": kid["code"], "name": kid["name"], "generated": kid["generated"]}
        for m in MEASURES:
            current, before = counts[m]
            row[m] = current[kid["code"]]
            if before is not None:
                base = raised_now[m][kid["code"]] if m in raised_now else row[m]
                row[f"{m}_change"] = base - before[kid["code"]]
        row["score"] = sum(row[m] for m in MEASURES)
        rows.append(row)
    return sorted(rows, key=lambda r: (-r["score"], r["code"]))


def area_map(url: str, scope: Scope, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The child areas as GeoJSON, each with its score for the choropleth and its code for the click."""
    scores = {r["code"]: r for r in rows}
    features = [
        feature(mapping(kid["shape"]), {
                "code": kid["code"],
                "name": kid["name"],
                "score": scores.get(kid["code"], {}).get("score", 0),
                "generated": kid["generated"],
            })
        for kid in children(url, scope)
    ]
    top = max((f["properties"]["score"] for f in features), default=0)
    return {"type": "FeatureCollection", "features": features, "max": top}


def bounds(url: str, scope: Scope) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the scope, for the map to fit."""
    if scope.code is None:
        west, south, east, north = areas.extent(url)
    else:
        level = areas.levels(url)[LEVELS.index(scope.level) - 1]
        west, south, east, north = level.shapes[level.codes.index(scope.code)].bounds
    return [[south, west], [north, east]]


def _bucket(span: Window) -> timedelta:
    length = span.end - span.start
    if length <= timedelta(hours=2):
        return timedelta(minutes=5)
    return timedelta(hours=1) if length <= timedelta(days=2) else timedelta(hours=6)


def trends(url: str, scope: Scope, period: Window, zone: str) -> dict[str, Any]:
    """Alarms raised and cases filed per bucket in the scope, and the hourly AQI of the real series over the
    same length of replayed time (the air panel's clock), averaged over the stations in the scope."""
    step = _bucket(period)
    n = max(1, int((period.end - period.start) / step))
    edges = [period.start + step * i for i in range(n + 1)]
    shape = None if scope.code is None else areas.levels(url)[LEVELS.index(scope.level) - 1]
    region = None if shape is None else shape.shapes[shape.codes.index(scope.code)]

    def within(lon: float, lat: float) -> bool:
        return region is None or region.contains(Point(lon, lat))

    with transaction(url) as session:
        alarm_rows = [r for r in iot.alarm_points(session, period.start) if r["raised_at"] >= period.start]
        case_rows = [r for r in cases_data.cases(session, limit=200_000) if r["filed_at"] >= period.start]
        stations = [s for s in bigdata.stations(session) if within(s["lon"], s["lat"])]
        hour, _ = air.replay_hour(url)
        hours = max(1, round((period.end - period.start) / timedelta(hours=1)))
        air_rows = bigdata.air_quality_window(session, hour - timedelta(hours=hours), hour)

    def per_bucket(times: list[datetime]) -> list[int]:
        counts = [0] * n
        for ts in times:
            index = int((ts - period.start) / step)
            if 0 <= index < n:
                counts[index] += 1
        return counts

    codes = {s["code"] for s in stations}
    by_hour: dict[datetime, list[int]] = {}
    for row in air_rows:
        index = air.row_aqi(row) if row["station_code"] in codes else None
        if index is not None:
            by_hour.setdefault(row["ts"], []).append(index.value)
    return {
        "times": [clock.to_city(t, zone).replace(tzinfo=None) for t in edges[:-1]],
        "alarms": per_bucket([r["raised_at"] for r in alarm_rows if within(r["lon"], r["lat"])]),
        "cases": per_bucket([r["filed_at"] for r in case_rows if within(r["lon"], r["lat"])]),
        "air_hours": sorted(by_hour),
        "aqi": [round(sum(v) / len(v)) for _, v in sorted(by_hour.items())],
        "stations": len(stations),
    }
