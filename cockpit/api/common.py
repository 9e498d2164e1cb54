"""What every /api/v1 route shares: the blueprint, the OpenAPI paths each module adds to, the error answers,
the bounded integer argument and the Idempotency-Key runner. Public, so no route module reaches into another's
private helpers."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.permissions import PERMISSIONS, ROLES
from cockpit.refusal import Refused
from cockpit.services.kernel.idempotency import fingerprint, run_once

blueprint = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")
# the routes anyone may read: descriptions and keys, never the city's data
PUBLIC_ROUTES = ("/api/v1/openapi.json", "/api/v1/ngsi-ld/context.jsonld", "/api/v1/licences/public-key")
MAX_LIMIT = 5000
MAX_BATCH = 5000
MAX_UNITS = 50  # units in one dispatch
ALARM_STATUSES = ("new", "acknowledged", "resolved", "closed")


def error_answer(status: int, message: str) -> tuple[flask.Response, int]:
    return flask.jsonify(error=message), status


def refuse(message: str) -> None:
    flask.abort(flask.make_response(flask.jsonify(error=message), 400))


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = flask.request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= 18) or not low <= int(raw) <= high:
        refuse(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def operation_doc(
    summary: str,
    permission: str,
    params: tuple[str, ...] = (),
    body: str | None = None,
    example: dict | None = None,
    idempotent: bool = False,
) -> dict:
    operation: dict = {
        "summary": summary,
        "x-permission": permission,
        "x-roles": sorted(PERMISSIONS[permission]),
        "parameters": [{"name": p, "in": "query", "schema": {"type": "string"}} for p in params],
        "responses": {
            "200": {"description": "done"},
            "400": {"description": "bad input, with a message"},
            "401": {"description": "no or unknown token"},
            "403": {"description": "role lacks permission"},
        },
    }
    if body:
        content = {"schema": {"description": body}, "example": example}
        operation["requestBody"] = {"content": {"application/json": content}}
    if idempotent:
        operation["parameters"].append({"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}})
        operation["responses"] |= {
            "422": {"description": "same key, another method, route or body"},
        }
    return operation


def public_doc(summary: str) -> dict:
    """A route anyone may read (a description or a key, never the city's data): no token needed, any works."""
    return {
        "summary": summary,
        "security": [],
        "x-public": True,
        "x-roles": sorted(ROLES),
        "parameters": [],
        "responses": {"200": {"description": "done"}},
    }


PATHS = {
    "/api/v1/audit": {"get": operation_doc("Audit log rows, newest first", "audit.read", ("action", "actor", "limit"))},
    "/api/v1/readings": {
        "post": operation_doc(
            "A batch of readings: stored, duplicates and quarantined (with reasons)",
            "readings.write",
            body='{"readings": [{"device": code, "ts": ISO-8601, "seq": int, "values": {name: number}}]}',
            example={
                "readings": [
                    {"device": "110108-noise-00003", "ts": "2026-11-25T08:00:00Z", "seq": 1, "values": {"noise_db": 52}}
                ]
            },
            idempotent=True,
        )
    },
    "/api/v1/devices": {"get": operation_doc("Devices with location, owner and state", "view", ("limit", "offset"))},
    "/api/v1/alarms": {"get": operation_doc("Alarms, most severe first", "view", ("status", "limit"))},
    "/api/v1/alarms/{id}/ack": {"post": operation_doc("Acknowledge an alarm", "alarm.ack", idempotent=True)},
    "/api/v1/people/{username}/unmask": {
        "post": operation_doc(
            "A person's phone number in clear; needs a stated reason, which is logged",
            "personal.unmask",
            body='{"reason": "why you need it (at least 4 characters)"}',
            example={"reason": "回访核实"},
        )
    },
    "/api/v1/incidents": {
        "get": operation_doc("Incidents, gravest and newest first", "view", ("status",)),
        "post": operation_doc(
            "An incident from a call-taking system (110/119/120), placed in its district and street",
            "incident.report",
            body='{"type": str, "level": 1-4, "lon": number, "lat": number, "description": str, "reporter": str}',
            example={
                "type": "accident",
                "level": 3,
                "lon": 116.3205,
                "lat": 39.9995,
                "description": "路口两车相撞",
                "reporter": "122",
            },
            idempotent=True,
        ),
    },
    "/api/v1/incidents/{id}/recommendations": {
        "get": operation_doc("Available units ranked by ETA, with the method of each ETA", "view", ("limit",))
    },
    "/api/v1/incidents/{id}/dispatch": {
        "post": operation_doc(
            "Dispatch units; 409 naming the holder when a unit is taken",
            "dispatch",
            body='{"resource_ids": [int, ...]} or {"plan": true}',
            example={"resource_ids": [1, 2]},
            idempotent=True,
        )
    },
}


def iso_times(row: dict) -> dict:
    return {k: (v.isoformat() + "Z" if hasattr(v, "isoformat") else v) for k, v in row.items()}


def run_idempotent(action) -> tuple[flask.Response, int]:
    actor = auth.current_actor()
    request = flask.request
    answer, status = run_once(
        context.database_url(),
        actor.name,
        request.headers.get("Idempotency-Key"),
        fingerprint(request.method, request.path, request.get_data()),
        action,
    )
    return flask.jsonify(answer), status


def refused_answer(error: Refused) -> tuple[flask.Response, int]:
    body, status = error.answer()
    response = flask.jsonify(body)
    if getattr(error, "retry_after", None):  # a quota or a rate: when to come back
        response.headers["Retry-After"] = str(error.retry_after)
    return response, status
