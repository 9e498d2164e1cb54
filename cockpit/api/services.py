"""Government services and 12345 on HTTP: the router, tickets (personal data masked) and their steps, the
assessment, service items, e-licences, credit commitments and notifications on /api/v1; and an Open311
GeoReport v2 endpoint (/open311/v2) so any Open311 client (FixMyStreet's among them) can file and follow."""

from __future__ import annotations

from datetime import date

import flask

from cockpit import auth, context
from cockpit.api.common import (
    PATHS,
    blueprint,
    error_answer,
    iso_times,
    operation_doc,
    public_doc,
    refused_answer,
    run_idempotent,
)
from cockpit.profile import DEPARTMENTS
from cockpit.refusal import Refused
from cockpit.services.services import assessment, commitments, licence_signing, service_items, ticket_router, tickets
from cockpit.services.support import notifications, privacy, support_components
from cockpit.vocab import TICKET_OPEN

open311 = flask.Blueprint("open311", __name__, url_prefix="/open311/v2")
TEXTS = ("title", "address", "caller_name", "caller_phone")

PATHS.update(
    {
        "/api/v1/tickets/route": {
            "post": operation_doc(
                "The 12345 router: Chinese text to its first-level category, the department and a confidence, with "
                "the runners-up; below the threshold `triage` is true (a person decides)",
                "ticket.route",
                body='{"text": str}',
                example={"text": "小区门口道路坑洼积水，请求维修"},
            )
        },
        "/api/v1/tickets": {
            "get": operation_doc(
                "12345 tickets, newest first (personal data masked)", "services.read", ("status", "limit")
            ),
            "post": operation_doc(
                "Take a ticket in: routed, placed by the address service, merged with a duplicate within 50 m",
                "ticket.intake",
                body='{"channel", "text", "title", "address", "lon", "lat", "caller_name", "caller_phone"}',
                example={"channel": "hotline", "text": "中关村大街路灯不亮", "address": "中关村大街"},
                idempotent=True,
            ),
        },
        "/api/v1/tickets/{id}": {
            "get": operation_doc("A ticket with its steps (personal data masked)", "services.read")
        },
        "/api/v1/tickets/{id}/unmask": {
            "post": operation_doc(
                "The caller's name, phone and the clear text, for a role that may unmask, with a stated reason "
                "(audited before the answer)",
                "personal.unmask",
                body='{"reason": str}',
                example={"reason": "回访核实诉求人身份"},
            )
        },
        "/api/v1/tickets/{id}/transition": {
            "post": operation_doc(
                "A step: route | contact | handle | return | transfer | callback | reopen (return, transfer and "
                "reopen need a note; route and transfer a category; callback resolved and satisfaction)",
                "ticket.handle",
                body='{"action", "note", "category", "resolved", "satisfaction"}',
                example={"action": "contact"},
                idempotent=True,
            )
        },
        "/api/v1/assessment": {
            "get": operation_doc(
                "接诉即办 assessment: departments or streets (?by=department|street) for a month (?month=YYYY-MM) or "
                "all time, with response, resolution and satisfaction rates and the weighted composite, ranked",
                "services.read",
                ("by", "month"),
            )
        },
        "/api/v1/service-items": {"get": operation_doc("Service items, high-frequency first", "services.read")},
        "/api/v1/licences": {
            "post": operation_doc(
                "Issue an e-licence for a completed service item: Ed25519-signed payload and a QR code (PNG, base64)",
                "licence.issue",
                body='{"item_code", "holder"}',
                idempotent=True,
            )
        },
        "/api/v1/licences/{id}/verify": {
            "get": operation_doc(
                "Verify an issued e-licence: signature and revocation, and with ?number= or ?signature= whether "
                "the copy presented is this licence",
                "ticket.route",
                ("number", "signature"),
            )
        },
        "/api/v1/licences/verify": {
            "post": operation_doc(
                "Verify a licence as presented: the signature over the payload its QR code carries, then the "
                "register (issued as shown, not revoked)",
                "ticket.route",
                body='{"qr": str}',
                example={"qr": "DZZZ1.eyJudW1iZXIiOiJEWlpaIn0.00"},
            )
        },
        "/api/v1/licences/public-key": {
            "get": public_doc("The Ed25519 public key (PEM) licences are signed with, for a counter's offline check")
        },
        "/api/v1/commitments": {
            "get": operation_doc("Credit commitments, newest first", "services.read"),
            "post": operation_doc(
                "A credit commitment in place of a material",
                "licence.issue",
                body='{"item_code", "holder", "promise", "due_on": "YYYY-MM-DD"}',
                idempotent=True,
            ),
        },
        "/api/v1/commitments/{id}/settle": {
            "post": operation_doc("A commitment kept or broken", "licence.issue", body='{"state"}', idempotent=True)
        },
        "/api/v1/notifications": {"get": operation_doc("The notification outbox, newest first", "services.read")},
    }
)


