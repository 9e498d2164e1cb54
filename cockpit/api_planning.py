"""Multi-plan integration on the /api/v1 blueprint: the conflict patches between the plans."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.api import PATHS, _int_arg, _iso, _operation, blueprint
from cockpit.api_catalog import _refused_answer
from cockpit.refusal import Refused
from cockpit.services import planning

PATHS.update(
    {
        "/api/v1/planning/conflicts": {
            "get": _operation(
                "Conflict patches (冲突图斑) between the plans and with what stands: rule, plans, zones, area in m², "
                "department asked to settle it, status and the patch as GeoJSON",
                "planning.read",
                ("status", "type", "limit"),
            )
        },
    }
)


@blueprint.get("/planning/conflicts")
@auth.guard("planning.read")
def plan_conflicts() -> tuple[flask.Response, int]:
    try:
        rows = planning.listing(
            context.settings().database_url,
            flask.request.args.get("status") or None,
            flask.request.args.get("type") or None,
            _int_arg("limit", 1000, 1, 10_000),
        )
    except Refused as error:
        return _refused_answer(error)
    return flask.jsonify(conflicts=[_iso(r) for r in rows]), 200
