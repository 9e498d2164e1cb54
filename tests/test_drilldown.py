"""The drill-down service on the sample city: scopes only for areas that exist, breadcrumbs with real street
names, rankings that place each problem in its area with the change against the previous period, trends."""

from __future__ import annotations

from datetime import timedelta

from cockpit.actor import Actor
from cockpit.services.emergency import emergency
from cockpit.services.kernel.clock import stored_now
from cockpit.services.overview import drilldown

DUTY = Actor("duty", "duty_officer")
ZGC = (116.3205, 39.9845)  # inside the generated 中关村街道


def test_scopes_are_only_areas_the_city_has(city_url):
    assert drilldown.scope_of(city_url, "district", "110108") == drilldown.Scope("district", "110108")
    assert drilldown.scope_of(city_url, "district", "999999") == drilldown.Scope()
    assert drilldown.scope_of(city_url, "planet", "110108") == drilldown.Scope()
    crumbs = drilldown.breadcrumbs(city_url, drilldown.Scope("street", "110108011"))
    assert [name for _, _, name in crumbs] == ["", "海淀区", "中关村街道"]


def test_children_nest_down_to_the_grid(city_url):
    districts = drilldown.children(city_url, drilldown.Scope())
    assert len(districts) == 16 and not any(d["generated"] for d in districts)
    streets = drilldown.children(city_url, drilldown.Scope("district", "110108"))
    assert len(streets) == 29 and all(s["generated"] for s in streets)
    grids = drilldown.children(city_url, drilldown.Scope("street", "110108014"))
    assert grids and all(g["code"].startswith("110108014") for g in grids)
    leaf = drilldown.children(city_url, drilldown.Scope("grid", grids[0]["code"]))
    assert [g["code"] for g in leaf] == [grids[0]["code"]]


def test_ranking_places_incidents_in_their_area_with_change(city_db):
    now = stored_now()
    span = drilldown.window("24h", None, None, "Asia/Shanghai", now + timedelta(seconds=1))
    before = {r["name"]: r["score"] for r in drilldown.ranking(city_db, drilldown.Scope("district", "110108"), span)}
    emergency.report_incident(city_db, DUTY, "accident", 3, *ZGC, "排行榜测试")
    city = drilldown.ranking(city_db, drilldown.Scope(), span)
    # which district leads depends on how many sample cases are overdue by now; the incident's place does not
    placed = {r["code"]: r for r in city}
    assert placed["110108"]["incidents"] == 1 and placed["110108"]["incidents_change"] == 1
    assert sum(r["incidents"] for r in city) == 1
    assert [r["score"] for r in city] == sorted((r["score"] for r in city), reverse=True)
    haidian = {r["name"]: r for r in drilldown.ranking(city_db, drilldown.Scope("district", "110108"), span)}
    # the sample city's structural warnings are cases of the day too (清华园街道): the incident adds one here
    assert haidian["中关村街道"]["incidents"] == 1 and haidian["中关村街道"]["score"] == before["中关村街道"] + 1
    earlier = drilldown.window("1h", None, None, "Asia/Shanghai", now - timedelta(hours=3))
    assert all(r["incidents"] == 0 for r in drilldown.ranking(city_db, drilldown.Scope(), earlier))
    shapes = drilldown.area_map(city_db, drilldown.Scope(), city)
    assert shapes["max"] == max(r["score"] for r in city) and len(shapes["features"]) == 16


def test_custom_window_is_in_city_days_and_bounded():
    span = drilldown.window("custom", "2026-11-20", "2026-11-21", "Asia/Shanghai")
    assert span.start.isoformat() == "2026-11-19T16:00:00" and span.end - span.start == timedelta(days=2)
    assert span.previous.end == span.start
    fallback = drilldown.window("custom", "2026-11-21", "2026-11-20", "Asia/Shanghai")
    assert fallback.end - fallback.start == timedelta(hours=24)
    assert drilldown.window("custom", "not a date", "2026-11-20", "UTC").end - fallback.start >= timedelta(0)


def test_trends_bucket_the_period(city_url):
    span = drilldown.window("24h", None, None, "Asia/Shanghai")
    data = drilldown.trends(city_url, drilldown.Scope(), span, "Asia/Shanghai")
    assert len(data["times"]) == 24 == len(data["alarms"]) == len(data["cases"])
    assert data["stations"] == 12 and len(data["aqi"]) >= 20
    haidian = drilldown.trends(city_url, drilldown.Scope("district", "110108"), span, "Asia/Shanghai")
    assert 0 < haidian["stations"] < 12