def shown(ticket: dict) -> dict:
    """A ticket as the API gives it (the service masked the personal data), its times in ISO 8601."""
    return iso_times(ticket)


@blueprint.post("/tickets/route")
@auth.guard("ticket.route")
def route_ticket() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return error_answer(400, 'body must be {"text": str} in JSON')
    try:
        routed = ticket_router.route(body["text"])
    except Refused as error:
        return refused_answer(error)
    support_components.record_call(context.database_url(), auth.current_actor(), "router")
    return flask.jsonify(routed.answer()), 200


@blueprint.get("/tickets")
@auth.guard("services.read")
def ticket_list() -> tuple[flask.Response, int]:
    status = flask.request.args.get("status")
    limit = flask.request.args.get("limit", "200")
    if not limit.isdigit() or not 1 <= int(limit) <= 5000:
        return error_answer(400, "limit is a whole number from 1 to 5000")
    rows = tickets.queue(context.database_url(), (status,) if status else None, int(limit))
    return flask.jsonify(tickets=[shown(r) for r in rows]), 200


def _intake(body: object, channel: str | None = None) -> tuple[dict, int]:
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return {"error": 'body must be {"channel", "text", ...} in JSON'}, 400
    given = {k: body.get(k) for k in TEXTS}
    if any(v is not None and not isinstance(v, str) for v in given.values()):
        return {"error": ", ".join(TEXTS) + " are text"}, 400
    lon, lat = body.get("lon"), body.get("lat")
    if (lon is None) != (lat is None) or any(
        v is not None and (not isinstance(v, int | float) or isinstance(v, bool)) for v in (lon, lat)
    ):
        return {"error": "lon and lat are numbers, given together"}, 400
    if lon is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return {"error": "lon and lat are WGS-84 degrees"}, 400
    try:
        row = tickets.intake(
            context.database_url(),
            auth.current_actor(),
            channel or str(body.get("channel") or ""),
            body["text"],
            lon=lon,
            lat=lat,
            **given,
        )
    except Refused as error:
        return error.answer()
    return {"ticket": shown(row), "routing": row["routing"]}, 200


@blueprint.post("/tickets")
@auth.guard("ticket.intake")
def ticket_intake() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    return run_idempotent(lambda: _intake(body))


@blueprint.get("/tickets/<id:ticket_id>")
@auth.guard("services.read")
def ticket_detail(ticket_id: int) -> tuple[flask.Response, int]:
    try:
        found = tickets.detail(context.database_url(), ticket_id)
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(shown(found) | {"events": [iso_times(e) for e in found["events"]]}), 200


@blueprint.post("/tickets/<id:ticket_id>/unmask")
@auth.guard("personal.unmask")
def ticket_unmask(ticket_id: int) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("reason"), str):
        return error_answer(400, 'body must be {"reason": str} in JSON')
    try:
        clear = tickets.unmask(context.database_url(), auth.current_actor(), ticket_id, body["reason"])
    except Refused as error:
        return refused_answer(error)
    except privacy.UnmaskRefused as error:
        return error_answer(400, str(error))
    return flask.jsonify(clear), 200


