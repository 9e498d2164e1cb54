"""HTTP API under /api/v1: JSON, bearer tokens with a role, described by /api/v1/openapi.json.
The core routes (audit, readings, devices, alarms, incidents and dispatch); each passes auth.guard like every
callback, and every other route module adds its routes to the same blueprint in the same pattern."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.api.common import (
    ALARM_STATUSES,
    MAX_BATCH,
    MAX_LIMIT,
    MAX_UNITS,
    PATHS,
    blueprint,
    error_answer,
    int_arg,
    iso_times,
    refuse,
    run_idempotent,
)
from cockpit.inputs import BIG
from cockpit.services.emergency import emergency
from cockpit.services.emergency.emergency import DispatchConflict, DispatchError
from cockpit.services.iot import alarms, devices, ingestion
from cockpit.services.iot.alarms import AlarmError
from cockpit.services.support import audit, users
from cockpit.services.support.privacy import UnmaskRefused


@blueprint.get("/openapi.json")
def openapi() -> flask.Response:
    return flask.jsonify(
        {
            "openapi": "3.1.0",
            "info": {"title": "City Brain Cockpit API", "version": "1"},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
            "paths": PATHS,
        }
    )


@blueprint.get("/audit")
@auth.guard("audit.read")
def audit_log() -> flask.Response:
    limit = int_arg("limit", 500, 1, MAX_LIMIT)
    rows = audit.read(
        context.database_url(),
        auth.current_actor(),
        action=flask.request.args.get("action") or None,
        actor_name=flask.request.args.get("actor") or None,
        limit=limit,
    )
    return flask.jsonify(rows=[r | {"ts": r["ts"].isoformat() + "Z"} for r in rows])


@blueprint.post("/readings")
@auth.guard("readings.write")
def post_readings() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("readings"), list):
        return error_answer(400, 'body must be {"readings": [...]} in JSON')
    items = body["readings"]
    if not 1 <= len(items) <= MAX_BATCH:
        return error_answer(400, f"a batch holds 1 to {MAX_BATCH} readings, not {len(items)}")

    def action() -> tuple[dict, int]:
        return ingestion.ingest_api(context.database_url(), items, auth.current_actor()), 200

    return run_idempotent(action)


@blueprint.get("/devices")
@auth.guard("view")
def list_devices() -> flask.Response:
    limit, offset = int_arg("limit", 1000, 1, MAX_LIMIT), int_arg("offset", 0, 0, 10_000_000)
    return flask.jsonify(devices=[iso_times(d) for d in devices.listing(context.database_url(), limit, offset)])


@blueprint.get("/alarms")
@auth.guard("view")
def list_alarms() -> flask.Response:
    status = flask.request.args.get("status")
    if status is not None and status not in ALARM_STATUSES:
        refuse(f"status must be one of {', '.join(ALARM_STATUSES)}")
    rows = alarms.recent_alarms(
        context.database_url(), [status] if status else None, int_arg("limit", 200, 1, MAX_LIMIT)
    )
    return flask.jsonify(alarms=[iso_times(a) for a in rows])


@blueprint.post("/alarms/<id:alarm_id>/ack")
@auth.guard("alarm.ack")
def ack_alarm(alarm_id: int) -> tuple[flask.Response, int]:
    def action() -> tuple[dict, int]:
        try:
            done = alarms.transition(context.database_url(), auth.current_actor(), alarm_id, "acknowledge")
        except AlarmError as error:
            return error.answer()
        return {"alarm": iso_times(done)}, 200

    return run_idempotent(action)


@blueprint.post("/people/<username>/unmask")
@auth.guard("personal.unmask")
def unmask_person(username: str) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    reason = body.get("reason") if isinstance(body, dict) else None
    if not isinstance(reason, str):
        return error_answer(400, 'body must be {"reason": "..."}')
    try:
        phone = users.unmask_phone(context.database_url(), auth.current_actor(), username[:64], reason)
    except UnmaskRefused as error:
        return error_answer(400, str(error))
    if phone is None:
        return error_answer(404, f"no phone on record for {username[:64]!r}")
    return flask.jsonify(username=username, phone=phone), 200


@blueprint.get("/incidents")
@auth.guard("view")
def list_incidents() -> flask.Response:
    status = flask.request.args.get("status")
    rows = emergency.incidents(context.database_url())
    if status:
        rows = [r for r in rows if r["status"] == status]
    return flask.jsonify(incidents=[iso_times(r) for r in rows])


@blueprint.post("/incidents")
@auth.guard("incident.report")
def report_incident() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    shape = {"type": str, "level": int, "lon": (int, float), "lat": (int, float), "description": str}
    if not isinstance(body, dict) or any(
        not isinstance(body.get(k), kind) or isinstance(body.get(k), bool) for k, kind in shape.items()
    ):
        return error_answer(400, 'body must be {"type", "level", "lon", "lat", "description"[, "reporter"]} in JSON')
    reporter = body.get("reporter")
    if reporter is not None and not isinstance(reporter, str):
        return error_answer(400, "reporter must be text")

    def action() -> tuple[dict, int]:
        try:
            row = emergency.report_incident(
                context.database_url(),
                auth.current_actor(),
                body["type"],
                body["level"],
                float(body["lon"]),
                float(body["lat"]),
                body["description"],
                reporter=reporter,
            )
        except DispatchError as error:
            return error.answer()
        return {"incident": iso_times(row)}, 201

    return run_idempotent(action)


@blueprint.get("/incidents/<id:incident_id>/recommendations")
@auth.guard("view")
def recommendations(incident_id: int) -> tuple[flask.Response, int]:
    try:
        ranked = emergency.recommend(context.database_url(), incident_id, limit=int_arg("limit", 30, 1, 5000))
    except DispatchError as error:
        body, status = error.answer()
        return flask.jsonify(body), status
    return flask.jsonify(
        recommendations=[
            {
                "resource_id": r.resource_id,
                "code": r.code,
                "name": r.name,
                "kind": r.kind,
                "eta_s": round(r.eta_s, 1),
                "method": r.method,
                "distance_m": round(r.distance_m),
            }
            for r in ranked
        ]
    ), 200


@blueprint.post("/incidents/<id:incident_id>/dispatch")
@auth.guard("dispatch")
def dispatch(incident_id: int) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    plan = isinstance(body, dict) and body.get("plan") is True
    ids = body.get("resource_ids") if isinstance(body, dict) else None
    if not plan and not (
        isinstance(ids, list)
        and 0 < len(ids) <= MAX_UNITS
        and all(isinstance(i, int) and not isinstance(i, bool) and 0 < i <= BIG for i in ids)
    ):
        return error_answer(400, 'body must be {"resource_ids": [int, ...]} or {"plan": true}')

    def action() -> tuple[dict, int]:
        try:
            made = emergency.dispatch(
                context.database_url(), auth.current_actor(), incident_id, None if plan else ids, use_plan=plan
            )
        except DispatchConflict as error:
            body, status = error.answer()
            return body | {"unit": error.unit, "held_by": error.by, "incident": error.incident}, status
        except DispatchError as error:
            return error.answer()
        return {"dispatch_ids": made}, 200

    return run_idempotent(action)


@blueprint.errorhandler(413)
def too_large(_error_: Exception) -> tuple[flask.Response, int]:
    most = flask.request.max_content_length or flask.current_app.config["MAX_CONTENT_LENGTH"]  # the route's own
    return error_answer(413, f"the body is larger than {most // 1024} KiB")


@blueprint.errorhandler(404)
def not_found(_error_: Exception) -> tuple[flask.Response, int]:
    return error_answer(404, f"no API route {flask.request.path[:200]}")


@blueprint.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@auth.guard("view")
def unknown_route(_rest: str) -> tuple[flask.Response, int]:
    """An address under /api/v1 that no route owns answers JSON 404, not the cockpit's HTML page."""
    return not_found(None)
