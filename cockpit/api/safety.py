"""Public safety on HTTP: searches of people and vehicles under a legal basis and case, trajectories, unmask,
tags and the watch list; lost-person cases from intake to closure; aggregates for leaders; the oversight report.
The services check the role and write the audit row; a refusal answers 4xx with its reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask

from cockpit import auth, context
from cockpit.api.common import PATHS, blueprint, error_answer, iso_times, operation_doc, refused_answer, run_idempotent
from cockpit.refusal import Refused
from cockpit.services.safety import lost_persons, oversight, safety_cases, safety_files, safety_view, vision_alarms
from cockpit.vocab import UNMASK_MINUTES

PATHS.update(
    {
        "/api/v1/safety/summary": {
            "get": operation_doc(
                "Aggregates only: cameras, key areas' load, sightings per hour, open alarms and cases counted",
                "safety.read",
            )
        },
        "/api/v1/safety/searches": {
            "post": operation_doc(
                "Search vehicle files (plate, or type and colour) or person files (two attributes or more) over the "
                "last `hours`; refused without `legal_basis` and `case_no`; plates masked; logged and audited",
                "safety.files",
                body='{"kind": "vehicle"|"person", "legal_basis", "case_no", "hours", "plate", "vehicle_type", '
                '"colour", "upper", "lower", "age_band", "bag", "hat"}',
                example={
                    "kind": "vehicle",
                    "legal_basis": "criminal_case",
                    "case_no": "A110108-2026-0001",
                    "plate": "京A*",
                },
            )
        },
        "/api/v1/safety/searches/{id}/trajectory": {
            "get": operation_doc(
                "The trajectory of result `ref` of one of your searches: time-ordered sightings, each hop's speed, "
                "plausibility and confidence, impossible hops flagged",
                "safety.files",
                ("ref",),
            )
        },
        "/api/v1/safety/searches/{id}/unmask": {
            "post": operation_doc(
                f"The clear plate of result `ref` for {UNMASK_MINUTES} minutes, with a stated reason (audited)",
                "personal.unmask",
                body='{"ref": int, "reason": str}',
            )
        },
        "/api/v1/safety/searches/{id}/watch": {
            "post": operation_doc(
                "Put result `ref` on the watch list for `days`: a camera that sees it raises an alarm",
                "safety.files",
                body='{"ref": int, "reason": str, "days": int}',
                idempotent=True,
            )
        },
        "/api/v1/safety/searches/{id}/identity": {
            "post": operation_doc(
                "Link a person file of result `ref` to an identity the case established (shown masked)",
                "safety.files",
                body='{"ref": int, "identity": str}',
            )
        },
        "/api/v1/safety/watch": {"get": operation_doc("The watch list (subjects masked)", "safety.files")},
        "/api/v1/safety/alarms/{id}/incident": {
            "post": operation_doc(
                "Hand a safety alarm to the emergency side: an incident at its camera for the duty officer to dispatch",
                "safety.files",
                idempotent=True,
            )
        },
        "/api/v1/safety/lost-persons": {
            "get": operation_doc("Lost-person cases, newest first (names and phone masked)", "safety.files"),
            "post": operation_doc(
                "Take a lost-person report in: description, last-seen place and time, guardian contact, case number",
                "safety.files",
                body='{"case_no", "upper", "lower", "age_band", "bag", "hat", "lon", "lat", "minutes_ago" | '
                '"last_seen_at", "name", "guardian_name", "guardian_phone"}',
                example={
                    "case_no": "LP110108-0001",
                    "upper": "red",
                    "lower": "black",
                    "age_band": "elderly",
                    "lon": 116.326,
                    "lat": 39.992,
                    "minutes_ago": 40,
                    "guardian_name": "王芳",
                    "guardian_phone": "13800138000",
                },
                idempotent=True,
            ),
        },
        "/api/v1/safety/lost-persons/{id}/candidates": {
            "get": operation_doc(
                "The cameras in the walking ring and the candidate sightings ranked by attributes and feature",
                "safety.files",
            )
        },
        "/api/v1/safety/lost-persons/{id}/confirm": {
            "post": operation_doc(
                "An officer confirms a candidate sighting", "safety.files", body='{"sighting_id": int}'
            )
        },
        "/api/v1/safety/lost-persons/{id}/track": {
            "get": operation_doc("The confirmed track and the area the person can be in now", "safety.files")
        },
        "/api/v1/safety/lost-persons/{id}/transition": {
            "post": operation_doc(
                "dispatch (a search team by the emergency dispatch) | found | close",
                "safety.files",
                body='{"action"}',
                idempotent=True,
            )
        },
        "/api/v1/safety/oversight": {
            "get": operation_doc("The month's searches per officer (?month=YYYY-MM)", "safety.oversight", ("month",))
        },
        "/api/v1/safety/cases": {
            "get": operation_doc(
                "The case register: every case for a supervisor, an officer's own open cases for an officer",
                "safety.read",
            ),
            "post": operation_doc(
                "Open a case under a legal basis with the officers who work it; searches name a case of the "
                "register that is open, under the same basis, with the searching officer on it",
                "safety.cases",
                body='{"case_no", "legal_basis", "title", "officers": [account]}',
                example={
                    "case_no": "A110108-2026-0900",
                    "legal_basis": "criminal_case",
                    "title": "盗窃案",
                    "officers": ["safety"],
                },
                idempotent=True,
            ),
        },
        "/api/v1/safety/cases/officers": {
            "post": operation_doc(
                "Assign one more officer to an open case",
                "safety.cases",
                body='{"case_no", "officer"}',
                example={"case_no": "A110108-2026-0001", "officer": "safety"},
                idempotent=True,
            )
        },
        "/api/v1/safety/cases/close": {
            "post": operation_doc(
                "Close a case: no more searches under it; its searches stay on the record",
                "safety.cases",
                body='{"case_no"}',
                example={"case_no": "A110108-2026-0001"},
                idempotent=True,
            )
        },
    }
)


def _body() -> dict[str, Any] | None:
    body = flask.request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _answer(action: Callable[[], Any]) -> tuple[flask.Response, int]:
    try:
        found = action()
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(_deep_iso(found)), 200


def _once(action: Callable[[], Any]) -> tuple[flask.Response, int]:
    """A mutation under its Idempotency-Key: the service's answer (times as ISO), or its refusal, stored once."""

    def run() -> tuple[Any, int]:
        try:
            return _deep_iso(action()), 200
        except Refused as error:
            return error.answer()

    return run_idempotent(run)


