"""Construction projects on the /api/v1 blueprint: the register, a project's schedule with its critical path,
the sunlight analysis of its design, and its structural monitoring."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.api.common import PATHS, blueprint, iso_times, operation_doc, refused_answer
from cockpit.refusal import Refused
from cockpit.services.construction import projects, structural, structural_view

PATHS.update(
    {
        "/api/v1/projects": {
            "get": operation_doc(
                "Construction projects from approval (立项) to operation (运维): stage, owner, contractor, budget and "
                "spending, share of work done, forecast and baseline finish, delay in days, slip alerts; late first",
                "construction.read",
            )
        },
        "/api/v1/projects/{id}/schedule": {
            "get": operation_doc(
                "A project's schedule: each task with its links, baseline, forecast start and finish, total and free "
                "float, actuals; the critical path by CPM; slips of critical tasks against the baseline",
                "construction.read",
            )
        },
        "/api/v1/projects/{id}/sunlight": {
            "get": operation_doc(
                "Sunlight analysis (日照分析) of the project's design on 大寒日 (day=dahan) or 冬至日 "
                "(day=dongzhi): the neighbouring homes' worst window sill without and with the design against "
                "GB 50180, and the design's shadow hour by hour",
                "construction.read",
                ("day",),
            )
        },
        "/api/v1/projects/{id}/monitoring": {
            "get": operation_doc(
                "Structural monitoring (结构监测) of the project: each sensor's latest value, daily rate, control "
                "values (the standard's or the design's), band (normal/warning/alarm/control), JGJ 8 stability and "
                "the hyperbolic forecast of the days until the control value (p10, p50, p90); open alarms",
                "construction.read",
            )
        },
    }
)


@blueprint.get("/projects")
@auth.guard("construction.read")
def project_list() -> tuple[flask.Response, int]:
    found = projects.portfolio(context.database_url())
    return flask.jsonify(projects=found["projects"]), 200


@blueprint.get("/projects/<id:project_id>/schedule")
@auth.guard("construction.read")
def project_schedule(project_id: int) -> tuple[flask.Response, int]:
    try:
        return flask.jsonify(projects.schedule_view(context.database_url(), project_id)), 200
    except Refused as error:
        return refused_answer(error)


@blueprint.get("/projects/<id:project_id>/sunlight")
@auth.guard("construction.read")
def project_sunlight(project_id: int) -> tuple[flask.Response, int]:
    try:
        found = projects.sunlight(context.database_url(), project_id, flask.request.args.get("day", "dahan"))
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(found), 200


@blueprint.get("/projects/<id:project_id>/monitoring")
@auth.guard("construction.read")
def project_monitoring(project_id: int) -> tuple[flask.Response, int]:
    try:
        view = structural.project_view(context.database_url(), project_id)
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(
        project=view["project"],
        band=view["band"],
        sensors=[iso_times(r) for r in structural_view.rows(view)],
        alarms=[iso_times(a) for a in view["alarms"]],
    ), 200
