"""Data conflicts (数据打架) on the /api/v1 blueprint: list them, run the comparisons, decide a ticket."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.api.common import (
    PATHS,
    blueprint,
    error_answer,
    int_arg,
    iso_times,
    operation_doc,
    refused_answer,
    run_idempotent,
)
from cockpit.refusal import Refused
from cockpit.services.data import conflicts
from cockpit.services.data.comparisons import BY_NAME as COMPARISONS

PATHS.update(
    {
        "/api/v1/conflicts": {
            "get": operation_doc(
                "Data conflicts (数据打架) with both values, rule, department and state",
                "catalog.read",
                ("status", "dataset", "limit"),
            )
        },
        "/api/v1/conflicts/detect": {
            "post": operation_doc(
                "Run the comparisons (all, or one by name) and answer what each found",
                "catalog.steward",
                body='{"comparison": name} or {}',
                example={"comparison": "shelter_registers"},
            )
        },
        "/api/v1/conflicts/{id}/transition": {
            "post": operation_doc(
                "Assign a conflict to a department, let one side's value stand, or dismiss it (with a reason)",
                "catalog.steward",
                body='{"action": "assign"|"resolve"|"dismiss", "department", "winner": "left"|"right", "reason"}',
                example={"action": "resolve", "winner": "left"},
                idempotent=True,
            )
        },
    }
)


@blueprint.get("/conflicts")
@auth.guard("catalog.read")
def list_conflicts() -> tuple[flask.Response, int]:
    try:
        rows = conflicts.listing(
            context.database_url(),
            flask.request.args.get("status") or None,
            int_arg("dataset", 0, 0, 2**53) or None,
            int_arg("limit", 500, 1, 5000),
        )
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(conflicts=[iso_times(r) for r in rows]), 200


@blueprint.post("/conflicts/detect")
@auth.guard("catalog.steward")
def detect_conflicts() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True) or {}
    name = body.get("comparison") if isinstance(body, dict) else None
    if name is not None and (not isinstance(name, str) or name not in COMPARISONS):
        return error_answer(400, f"comparison must be one of {', '.join(sorted(COMPARISONS))}")
    chosen = [COMPARISONS[name]] if name else list(COMPARISONS.values())
    url, actor = context.database_url(), auth.current_actor()
    return flask.jsonify(detections=[conflicts.detect(url, c, actor).__dict__ for c in chosen]), 200


@blueprint.post("/conflicts/<id:conflict_id>/transition")
@auth.guard("catalog.steward")
def conflict_transition(conflict_id: int) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("action"), str):
        return error_answer(400, 'body must be {"action": "assign"|"resolve"|"dismiss", ...} in JSON')
    extra = {k: body.get(k) for k in ("department", "winner", "reason")}
    if any(v is not None and not isinstance(v, str) for v in extra.values()):
        return error_answer(400, "department, winner and reason are text")

    def action() -> tuple[dict, int]:
        try:
            done = conflicts.transition(
                context.database_url(), auth.current_actor(), conflict_id, body["action"], **extra
            )
        except Refused as error:
            return error.answer()
        return {"conflict": iso_times(done)}, 200

    return run_idempotent(action)