def _deep_iso(value: Any) -> Any:
    if isinstance(value, dict):
        return iso_times({k: _deep_iso(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_deep_iso(v) for v in value]
    return value


@blueprint.get("/safety/summary")
@auth.guard("safety.read")
def safety_summary() -> tuple[flask.Response, int]:
    found = safety_view.summary(context.database_url(), auth.current_actor())
    return flask.jsonify(_deep_iso(found | {"hours": [h.isoformat() + "Z" for h in found["hours"]]})), 200


@blueprint.post("/safety/searches")
@auth.guard("safety.files")
def safety_search() -> tuple[flask.Response, int]:
    body = _body()
    if body is None:
        return error_answer(400, 'body must be {"kind", "legal_basis", "case_no", ...criteria} in JSON')
    return _answer(lambda: safety_files.search(context.database_url(), auth.current_actor(), body))


@blueprint.get("/safety/cases")
@auth.guard("safety.read")
def safety_case_list() -> tuple[flask.Response, int]:
    return _answer(lambda: {"cases": safety_cases.listing(context.database_url(), auth.current_actor())})


@blueprint.post("/safety/cases")
@auth.guard("safety.cases")
def safety_case_open() -> tuple[flask.Response, int]:
    body = _body()
    if body is None:
        return error_answer(400, 'body must be {"case_no", "legal_basis", "title", "officers"} in JSON')
    fields = [body.get(k) for k in ("case_no", "legal_basis", "title", "officers")]
    return _once(lambda: {"case": safety_cases.open_case(context.database_url(), auth.current_actor(), *fields)})


@blueprint.post("/safety/cases/officers")
@auth.guard("safety.cases")
def safety_case_assign() -> tuple[flask.Response, int]:
    body = _body()
    if body is None or not isinstance(body.get("case_no"), str):
        return error_answer(400, 'body must be {"case_no", "officer"} in JSON')
    url, actor = context.database_url(), auth.current_actor()
    return _once(lambda: {"case": safety_cases.assign(url, actor, body["case_no"], body.get("officer"))})


@blueprint.post("/safety/cases/close")
@auth.guard("safety.cases")
def safety_case_close() -> tuple[flask.Response, int]:
    body = _body()
    if body is None or not isinstance(body.get("case_no"), str):
        return error_answer(400, 'body must be {"case_no"} in JSON')
    return _once(lambda: {"case": safety_cases.close(context.database_url(), auth.current_actor(), body["case_no"])})


def _ref() -> int | None:
    raw = flask.request.args.get("ref", "")
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 6 else None


@blueprint.get("/safety/searches/<id:search_id>/trajectory")
@auth.guard("safety.files")
def safety_trajectory(search_id: int) -> tuple[flask.Response, int]:
    ref = _ref()
    if ref is None:
        return error_answer(400, "ref is the result's number in the search")
    return _answer(lambda: safety_files.trajectory(context.database_url(), auth.current_actor(), search_id, ref))


@blueprint.post("/safety/searches/<id:search_id>/unmask")
@auth.guard("personal.unmask")
def safety_unmask(search_id: int) -> tuple[flask.Response, int]:
    body = _body()
    if body is None:
        return error_answer(400, 'body must be {"ref": int, "reason": str} in JSON')
    return _answer(
        lambda: safety_files.unmask(
            context.database_url(), auth.current_actor(), search_id, body.get("ref"), body.get("reason")
        )
    )


@blueprint.post("/safety/searches/<id:search_id>/watch")
@auth.guard("safety.files")
def safety_watch(search_id: int) -> tuple[flask.Response, int]:
    body = _body()
    if body is None:
        return error_answer(400, 'body must be {"ref": int, "reason": str, "days": int} in JSON')

    return _once(
        lambda: {
            "watch": safety_files.watch(
                context.database_url(),
                auth.current_actor(),
                search_id,
                body.get("ref"),
                body.get("reason"),
                body.get("days", 7),
            )
        }
    )


@blueprint.post("/safety/searches/<id:search_id>/identity")
@auth.guard("safety.files")
def safety_identity(search_id: int) -> tuple[flask.Response, int]:
    body = _body()
    if body is None:
        return error_answer(400, 'body must be {"ref": int, "identity": str} in JSON')
    return _answer(
        lambda: {
            "identity": safety_files.link_identity(
                context.database_url(), auth.current_actor(), search_id, body.get("ref"), body.get("identity")
            )
        }
    )


@blueprint.post("/safety/alarms/<id:alarm_id>/incident")
@auth.guard("safety.files")
def safety_alarm_incident(alarm_id: int) -> tuple[flask.Response, int]:
    return _once(
        lambda: {"incident": vision_alarms.to_incident(context.database_url(), auth.current_actor(), alarm_id)}
    )


@blueprint.get("/safety/watch")
@auth.guard("safety.files")
def safety_watch_list() -> tuple[flask.Response, int]:
    return _answer(lambda: {"watch": safety_files.watch_list(context.database_url(), auth.current_actor())})


@blueprint.get("/safety/lost-persons")
@auth.guard("safety.files")
def lost_list() -> tuple[flask.Response, int]:
    return _answer(lambda: {"lost_persons": lost_persons.cases(context.database_url(), auth.current_actor())})


@blueprint.post("/safety/lost-persons")
@auth.guard("safety.files")
def lost_intake() -> tuple[flask.Response, int]:
    body = _body()
    if body is None:
        return error_answer(400, 'body must be {"case_no", "upper", "lower", "age_band", "lon", "lat", ...} in JSON')

    return _once(lambda: {"lost_person": lost_persons.intake(context.database_url(), auth.current_actor(), body)})


@blueprint.get("/safety/lost-persons/<id:lost_id>/candidates")
@auth.guard("safety.files")
def lost_candidates(lost_id: int) -> tuple[flask.Response, int]:
    return _answer(lambda: lost_persons.candidates(context.database_url(), auth.current_actor(), lost_id))


@blueprint.post("/safety/lost-persons/<id:lost_id>/confirm")
@auth.guard("safety.files")
def lost_confirm(lost_id: int) -> tuple[flask.Response, int]:
    body = _body()
    sighting = body.get("sighting_id") if body else None
    if isinstance(sighting, bool) or not isinstance(sighting, int):
        return error_answer(400, 'body must be {"sighting_id": int} in JSON')
    return _answer(lambda: lost_persons.confirm(context.database_url(), auth.current_actor(), lost_id, sighting))


@blueprint.get("/safety/lost-persons/<id:lost_id>/track")
@auth.guard("safety.files")
def lost_track(lost_id: int) -> tuple[flask.Response, int]:
    return _answer(lambda: lost_persons.track(context.database_url(), auth.current_actor(), lost_id))


STEPS = {"dispatch": lost_persons.dispatch, "found": lost_persons.found, "close": lost_persons.close}


@blueprint.post("/safety/lost-persons/<id:lost_id>/transition")
@auth.guard("safety.files")
def lost_transition(lost_id: int) -> tuple[flask.Response, int]:
    body = _body()
    step = STEPS.get(body.get("action")) if body else None
    if step is None:
        return error_answer(400, 'body must be {"action": "dispatch" | "found" | "close"} in JSON')

    return _once(lambda: step(context.database_url(), auth.current_actor(), lost_id))


@blueprint.get("/safety/oversight")
@auth.guard("safety.oversight")
def safety_oversight() -> tuple[flask.Response, int]:
    month = flask.request.args.get("month") or oversight.this_month()
    return _answer(lambda: oversight.report(context.database_url(), auth.current_actor(), month))
