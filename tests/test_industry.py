"""Industry services on the loaded sample city and on hand-made cases: placement inside Beijing, chain
membership and a gap score computed by hand, recommendations with their reasons (no Beijing company, no
zombie), the zombie tiers on constructed financials, the approach pipeline and the zombie review with their
audit rows and refusals, the economy's indicators and forecasts."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import shapely
from fixtures.helpers import audit_actions

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.industry import attraction, chain_gaps, economy, enterprises, zombies
from cockpit.services.industry.chains import BY_KEY, CHAINS, NODES, Chain, Node
from data_access import cim
from data_access.db import transaction

LEADER = Actor("leader:li", "leader")
ANALYST = Actor("analyst:chen", "analyst")
OFFICER = Actor("duty:wang", "duty_officer")


def test_beijing_companies_are_placed_inside_their_district_and_labelled(city_db):
    firms = enterprises.beijing(city_db)
    assert (firms["listed"]).sum() == 538 and (~firms["listed"]).sum() == 480  # 538 real, 480 generated SMEs
    with transaction(city_db) as session:
        shapes = {d["adcode"]: shapely.from_geojson(d["geometry"]) for d in cim.districts(session)}
    outside = [
        r.code
        for r in firms.itertuples()
        if not r.park and not shapes[r.district_adcode].contains(shapely.Point(r.lon, r.lat))
    ]
    assert outside == []
    assert firms["source"].str.contains("generated").all()
    elsewhere = enterprises.frame(city_db)
    assert elsewhere[~elsewhere["is_beijing"]]["lon"].isna().all()  # the pool is not placed on the map


def test_membership_follows_keywords_then_the_industry_default():
    chain = Chain(
        "t",
        "测试",
        "Test",
        (
            Node("a", "甲", "A", "up", 1.0, ("晶圆",), feeds=("b",)),
            Node("b", "乙", "B", "mid", 1.0, ("封装",), ("半导体",)),
        ),
    )
    firms = pd.DataFrame(
        {
            "main_business": ["晶圆制造", "晶圆封装", "功率器件", "白酒"],
            "industry": ["半导体", "半导体", "半导体", "白酒"],
        }
    )
    share = chain_gaps.membership(firms, chain)
    assert share.to_dict("records") == [
        {"a": 1.0, "b": 0.0},
        {"a": 0.5, "b": 0.5},  # a tie splits the company
        {"a": 0.0, "b": 1.0},  # no keyword: its class's default node
        {"a": 0.0, "b": 0.0},
    ]


def test_a_gap_score_is_demand_times_weakness_times_weight(city_db):
    found = chain_gaps.analyse(city_db, "ai")
    nodes = {n["key"]: n for n in found["nodes"]}
    top = max(n["demand"] for n in found["nodes"])
    for n in found["nodes"]:
        assert n["score"] == pytest.approx(math.sqrt(n["demand"] / top) * (1 / (1 + n["lq"])) * n["weight"], abs=0.003)
    chip = nodes["ai_chip"]
    assert chip["local_count"] == 0 and chip["action"] == "fill" and found["targets"][0]["node"] == "ai_chip"
    # an upstream node's demand is what the city's companies downstream of it turn over
    below = ("ai_compute", "ai_platform", "ai_vision", "ai_city", "ai_drive", "ai_robot", "ai_gov")
    assert chip["demand"] == pytest.approx(sum(nodes[k]["local_output"] for k in below))
    assert {e["from"] for e in found["edges"]} <= set(nodes) and len(found["nodes"]) == len(BY_KEY["ai"].nodes)
    with pytest.raises(Refused) as refused:
        chain_gaps.analyse(city_db, "steel")
    assert refused.value.http == 404


def test_every_chain_has_nodes_in_each_tier_and_feeds_only_its_own_nodes():
    for chain in CHAINS:
        keys = {n.key for n in chain.nodes}
        assert {n.tier for n in chain.nodes} == {"up", "mid", "down"}
        assert all(set(n.feeds) <= keys for n in chain.nodes)


def test_recommendations_rank_companies_elsewhere_with_their_reasons(city_db):
    found = attraction.recommend(city_db, "nev_battery")
    assert 5 <= len(found) <= 20
    assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)
    pool = enterprises.frame(city_db).set_index("code")
    assert not pool.loc[[r["code"] for r in found], "is_beijing"].any()
    losses = (pool.loc[[r["code"] for r in found], [f"net_profit_{y}" for y in (2022, 2023, 2024)]] < 0).all(axis=1)
    assert not losses.any()  # a zombie is not a target
    first = found[0]
    weights = attraction.WEIGHTS
    assert first["score"] == pytest.approx(sum(weights[k] * first["parts"][k] for k in weights), abs=0.002)
    keys = {r["key"] for r in first["reasons"]}
    assert {"ind.why.match", "ind.why.scale", "ind.why.growth"} <= keys
    with pytest.raises(Refused):
        attraction.recommend(city_db, "nope")


def _row(**values) -> pd.Series:
    base = {"name": "测试", "code": "T", "industry": "x", "district_adcode": "110108"}
    return pd.Series(base | values)


def test_tier_a_is_three_losses_with_the_debt_ratio_derived_from_roe():
    row = _row(
        **{f"net_profit_{y}": -10.0 for y in (2022, 2023, 2024)},
        **{f"roe_pct_{y}": -5.0 for y in (2022, 2023, 2024)},
        **{f"total_assets_{y}": 1000.0 for y in (2022, 2023, 2024)},
        **{f"operating_profit_{y}": 1.0 for y in (2022, 2023, 2024)},
        total_profit_2024=-9.0,
        revenue_2024=50.0,
    )
    flag = zombies.assess(row)
    assert flag["tier"] == "A" and flag["tiers"] == ["A"]
    assert flag["evidence"]["debt_ratio"]["2024"] == 0.8  # equity = −10 ÷ −5 % = 200; 1 − 200 ÷ 1000
    assert flag["evidence"]["non_operating_2024"] == -10.0
    assert "interest_expense" in flag["missing"]["B"]
    assert zombies.assess(row.copy().replace({-10.0: 5.0})) is None  # profitable in the year: no flag


def test_tier_c_is_unprofitable_and_borrowing_more():
    row = _row(
        net_profit_2022=1.0,
        net_profit_2023=-5.0,
        net_profit_2024=-5.0,
        roe_pct_2022=1.0,
        roe_pct_2023=-10.0,
        roe_pct_2024=-10.0,
        total_assets_2022=200.0,
        total_assets_2023=210.0,
        total_assets_2024=220.0,
        operating_profit_2022=2.0,
        operating_profit_2023=-3.0,
        operating_profit_2024=-4.0,
        total_profit_2024=-5.0,
        revenue_2024=10.0,
    )
    flag = zombies.assess(row)
    assert flag["tiers"] == ["C"] and flag["evidence"]["liabilities_rising"] is True
    assert flag["evidence"]["debt_ratio"]["2024"] == pytest.approx(1 - 50 / 220, abs=0.001)
    missing_roe = row.copy()
    missing_roe["roe_pct_2024"] = float("nan")
    assert zombies.assess(missing_roe) is None  # not derivable: no evidence, no flag


def test_the_zombie_review_goes_step_by_step_and_is_audited(city_db):
    flagged = zombies.flags(city_db)
    assert flagged and all(f["state"] == "flagged" for f in flagged)
    code = flagged[0]["code"]
    with pytest.raises(Refused) as refused:
        zombies.move(city_db, ANALYST, code, "reviewing", "  ")
    assert refused.value.key == "industry.note_needed"
    with pytest.raises(Refused) as refused:
        zombies.move(city_db, LEADER, code, "confirmed", "too early")
    assert refused.value.http == 409  # a flag is reviewed before it is decided
    zombies.move(city_db, ANALYST, code, "reviewing", "调取续贷记录")
    with pytest.raises(Refused) as refused:
        zombies.move(city_db, ANALYST, code, "confirmed", "an analyst does not decide")
    assert refused.value.http == 403
    zombies.move(city_db, LEADER, code, "confirmed", "连续亏损属实")
    zombies.move(city_db, ANALYST, code, "appealed", "企业提交重组方案")
    after = next(f for f in zombies.flags(city_db) if f["code"] == code)
    assert after["state"] == "appealed" and after["note"] == "企业提交重组方案"
    assert audit_actions(city_db)[-3:] == ["industry.zombie"] * 3
    with pytest.raises(Refused) as refused:
        zombies.move(city_db, ANALYST, "600000.SH", "reviewing", "not flagged")
    assert refused.value.http == 404


def test_an_approach_moves_through_the_pipeline_and_is_audited(city_db):
    target = attraction.recommend(city_db, "ai_chip")[0]["code"]
    with pytest.raises(Refused) as refused:
        attraction.advance(city_db, OFFICER, "ai_chip", target, "lead")
    assert refused.value.http == 403
    attraction.advance(city_db, LEADER, "ai_chip", target, "lead", "园区对接")
    with pytest.raises(Refused) as refused:
        attraction.advance(city_db, LEADER, "ai_chip", target, "signed")
    assert refused.value.http == 409
    attraction.advance(city_db, ANALYST, "ai_chip", target, "contacted")
    rows = attraction.leads(city_db)
    assert [(r["code"], r["stage"]) for r in rows] == [(target, "contacted")] and rows[0]["enterprise"]
    assert audit_actions(city_db)[-2:] == ["industry.lead", "industry.lead"]
    with pytest.raises(Refused) as refused:
        attraction.advance(city_db, LEADER, "ai_chip", "NOPE", "lead")
    assert refused.value.http == 404


def test_the_economy_has_every_indicator_with_its_forecast(city_db):
    rows = economy.indicators(city_db)
    assert [r["name"] for r in rows] == list(economy.NAMES) and all(len(r["values"]) == 36 for r in rows)
    haidian = {r["name"]: r["latest"] for r in economy.indicators(city_db, "110108")}
    city = {r["name"]: r["latest"] for r in rows}
    assert 0.15 < haidian["tax"] / city["tax"] < 0.35  # Haidian's GDP share, about a quarter
    found = economy.outlook(city_db, "consumption", None)
    assert set(found["backtest"]) == {*NODES_MODELS} and len(found["future"]) == 12
    assert found["backtest"]["ets"]["mape"] < found["backtest"]["naive"]["mape"]
    with pytest.raises(Refused):
        economy.indicators(city_db, "999999")
    listed = economy.listed_by_industry(city_db)
    assert listed["companies"] == 538 and listed["rows"][0]["revenue"][0] > 0
    made = economy.production(city_db)
    assert sum(made["counts"].values()) == 538 + 480


NODES_MODELS = ("naive", "snaive", "drift", "ets", "arima", "dfm")


def test_nodes_are_unique_across_chains():
    assert len(NODES) == sum(len(c.nodes) for c in CHAINS)


def test_the_drill_down_flies_to_a_known_district_only(city_db):
    from cockpit.services.industry import industry_view

    (south, west), (north, east) = industry_view.district_viewport(city_db, "110108")["bounds"]
    assert 39.8 < south < north < 40.2 and 116.0 < west < east < 116.5
    with pytest.raises(Refused) as refused:
        industry_view.district_viewport(city_db, "999999")
    assert refused.value.http == 404