@blueprint.post("/tickets/<id:ticket_id>/transition")
@auth.guard("ticket.handle")
def ticket_transition(ticket_id: int) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("action"), str):
        return error_answer(400, 'body must be {"action": str, ...} in JSON')
    note, category, satisfaction = body.get("note") or "", body.get("category"), body.get("satisfaction")
    resolved = body.get("resolved")
    if not isinstance(note, str) or any(v is not None and not isinstance(v, str) for v in (category, satisfaction)):
        return error_answer(400, "note, category and satisfaction are text")
    if resolved is not None and not isinstance(resolved, bool):
        return error_answer(400, "resolved is true or false")

    def action() -> tuple[dict, int]:
        try:
            done = tickets.transition(
                context.database_url(),
                auth.current_actor(),
                ticket_id,
                body["action"],
                note,
                category,
                resolved,
                satisfaction,
            )
        except Refused as error:
            return error.answer()
        return {"ticket": shown(done)}, 200

    return run_idempotent(action)


@blueprint.get("/assessment")
@auth.guard("services.read")
def service_assessment() -> tuple[flask.Response, int]:
    try:
        rows = assessment.ranking(
            context.database_url(), flask.request.args.get("by", "department"), flask.request.args.get("month")
        )
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(ranking=rows, weights=assessment.weights(context.database_url())), 200


@blueprint.get("/service-items")
@auth.guard("services.read")
def service_item_list() -> tuple[flask.Response, int]:
    try:
        return flask.jsonify(items=service_items.items(context.database_url())), 200
    except Refused as error:
        return refused_answer(error)


@blueprint.post("/licences")
@auth.guard("licence.issue")
def licence_issue() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("item_code", "holder")):
        return error_answer(400, 'body must be {"item_code": str, "holder": str} in JSON')

    def action() -> tuple[dict, int]:
        try:
            found = licence_signing.issue(
                context.database_url(),
                context.settings().var_dir,
                auth.current_actor(),
                body["item_code"],
                body["holder"],
            )
        except Refused as error:
            return error.answer()
        return {"licence": found}, 200

    return run_idempotent(action)


@blueprint.get("/licences/<id:licence_id>/verify")
@auth.guard("ticket.route")
def licence_verify(licence_id: int) -> tuple[flask.Response, int]:
    presented = {k: flask.request.args.get(k) for k in ("number", "signature")}
    try:
        found = licence_signing.verify(
            context.database_url(), context.settings().var_dir, auth.current_actor(), licence_id, presented
        )
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(found), 200


@blueprint.post("/licences/verify")
@auth.guard("ticket.route")
def licence_verify_presented() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("qr"), str) or len(body["qr"]) > 4000:
        return error_answer(400, 'body must be {"qr": the text of the licence\'s QR code}')
    try:
        found = licence_signing.verify_presented(
            context.database_url(), context.settings().var_dir, auth.current_actor(), body["qr"]
        )
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(found), 200


@blueprint.get("/licences/public-key")
def licence_public_key() -> flask.Response:
    """Public: a counter with no connection verifies a licence's QR against this key."""
    pem = licence_signing.public_key_pem(context.settings().var_dir)
    return flask.Response(pem, mimetype="application/x-pem-file")


@blueprint.get("/commitments")
@auth.guard("services.read")
def commitment_list() -> tuple[flask.Response, int]:
    return flask.jsonify(commitments=[iso_times(r) for r in commitments.listing(context.database_url())]), 200


@blueprint.post("/commitments")
@auth.guard("licence.issue")
def commitment_add() -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    keys = ("item_code", "holder", "promise", "due_on")
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in keys):
        return error_answer(400, 'body must be {"item_code", "holder", "promise", "due_on": "YYYY-MM-DD"} in JSON')
    try:
        due_on = date.fromisoformat(body["due_on"])
    except ValueError:
        return error_answer(400, "due_on is a date, YYYY-MM-DD")

    def action() -> tuple[dict, int]:
        try:
            row = commitments.promise(
                context.database_url(), auth.current_actor(), body["item_code"], body["holder"], body["promise"], due_on
            )
        except Refused as error:
            return error.answer()
        return {"commitment": iso_times(row)}, 200

    return run_idempotent(action)


@blueprint.post("/commitments/<id:commitment_id>/settle")
@auth.guard("licence.issue")
def commitment_settle(commitment_id: int) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        return error_answer(400, 'body must be {"state": "kept"|"broken"} in JSON')

    def action() -> tuple[dict, int]:
        try:
            return {
                "commitment": iso_times(
                    commitments.settle(context.database_url(), auth.current_actor(), commitment_id, body["state"])
                )
            }, 200
        except Refused as error:
            return error.answer()

    return run_idempotent(action)


