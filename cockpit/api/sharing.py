"""Sharing on the /api/v1 blueprint: applications for conditionally shared datasets and their decisions,
department keys with quotas, and the data-service components (geocoding, reverse geocoding, housing,
e-licences)."""

from __future__ import annotations

import math

import flask

from cockpit import auth, context
from cockpit.api.common import PATHS, blueprint, error_answer, int_arg, iso_times, operation_doc, refuse, refused_answer
from cockpit.refusal import Refused
from cockpit.services.data import data_services, geocoder, housing, sharing
from cockpit.services.kernel.clock import city_now
from cockpit.services.services import licences

PATHS.update(
    {
        "/api/v1/datasets/{id}/applications": {
            "post": operation_doc(
                "Apply for a conditionally shared dataset on behalf of a department",
                "catalog.read",
                body='{"department": str, "purpose": str}',
                example={"department": "海淀区民政局", "purpose": "核对辖区避难场所容量"},
            )
        },
        "/api/v1/applications": {
            "get": operation_doc("Sharing applications, newest first", "catalog.steward", ("status",))
        },
        "/api/v1/applications/{id}/decision": {
            "post": operation_doc(
                "Approve (a key scoped to the dataset is answered once) or reject (with a reason)",
                "catalog.steward",
                body='{"approve": bool, "reason": str, "daily_quota": int, "per_minute": int}',
                example={"approve": True, "daily_quota": 5000, "per_minute": 30},
            )
        },
        "/api/v1/keys": {
            "post": operation_doc(
                "A department's sharing key with its quota and rate (answered once)",
                "catalog.steward",
                body='{"department": str, "daily_quota": int, "per_minute": int}',
                example={"department": "市交通委", "daily_quota": 10000, "per_minute": 60},
            )
        },
    }
)


def _limits(body: dict) -> dict[str, int]:
    limits = {k: body[k] for k in ("daily_quota", "per_minute") if k in body}
    if any(not isinstance(v, int) or isinstance(v, bool) for v in limits.values()):
        refuse("daily_quota and per_minute are whole numbers")
    return limits


@blueprint.post("/datasets/<id:dataset_id>/applications")
@auth.guard("catalog.read")
def apply_for_dataset(dataset_id: int) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("department", "purpose")):
        return error_answer(400, 'body must be {"department": str, "purpose": str}')
    try:
        url = context.database_url()
        key = sharing.key_of(url, flask.g.get("api_client"))
        made = sharing.apply(url, auth.current_actor(), dataset_id, body["department"], body["purpose"], key)
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(application=iso_times(made)), 201


@blueprint.get("/applications")
@auth.guard("catalog.steward")
def list_applications() -> tuple[flask.Response, int]:
    try:
        rows = sharing.applications(context.database_url(), flask.request.args.get("status") or None)
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(applications=[iso_times(r) for r in rows]), 200


@blueprint.post("/applications/<id:application_id>/decision")
@auth.guard("catalog.steward")
def decide_application(application_id: int) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("approve"), bool):
        return error_answer(400, 'body must be {"approve": true|false, ...}')
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        return error_answer(400, "reason is text")
    try:
        done, key = sharing.decide(
            context.database_url(),
            auth.current_actor(),
            application_id,
            body["approve"],
            reason,
            **_limits(body),
        )
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(application=iso_times(done), key=key), 200


@blueprint.post("/keys")
@auth.guard("catalog.steward")
def issue_key() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("department"), str):
        return error_answer(400, 'body must be {"department": str[, "daily_quota": int, "per_minute": int]}')
    try:
        key = sharing.issue(context.database_url(), auth.current_actor(), body["department"], **_limits(body))
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(key=key, department=body["department"].strip()[:64]), 201


PATHS.update(
    {
        "/api/v1/services": {
            "get": operation_doc("The data-service components with their routes and calls", "catalog.read")
        },
        "/api/v1/services/geocode": {
            "get": operation_doc(
                "An address or place name to building, street and grid (the city's own data)",
                "catalog.read",
                ("address", "limit", "purpose"),
            )
        },
        "/api/v1/services/reverse": {
            "get": operation_doc(
                "A point to its street, grid and nearest named building", "catalog.read", ("lon", "lat")
            )
        },
        "/api/v1/services/buildings/{id}/housing": {
            "get": operation_doc("A building's floors, homes and households (generated where marked)", "catalog.read")
        },
        "/api/v1/services/licences": {
            "get": operation_doc(
                "A company's e-licences by unified social credit code or a part of its name, valid as of today",
                "catalog.read",
                ("holder", "purpose"),
            )
        },
        "/api/v1/services/licences/{number}": {
            "get": operation_doc(
                "Verify a licence: valid as of today and, given the digest of the copy shown, whether it matches",
                "catalog.read",
                ("digest", "purpose"),
            )
        },
    }
)


def _service_call(name: str) -> None:
    """Scope and rate of a department key apply to the services too; the call goes in the usage register."""
    url = context.database_url()
    sharing.check(url, sharing.key_of(url, flask.g.get("api_client")), None)
    data_services.record_call(url, auth.current_actor(), name, flask.request.args.get("purpose"))


@blueprint.get("/services")
@auth.guard("catalog.read")
def list_services() -> flask.Response:
    return flask.jsonify(services=data_services.listing(context.database_url()))


@blueprint.get("/services/geocode")
@auth.guard("catalog.read")
def geocode() -> tuple[flask.Response, int]:
    address = flask.request.args.get("address", "").strip()
    if not address or len(address) > 200:
        return error_answer(400, "address is 1 to 200 characters")
    try:
        _service_call("geocode")
    except Refused as error:
        return refused_answer(error)
    found = geocoder.geocode(context.database_url(), address, int_arg("limit", 5, 1, 20))
    return flask.jsonify(matches=[m.__dict__ for m in found]), 200


@blueprint.get("/services/reverse")
@auth.guard("catalog.read")
def reverse_geocode() -> tuple[flask.Response, int]:
    try:
        lon, lat = float(flask.request.args["lon"]), float(flask.request.args["lat"])
    except (KeyError, ValueError):
        return error_answer(400, "lon and lat are numbers in degrees")
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return error_answer(400, "lon within -180..180 and lat within -90..90")
    try:
        _service_call("reverse")
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(place=geocoder.reverse(context.database_url(), lon, lat).__dict__), 200


@blueprint.get("/services/buildings/<id:building_id>/housing")
@auth.guard("catalog.read")
def building_housing(building_id: int) -> tuple[flask.Response, int]:
    try:
        _service_call("housing")
        found = housing.housing(context.database_url(), building_id)
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(housing=found.__dict__), 200


@blueprint.get("/services/licences")
@auth.guard("catalog.read")
def licences_of() -> tuple[flask.Response, int]:
    holder = flask.request.args.get("holder", "")
    if len(holder) > 100:
        return error_answer(400, "holder is at most 100 characters")
    try:
        _service_call("licences")
        found = licences.lookup(context.database_url(), holder, city_now().date())
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(licences=[f.__dict__ for f in found]), 200


@blueprint.get("/services/licences/<number>")
@auth.guard("catalog.read")
def verify_licence(number: str) -> tuple[flask.Response, int]:
    if len(number) > 40:
        return error_answer(400, "a licence number is at most 40 characters")
    try:
        _service_call("licences")
        licence, matches = licences.verify(
            context.database_url(), number, city_now().date(), flask.request.args.get("digest")
        )
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(licence=licence.__dict__, valid=licence.valid, digest_matches=matches), 200
