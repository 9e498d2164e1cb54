"""Industry development on the /api/v1 blueprint: indicators, chains with their gaps, recommendations,
the attraction pipeline, zombie flags with their review; and the forecasting service (platform 4)."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.api.common import PATHS, blueprint, error_answer, operation_doc, refused_answer, run_idempotent
from cockpit.i18n import t
from cockpit.refusal import Refused
from cockpit.services.industry import attraction, chain_gaps, economy, forecast, zombies
from cockpit.services.support import support_components

READ = "industry.read"
PATHS.update(
    {
        "/api/v1/industry/indicators": {
            "get": operation_doc(
                "The economic indicators (generated, labelled) of the city or a district (?district=adcode): latest "
                "month, year-on-year change and the last 36 months",
                READ,
                ("district",),
            )
        },
        "/api/v1/industry/chains": {"get": operation_doc("The industry chains the cockpit maps", READ)},
        "/api/v1/industry/chains/{chain_id}": {
            "get": operation_doc(
                "An industry chain: nodes upstream/midstream/downstream with the city's companies and output, "
                "location quotient, downstream demand, gap score and action (fill 补链, strengthen 强链, extend 延链)",
                READ,
            )
        },
        "/api/v1/industry/recommendations": {
            "get": operation_doc(
                "Investment-attraction targets for a chain node (?node=): listed companies outside Beijing ranked "
                "by match, scale, growth and complementarity, with the reasons",
                READ,
                ("node", "limit"),
            )
        },
        "/api/v1/industry/leads": {
            "post": operation_doc(
                "Start or advance an approach to a recommended company (lead → contacted → visited → signed, "
                "or dropped); audited",
                "industry.attract",
                body='{"node": str, "code": str, "stage": str, "note": str}',
                example={"node": "ai_chip", "code": "688385.SH", "stage": "lead", "note": "园区对接"},
                idempotent=True,
            )
        },
        "/api/v1/industry/zombies": {
            "get": operation_doc(
                "Zombie flags among Beijing's listed companies: tier (A policy rule, C Fukuda–Nakamura), the "
                "evidence fields, what the data cannot show, and the review state",
                READ,
            )
        },
        "/api/v1/industry/zombies/{code}/review": {
            "post": operation_doc(
                "One step of a flag's review (reviewing, confirmed, cleared, appealed) with its note; audited",
                "industry.review",
                body='{"state": str, "note": str}',
                example={"state": "reviewing", "note": "调取银行续贷记录"},
                idempotent=True,
            )
        },
        "/api/v1/services/forecast": {
            "post": operation_doc(
                "Forecasting service: a monthly series in; ETS and seasonal ARIMA forecasts out with their back-test "
                "against the naive, seasonal-naive and random-walk forecasts on the last `horizon` points",
                READ,
                body='{"values": [number], "period": 12, "horizon": 12}',
                example={"values": [100 + i + 10 * (i % 12 == 11) for i in range(48)], "period": 12, "horizon": 6},
            )
        },
    }
)


def _texts(reasons: list[dict], lang: str) -> list[str]:
    return [t(r["key"], lang, **{k: v for k, v in r.items() if k != "key"}) for r in reasons]


@blueprint.get("/industry/indicators")
@auth.guard(READ)
def industry_indicators() -> tuple[flask.Response, int]:
    try:
        return flask.jsonify(
            indicators=economy.indicators(context.database_url(), flask.request.args.get("district") or None)
        ), 200
    except Refused as error:
        return refused_answer(error)


@blueprint.get("/industry/chains")
@auth.guard(READ)
def industry_chains() -> tuple[flask.Response, int]:
    return flask.jsonify(chains=chain_gaps.listing()), 200


@blueprint.get("/industry/chains/<chain_id>")
@auth.guard(READ)
def industry_chain(chain_id: str) -> tuple[flask.Response, int]:
    try:
        return flask.jsonify(chain_gaps.analyse(context.database_url(), chain_id)), 200
    except Refused as error:
        return refused_answer(error)


@blueprint.get("/industry/recommendations")
@auth.guard(READ)
def industry_recommendations() -> tuple[flask.Response, int]:
    node = flask.request.args.get("node")
    if not node:
        return error_answer(
            400, "?node= names a chain node, e.g. ic_equipment (GET /api/v1/industry/chains/{chain_id} lists them)"
        )
    limit = flask.request.args.get("limit", "20")
    if not limit.isdigit() or not 1 <= int(limit) <= 200:
        return error_answer(400, "limit is a whole number from 1 to 200")
    try:
        found = attraction.recommend(context.database_url(), node, int(limit))
    except Refused as error:
        return refused_answer(error)
    shown = [r | {"reasons": _texts(r["reasons"], "zh"), "reasons_en": _texts(r["reasons"], "en")} for r in found]
    return flask.jsonify(recommendations=shown), 200


@blueprint.post("/industry/leads")
@auth.guard("industry.attract")
def industry_lead() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    keys = ("node", "code", "stage")
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in keys):
        return error_answer(400, 'body must be {"node": str, "code": str, "stage": str, "note": str} in JSON')
    note = body.get("note") or ""
    if not isinstance(note, str):
        return error_answer(400, "note is text")

    def action() -> tuple[dict, int]:
        try:
            done = attraction.advance(context.database_url(), auth.current_actor(), *(body[k] for k in keys), note)
        except Refused as error:
            return error.answer()
        return {"lead": done | {"updated_at": done["updated_at"].isoformat()}}, 200

    return run_idempotent(action)


@blueprint.get("/industry/zombies")
@auth.guard(READ)
def industry_zombies() -> tuple[flask.Response, int]:
    return flask.jsonify(zombies=zombies.flags(context.database_url())), 200


@blueprint.post("/industry/zombies/<code>/review")
@auth.guard("industry.review")
def industry_zombie_review(code: str) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("state", "note")):
        return error_answer(400, 'body must be {"state": str, "note": str} in JSON')
    if len(code) > 16:
        return error_answer(404, "no such flag")

    def action() -> tuple[dict, int]:
        try:
            return {
                "review": zombies.move(context.database_url(), auth.current_actor(), code, body["state"], body["note"])
            }, 200
        except Refused as error:
            return error.answer()

    return run_idempotent(action)


@blueprint.post("/services/forecast")
@auth.guard(READ)
def forecast_service() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    values = body.get("values") if isinstance(body, dict) else None
    if not isinstance(values, list) or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return error_answer(400, 'body must be {"values": [number, ...], "period": 12, "horizon": 12} in JSON')
    period, horizon = body.get("period", 12), body.get("horizon", 12)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (period, horizon)):
        return error_answer(400, "period and horizon are whole numbers")
    try:
        found = forecast.forecast(values, period, horizon)
    except Refused as error:
        return refused_answer(error)
    support_components.record_call(context.database_url(), auth.current_actor(), "forecast")
    return flask.jsonify(found), 200
