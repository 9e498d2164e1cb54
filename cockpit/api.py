"""HTTP API under /api/v1: JSON, bearer tokens with a role, described by /api/v1/openapi.json.
Each route passes auth.guard like every callback; issues add their routes here in the same pattern."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.permissions import PERMISSIONS
from cockpit.services import audit

blueprint = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")
MAX_LIMIT = 5000


def _error(status: int, message: str) -> tuple[flask.Response, int]:
    return flask.jsonify(error=message), status


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = flask.request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        flask.abort(_error(400, f"{name} must be a whole number from {low} to {high}, not {raw!r}"))
    return int(raw)


@blueprint.get("/openapi.json")
def openapi() -> flask.Response:
    return flask.jsonify(
        {
            "openapi": "3.1.0",
            "info": {"title": "City Brain Cockpit API", "version": "1"},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
            "paths": {
                "/api/v1/audit": {
                    "get": {
                        "summary": "Audit log rows, newest first (role admin)",
                        "x-permission": "audit.read",
                        "x-roles": sorted(PERMISSIONS["audit.read"]),
                        "parameters": [
                            {"name": "action", "in": "query", "schema": {"type": "string"}},
                            {"name": "actor", "in": "query", "schema": {"type": "string"}},
                            {
                                "name": "limit",
                                "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                            },
                        ],
                        "responses": {
                            "200": {"description": "rows"},
                            "400": {"description": "bad query"},
                            "401": {"description": "no or unknown token"},
                            "403": {"description": "role lacks audit.read"},
                        },
                    }
                }
            },
        }
    )


@blueprint.get("/audit")
@auth.guard("audit.read")
def audit_log() -> flask.Response:
    limit = _int_arg("limit", 500, 1, MAX_LIMIT)
    rows = audit.rows(
        context.settings().database_url,
        action=flask.request.args.get("action") or None,
        actor=flask.request.args.get("actor") or None,
        limit=limit,
    )
    return flask.jsonify(rows=[r | {"ts": r["ts"].isoformat() + "Z"} for r in rows])


@blueprint.errorhandler(404)
def not_found(_error_: Exception) -> tuple[flask.Response, int]:
    return _error(404, f"no API route {flask.request.path}")
