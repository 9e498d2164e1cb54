"""What the field page's script calls (assets/field.js): photo uploads, field steps and reports. They take
the browser session with its CSRF header (Flask-WTF) and are refused from other origins like every write;
steps and reports take an Idempotency-Key, so a step queued offline and sent again is applied once. Photos
are served from here too, to the desk and to the worker who took them."""

from __future__ import annotations

import flask
import flask_login

from cockpit import auth, context, inputs
from cockpit.inputs import CrewStage, FieldAction, FieldReport
from cockpit.refusal import Refused
from cockpit.services.emergency import crew
from cockpit.services.kernel.idempotency import fingerprint, run_once
from cockpit.services.operations import field, photos

blueprint = flask.Blueprint("cockpit_field", __name__)


def _refused(error: Refused) -> tuple[flask.Response, int]:
    body, status = _said(error)
    return flask.jsonify(body), status


def _said(error: Refused) -> tuple[dict, int]:
    """A refusal as an idempotent answer: English and its key for the log, the worker's language to show."""
    answer, status = error.answer()
    return answer | {"message": error.say(context.lang())}, status


def run_idempotent(action) -> tuple[flask.Response, int]:
    request = flask.request
    answer, status = run_once(
        context.database_url(),
        auth.current_actor().name,
        request.headers.get("Idempotency-Key"),
        fingerprint(request.method, request.path, request.get_data()),
        action,
    )
    return flask.jsonify(answer), status


def _position(body: dict) -> field.Position | None:
    lon, lat = body.get("lon"), body.get("lat")
    return field.Position(lon, lat) if lon is not None and lat is not None else None


@blueprint.post("/field/api/photos")
@auth.guard("field")
def upload_photo() -> tuple[flask.Response, int]:
    upload = flask.request.files.get("photo")
    settings = context.settings()
    try:
        row = photos.store(
            settings.database_url, settings.var_dir, auth.current_actor(), upload.read() if upload else b""
        )
    except Refused as error:  # a bad photo, or too many a minute (429 with the wait)
        response, status = _refused(error)
        if getattr(error, "retry_after", None):
            response.headers["Retry-After"] = str(error.retry_after)
        return response, status
    keep = ("id", "width", "height", "gps_lon", "gps_lat", "taken_at")
    return flask.jsonify(photo={k: row[k] for k in keep} | {"thumb": f"/photos/{row['id']}/thumb.jpg"}), 201


@blueprint.post("/field/api/actions")
@auth.guard("field")
def field_action() -> tuple[flask.Response, int]:
    body = inputs.parsed(flask.request.get_json(silent=True), FieldAction, "body")
    actor, worker = auth.current_actor(), flask_login.current_user.display_name

    def action() -> tuple[dict, int]:
        try:
            done = field.act(
                context.database_url(),
                actor,
                worker,
                body["case_id"],
                body["action"],
                body.get("note") or "",
                _position(body),
                tuple(body.get("photos") or ()),
            )
        except Refused as error:
            return _said(error)
        return {"case": {"id": done["id"], "code": done["code"], "step": done.get("step"), "far": done.get("far")}}, 200

    return run_idempotent(action)


@blueprint.post("/field/api/stages")
@auth.guard("field")
def crew_stage() -> tuple[flask.Response, int]:
    body = inputs.parsed(flask.request.get_json(silent=True), CrewStage, "body")
    actor, unit = auth.current_actor(), flask_login.current_user.display_name

    def action() -> tuple[dict, int]:
        try:
            done = crew.report(context.database_url(), actor, unit, body["dispatch_id"], body["stage"], _position(body))
        except Refused as error:
            return _said(error)
        return {"dispatch": {"id": done["id"], "stage": done["stage"]}}, 200

    return run_idempotent(action)


@blueprint.post("/field/api/reports")
@auth.guard("field")
def field_report() -> tuple[flask.Response, int]:
    body = inputs.parsed(flask.request.get_json(silent=True), FieldReport, "body")
    actor = auth.current_actor()
    key = flask.request.headers.get("Idempotency-Key") or ""

    def action() -> tuple[dict, int]:
        try:
            case = field.report(
                context.database_url(),
                actor,
                key,
                body["category"],
                field.Position(body["lon"], body["lat"]),
                body.get("note") or "",
                tuple(body.get("photos") or ()),
            )
        except Refused as error:
            return _said(error)
        return {"case": {"id": case["id"], "code": case["code"], "status": case["status"]}}, 201

    return run_idempotent(action)


@blueprint.errorhandler(413)
def too_large(error_answer: Exception) -> tuple[flask.Response, int]:
    return _refused(photos.PhotoError("photo_too_big", 413, mb=photos.MAX_BYTES // (1024 * 1024)))


@blueprint.get("/photos/<id:photo_id>.jpg")
@blueprint.get("/photos/<id:photo_id>/thumb.jpg", defaults={"thumb": True})
@auth.guard("photo.read")
def photo(photo_id: int, thumb: bool = False) -> flask.Response:
    settings = context.settings()
    path = photos.readable(settings.database_url, settings.var_dir, auth.current_actor(), photo_id, thumb)
    if path is None:
        return flask.jsonify(error=f"no photo {photo_id} for you"), 404
    response = flask.send_file(path, mimetype="image/jpeg", max_age=3600)
    response.cache_control.private = True
    return response
