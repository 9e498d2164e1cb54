"""Multi-plan integration on the /api/v1 blueprint: the conflict patches between the plans."""

from __future__ import annotations

from datetime import date

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
from cockpit.services.planning import plan_workflow, planning, schemes

MAX_BODY = 5_000_000  # bytes of GeoJSON: three schemes of 300 detailed footprints fit with room
TEXTS = ("department", "opinion", "yielding", "reason", "deadline")

PATHS.update(
    {
        "/api/v1/planning/conflicts": {
            "get": operation_doc(
                "Conflict patches (冲突图斑) between the plans and with what stands: rule, plans, zones, area in m², "
                "department asked to settle it, status and the patch as GeoJSON",
                "planning.read",
                ("status", "type", "limit"),
            )
        },
        "/api/v1/planning/schemes/compare": {
            "post": operation_doc(
                "Compare two or three massing schemes for one site: FAR, density, green ratio, height, floor areas, "
                "population capacity, jobs, trips, pass/fail against the regulatory plan's limits, the 15-minute "
                "life circle (schools, clinics, parks), deltas against the first scheme; an estimate",
                "planning.read",
                body='{"site": Polygon, "schemes": [{"name", "green_m2", "buildings": [{"geometry": Polygon, '
                '"floors", "use": "residential"|"commercial"|"office"|"school"|"clinic"}]}]}',
                example={
                    "site": {
                        "type": "Polygon",
                        "coordinates": [
                            [
                                [116.3205, 39.9985],
                                [116.3225, 39.9985],
                                [116.3225, 40.0],
                                [116.3205, 40.0],
                                [116.3205, 39.9985],
                            ]
                        ],
                    },
                    "schemes": [
                        {
                            "name": "A",
                            "green_m2": 9000,
                            "buildings": [
                                {
                                    "geometry": {
                                        "type": "Polygon",
                                        "coordinates": [
                                            [
                                                [116.321, 39.999],
                                                [116.3215, 39.999],
                                                [116.3215, 39.9993],
                                                [116.321, 39.9993],
                                                [116.321, 39.999],
                                            ]
                                        ],
                                    },
                                    "floors": 18,
                                    "use": "residential",
                                }
                            ],
                        },
                        {
                            "name": "B",
                            "green_m2": 6000,
                            "buildings": [
                                {
                                    "geometry": {
                                        "type": "Polygon",
                                        "coordinates": [
                                            [
                                                [116.321, 39.999],
                                                [116.322, 39.999],
                                                [116.322, 39.9995],
                                                [116.321, 39.9995],
                                                [116.321, 39.999],
                                            ]
                                        ],
                                    },
                                    "floors": 12,
                                    "use": "office",
                                }
                            ],
                        },
                    ],
                },
            )
        },
        "/api/v1/planning/conflicts/{id}/transition": {
            "post": operation_doc(
                "Settle a patch: assign it to a leading department with a deadline for opinions (coordinators), "
                "record a department's opinion, or decide which plan yields (leaders): the yielding zone loses the "
                "patch in a new revision of its plan",
                "planning.read",
                body='{"action": "assign"|"opine"|"decide", "department", "deadline": "YYYY-MM-DD", "opinion", '
                '"yielding": "left"|"right", "reason"}',
                example={"action": "assign", "department": "市规划自然资源委"},
                idempotent=True,
            )
        },
    }
)


@blueprint.get("/planning/conflicts")
@auth.guard("planning.read")
def plan_conflicts() -> tuple[flask.Response, int]:
    try:
        rows = planning.listing(
            context.database_url(),
            flask.request.args.get("status") or None,
            flask.request.args.get("type") or None,
            int_arg("limit", 1000, 1, 10_000),
        )
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(conflicts=[iso_times(r) for r in rows]), 200


@blueprint.post("/planning/conflicts/<id:conflict_id>/transition")
@auth.guard("planning.read")
def plan_conflict_transition(conflict_id: int) -> tuple[flask.Response, int]:
    """Who may take which step is checked by the workflow itself (coordinators assign, leaders decide)."""
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("action"), str):
        return error_answer(400, 'body must be {"action": "assign"|"opine"|"decide", ...} in JSON')
    given = {k: body.get(k) for k in TEXTS}
    if any(v is not None and not isinstance(v, str) for v in given.values()):
        return error_answer(400, ", ".join(TEXTS) + " are text")
    raw = given.pop("deadline")
    try:
        deadline = date.fromisoformat(raw) if raw else None
    except ValueError:
        return error_answer(400, "deadline is a date, YYYY-MM-DD")

    def action() -> tuple[dict, int]:
        try:
            done = plan_workflow.transition(
                context.database_url(),
                auth.current_actor(),
                conflict_id,
                body["action"],
                deadline=deadline,
                **given,
            )
        except Refused as error:
            return error.answer()
        return {"conflict": iso_times(done)}, 200

    return run_idempotent(action)


@blueprint.post("/planning/schemes/compare")
@auth.guard("planning.read")
def compare_schemes() -> tuple[flask.Response, int]:
    if flask.request.content_length and flask.request.content_length > MAX_BODY:
        return error_answer(413, f"a comparison is at most {MAX_BODY // 1_000_000} MB")
    try:
        return flask.jsonify(schemes.compare(context.database_url(), flask.request.get_json(silent=True))), 200
    except Refused as error:
        return refused_answer(error)
