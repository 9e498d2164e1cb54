"""Simulations of the CIM platform: the flood model against the analytic case and its own mass balance, the
design storm against the Beijing formula, the flood and the evacuation on the sample city, and the API that
starts them in a child process and serves their frames."""

from __future__ import annotations

import io
import math
import time

import numpy as np
import pytest
from fixtures.db import TEST_ACTOR
from PIL import Image
from sqlalchemy import text

from cockpit.services.cim import flood, flood_model, simulations
from cockpit.services.emergency import evacuation
from cockpit.services.support import users
from data_access.db import transaction, write_transaction


def test_a_closed_flat_basin_fills_to_volume_over_area():
    ground = np.full((40, 60), 45.0)
    run = flood_model.run(ground, 10.0, [12.0, 24.0, 6.0], 0.0, open_edges=False)
    expected = (12 + 24 + 6) / 1000  # one hour each: metres of water over the whole basin
    assert np.allclose(run.frames[-1], expected, atol=1e-6)
    assert run.stored_m3 == pytest.approx(expected * ground.size * 100, rel=1e-5)  # float32 depths


def test_a_closed_bowl_keeps_every_drop_and_settles_level():
    y, x = np.mgrid[0:60, 0:80]
    ground = 50 + 0.002 * ((x - 40) ** 2 + (y - 30) ** 2)
    run = flood_model.run(ground, 10.0, [30, 60, 30], 0.0, open_edges=False, extra_minutes=240)
    assert run.stored_m3 == pytest.approx(run.rain_m3, rel=1e-5)
    wet = run.frames[-1] > 1e-3
    surface = (ground + run.frames[-1])[wet]
    assert surface.max() - surface.min() < 0.05  # still water is level
    assert run.frames[-1][30, 40] == run.frames[-1].max()  # deepest at the bottom


def test_with_drains_and_open_edges_the_water_is_all_accounted_for():
    rng = np.random.default_rng(1)
    ground = 40 + np.cumsum(rng.normal(0, 0.05, (50, 50)), axis=1)
    run = flood_model.run(ground, 10.0, [50, 80, 20], 20.0, soak_mm_h=np.full((50, 50), 5.0))
    balance = run.drained_m3 + run.soaked_m3 + run.outflow_m3 + run.stored_m3
    assert balance == pytest.approx(run.rain_m3, rel=1e-4)
    assert run.drained_m3 > 0 and run.soaked_m3 > 0 and run.outflow_m3 > 0


def test_the_design_storm_follows_the_beijing_formula():
    storm = flood.design_storm(return_years=50, hours=6)
    a = 2001 * (1 + 0.811 * math.log10(50)) / 166.67
    assert storm.total_mm == pytest.approx(a * 360 / (360 + 8) ** 0.711, rel=0.02)
    hourly = np.convolve(np.array(storm.rain_mm_h) / 6, np.ones(6), mode="valid")  # mm in each 60 min
    assert hourly.max() == pytest.approx(a * 60 / (60 + 8) ** 0.711, rel=0.05)
    assert flood.design_storm(5, 6).total_mm < storm.total_mm  # a rarer storm brings more rain


def test_the_observed_storm_is_the_wettest_window_at_wanliu(city_url):
    storm = flood.observed_storm(city_url, 6)
    with transaction(city_url) as session:
        rain = [
            r or 0.0
            for (r,) in session.execute(
                text("SELECT rain FROM air_quality_hour WHERE station_code = 'wanliu_aq' ORDER BY ts")
            )
        ]
    assert storm.total_mm == pytest.approx(max(np.convolve(rain, np.ones(6), mode="valid")), abs=0.1)