@blueprint.get("/notifications")
@auth.guard("services.read")
def notification_list() -> tuple[flask.Response, int]:
    support_components.record_call(context.database_url(), auth.current_actor(), "outbox")
    return flask.jsonify(notifications=[iso_times(r) for r in notifications.listing(context.database_url())]), 200


# ---- Open311 GeoReport v2: services are the router's categories; a request is a ticket ----


def _service(category: str) -> dict:
    return {
        "service_code": category,
        "service_name": category,
        "description": f"{category}（承办：{DEPARTMENTS[category]}）",
        "metadata": False,
        "type": "realtime",
        "keywords": "12345",
        "group": DEPARTMENTS[category],
    }


def _request(row: dict) -> dict:
    return {
        "service_request_id": row["code"],
        "status": "open" if row["status"] in TICKET_OPEN else "closed",
        "status_notes": row["status"],
        "service_name": row["category"],
        "service_code": row["category"],
        "description": row["text"],
        "agency_responsible": row["department"],
        "requested_datetime": row["created_at"].isoformat() + "Z",
        "updated_datetime": (
            row["closed_at"] or row["handled_at"] or row["contacted_at"] or row["created_at"]
        ).isoformat()
        + "Z",
        "expected_datetime": row["handle_due"].isoformat() + "Z",
        "address": row["address"],
        "lat": row["lat"],
        "long": row["lon"],
    }


@open311.get("/services.json")
@auth.guard("ticket.route")
def open311_services() -> tuple[flask.Response, int]:
    return flask.jsonify([_service(c) for c in DEPARTMENTS]), 200


@open311.post("/requests.json")
@auth.guard("ticket.intake")
def open311_post() -> tuple[flask.Response, int]:
    form = flask.request.form or flask.request.get_json(silent=True)
    if not isinstance(form, dict):  # a JSON list or string (a form is a dict too)
        return flask.jsonify([{"code": 400, "description": "the body is a form or a JSON object"}]), 400
    code, description = form.get("service_code"), form.get("description")
    if code is not None and not isinstance(code, str):
        return flask.jsonify([{"code": 400, "description": "service_code is text"}]), 400
    if not isinstance(description, str) or not description.strip():
        return flask.jsonify([{"code": 400, "description": "description is required"}]), 400
    if code is not None and code not in DEPARTMENTS:
        return flask.jsonify([{"code": 404, "description": f"no service {code}"}]), 404
    try:
        lon = float(form["long"]) if form.get("long") not in (None, "") else None
        lat = float(form["lat"]) if form.get("lat") not in (None, "") else None
    except (TypeError, ValueError):
        return flask.jsonify([{"code": 400, "description": "lat and long are numbers"}]), 400
    name = " ".join(str(form.get(k) or "") for k in ("last_name", "first_name")).strip() or None
    body = {
        "text": description if not code else f"[{code}] {description}",
        "address": form.get("address_string"),
        "lon": lon,
        "lat": lat,
        "caller_name": name,
        "caller_phone": form.get("phone"),
    }
    answer, status = _intake(body, "open311")
    if status != 200:
        return flask.jsonify([{"code": status, "description": answer.get("error", "refused")}]), status
    ticket = answer["ticket"]
    notice = f"已受理，承办：{ticket['department']}" if ticket["department"] else "已受理，人工分拨中"
    return flask.jsonify([{"service_request_id": ticket["code"], "service_notice": notice, "account_id": None}]), 201


@open311.get("/requests.json")
@auth.guard("services.read")
def open311_requests() -> tuple[flask.Response, int]:
    status = flask.request.args.get("status")
    if status not in (None, "open", "closed"):
        return flask.jsonify([{"code": 400, "description": "status is open or closed"}]), 400
    rows = [r for r in tickets.queue(context.database_url(), None, 1000) if r["status"] != "merged"]
    if status:
        rows = [r for r in rows if (r["status"] in TICKET_OPEN) == (status == "open")]
    ids = flask.request.args.get("service_request_id")
    if ids:
        wanted = set(ids.split(","))
        rows = [r for r in rows if r["code"] in wanted]
    return flask.jsonify([_request(r) for r in rows]), 200