def test_a_flood_on_the_sample_city_floods_underpasses_and_says_what_to_close(city_url):
    outcome = flood.simulate(city_url, {"storm": "design", "return_years": 50, "hours": 6, "drainage_mm_h": 36})
    s = outcome.summary
    balance = s["balance_m3"]
    assert sum(balance[k] for k in ("drained", "soaked", "left_the_area", "standing")) == pytest.approx(
        balance["rain"], rel=1e-3
    )
    assert s["underpasses_flooded"] > 0 and s["closures"] and all(c["depth_m"] >= flood.CLOSE_M for c in s["closures"])
    assert s["residents_affected"] > 0 and s["buildings"][0]["depth_m"] >= s["buildings"][-1]["depth_m"]
    assert s["dispatches"] and s["dispatches"][0]["unit"] and s["estimate"] and "Guidolin" in s["method"]
    assert s["terrain"]["generated"] and len(outcome.frames) == (6 * 60 + flood.SETTLE_MINUTES) // 15
    image = Image.open(io.BytesIO(outcome.frames[-1][1]))
    assert image.mode == "RGBA" and image.getextrema()[3][1] > 0  # some water shows
    lighter = flood.simulate(city_url, {"storm": "design", "return_years": 50, "hours": 2, "drainage_mm_h": 90})
    heavier = flood.simulate(city_url, {"storm": "design", "return_years": 50, "hours": 2, "drainage_mm_h": 36})
    assert lighter.summary["flooded_km2"] < heavier.summary["flooded_km2"]  # bigger pipes, less water
    with pytest.raises(Exception) as refused:
        flood.check(city_url, {"return_years": 1000})
    assert refused.value.key == "flood.bad_param"


def test_an_evacuation_fills_shelters_no_further_than_their_room(city_db):
    area = {"lon": 116.3455, "lat": 40.0045, "metres": 600}
    summary, frames = evacuation.simulate(city_db, area)
    assert summary["assigned"] + summary["unserved"] == summary["residents"] > 0
    assert all(s["assigned"] <= s["room"] for s in summary["shelters"])
    assert summary["time_to_clear_min"] >= summary["longest_walk_min"] > 0
    arrived = [state["arrived"] for _, state in frames]
    assert arrived == sorted(arrived) and arrived[-1] == summary["assigned"]
    assert summary["bottlenecks"][0]["minutes_to_pass"] >= summary["bottlenecks"][-1]["minutes_to_pass"]
    with write_transaction(city_db) as session:
        session.execute(text("UPDATE resource SET capacity = 50 WHERE kind = 'shelter'"))
    starved, _ = evacuation.simulate(city_db, area)
    assert starved["unserved"] > summary["unserved"] and all(s["full"] for s in starved["shelters"])


def _wait(client, headers, url: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        answer = client.get(url, headers=headers).get_json()
        if answer["status"] != "running" or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def test_the_api_starts_runs_in_a_child_and_serves_their_frames(app_client, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "sim-duty", "duty_officer")
    bearer = {"Authorization": f"Bearer {token}"}
    started = app_client.post(
        "/api/v1/simulations/evacuation",
        json={"lon": 116.3455, "lat": 40.0045, "metres": 400},
        headers=bearer | {"Idempotency-Key": "evac-1"},
    )
    assert started.status_code == 202 and started.get_json()["status"] == "running"
    again = app_client.post(
        "/api/v1/simulations/evacuation",
        json={"lon": 116.3455, "lat": 40.0045, "metres": 400},
        headers=bearer | {"Idempotency-Key": "evac-1"},
    )
    assert again.get_json()["id"] == started.get_json()["id"]  # the same run, not a second
    done = _wait(app_client, bearer, started.get_json()["status_url"])
    assert done["status"] == "done" and done["result"]["estimate"] and done["frames"]
    frame = app_client.get(done["frames"][-1]["url"], headers=bearer)
    assert frame.status_code == 200 and frame.get_json()["arrived"] == done["result"]["assigned"]
    for body, status in (({"return_years": 0}, 400), ({"storm": "hail"}, 400), ("[]", 400)):
        sent = (
            app_client.post("/api/v1/simulations/flood", json=body, headers=bearer)
            if not isinstance(body, str)
            else app_client.post(
                "/api/v1/simulations/flood", data=body, headers=bearer, content_type="application/json"
            )
        )
        assert sent.status_code == status, body
    assert app_client.post("/api/v1/simulations/earthquake", json={}, headers=bearer).status_code == 404
    assert app_client.get("/api/v1/simulations/999999", headers=bearer).status_code == 404
    assert app_client.get(f"/api/v1/simulations/{done['id']}/frames/9999.json", headers=bearer).status_code == 404
    for role in ("safety_officer", "field_worker"):
        other = users.create_token(city_url, TEST_ACTOR, f"sim-{role}", role)
        refused = app_client.post("/api/v1/simulations/flood", json={}, headers={"Authorization": f"Bearer {other}"})
        assert refused.status_code == 403
    listed = app_client.get("/api/v1/simulations?kind=evacuation", headers=bearer).get_json()["simulations"]
    assert listed[0]["id"] == done["id"]
    assert simulations.status(city_url, done["id"])["created_by"] == "token:sim-duty"
