"""Public-safety wiring: the aggregates, the map and the alarms for everyone on the page; searches, trajectories,
unmask, tags and the watch list; lost-person cases step by step; the oversight report and its exports. Every
service checks the role and writes the audit row itself; a refusal is shown in words."""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.i18n import t
from cockpit.inputs import ByNumber, Clicks, Id, Name, Shown
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import show
from cockpit.services.kernel.geojson import feature_collection
from cockpit.services.safety import lost_persons, oversight, safety_files, safety_view, vision_alarms
from cockpit.ui import safety as ids
from cockpit.ui.kit import alarm_type_label, clicked_pattern, kpi, severity_badge, styled
from cockpit.vocab import LOST_NEXT, PALETTE

KIND_COLOURS = {"person": PALETTE["blue"], "vehicle": PALETTE["orange"]}
LOST_STEPS = {ids.SF_L_DISPATCH: "dispatch", ids.SF_L_FOUND: "found", ids.SF_L_CLOSE: "close"}


def _kpis(k: dict[str, int], lang: str) -> list:
    return [
        kpi(t("sf.k.cameras", lang), f"{k['cameras_online']}/{k['cameras']}"),
        kpi(t("sf.k.persons", lang), str(k["persons_hour"])),
        kpi(t("sf.k.vehicles", lang), str(k["vehicles_hour"])),
        kpi(t("sf.k.alarms", lang), str(k["alarms"])),
        kpi(t("sf.k.lost", lang), str(k["lost_open"])),
        kpi(t("sf.k.searches", lang), str(k["searches_month"])),
    ]


def _chart(found: dict[str, Any], lang: str) -> go.Figure:
    figure = go.Figure()
    for kind, values in found["series"].items():
        figure.add_trace(
            go.Bar(x=found["hours"], y=values, name=t(f"sf.kind.{kind}", lang), marker_color=KIND_COLOURS[kind])
        )
    return styled(
        figure,
        None,
        barmode="stack",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "font": {"size": 9}},
        margin={"l": 36, "r": 6, "t": 24, "b": 20},
        xaxis={"tickformat": "%H:%M"},
    )


def _area_line(a: dict[str, Any], lang: str) -> html.Div:
    return html.Div(
        className="case-item" + (" overdue" if a["crowded"] else ""),
        children=[
            html.Span(a["name"], className="raw"),
            html.Span(t(f"sf.area.{a['kind']}", lang), className="band-chip", style={"background": a["colour"]}),
            html.Span(t("sf.load", lang, load=round(100 * a["load"]), capacity=a["capacity"]), className="meta"),
        ],
    )


def _alarm_line(a: dict[str, Any], lang: str, handing: bool) -> html.Div:
    return html.Div(
        className="case-item",
        children=[
            severity_badge(a["severity"], lang),
            html.Span(alarm_type_label(a["type"], lang)),
            html.Span(f"{a['camera']} · {show(a['raised_at'], lang)} · {a['value']:g}", className="meta raw"),
            html.Button(t("sf.to_incident", lang), id={"type": ids.SF_ALARM_INCIDENT, "id": a["id"]})
            if handing
            else None,
        ],
    )


def _areas_layer(found: dict[str, Any], lang: str) -> list:
    return [
        dl.Circle(
            center=[a["lat"], a["lon"]],
            radius=a["radius_m"],
            color=a["shown"],
            weight=3 if a["crowded"] else 1,
            fillOpacity=min(0.5, 0.08 + 0.3 * a["load"]),
            children=[
                dl.Tooltip(f"{a['name']} · {t('sf.load', lang, load=round(100 * a['load']), capacity=a['capacity'])}")
            ],
        )
        for a in found["areas"]
    ]


def _track_layer(points: list[dict[str, Any]], colour: str) -> list:
    if not points:
        return []
    line = [[p["lat"], p["lon"]] for p in points]
    return [
        dl.Polyline(positions=line, color=colour, weight=3, dashArray="6 4"),
        *[
            dl.CircleMarker(
                center=[p["lat"], p["lon"]],
                radius=6 if i == len(points) - 1 else 4,
                color=PALETTE["white"],
                fillColor=colour,
                fillOpacity=1,
                weight=1,
                children=[dl.Tooltip(f"{i + 1}. {p['camera']}")],
            )
            for i, p in enumerate(points)
        ],
    ]


def _hops_table(found: dict[str, Any], lang: str) -> list:
    rows = [
        html.Tr(
            className="bad" if h["impossible"] else "",
            children=[
                html.Td(f"{i + 1}→{i + 2}"),
                html.Td(f"{h['metres']} m"),
                html.Td(f"{h['seconds'] // 60} min"),
                html.Td(f"{h['kmh']} km/h"),
                html.Td(f"{h['confidence']:.2f}"),
                html.Td(t("sf.impossible", lang) if h["impossible"] else ""),
            ],
        )
        for i, h in enumerate(found["hops"])
    ]
    head = html.Tr([html.Th(t(f"sf.hcol.{c}", lang)) for c in ("hop", "metres", "time", "speed", "confidence", "flag")])
    summary = t(
        "sf.track_summary", lang, label=found["label"], points=len(found["points"]), impossible=found["impossible"]
    )
    return [
        html.Div(summary, className="note raw"),
        html.Table([html.Thead(head), html.Tbody(rows)], className="table"),
    ]


def _look(a: dict[str, Any], lang: str) -> str:
    """A person's attributes in words: age band, upper/lower clothing colours, bag and hat."""
    clothes = t(f"sf.colour.{a['upper']}", lang) + "/" + t(f"sf.colour.{a['lower']}", lang)
    flags = [t(f"sf.flag.{f}", lang) for f in ("bag", "hat") if a.get(f)]
    return " · ".join([t(f"sf.age.{a['age_band']}", lang), clothes, *flags])


def _result_line(r: dict[str, Any], lang: str) -> html.Button:
    if r["kind"] == "vehicle":
        what = f"{t('sf.vehicle.' + r['vehicle_type'], lang)} · {t('sf.colour.' + r['colour'], lang)}"
    else:
        what = _look(r["attributes"], lang)
    return html.Button(
        id={"type": ids.SF_TRACK_BTN, "id": r["ref"] + 1},
        className="case-item",
        children=[
            html.Span(r["label"], className="raw"),
            *[html.Span(tag, className="band-chip raw") for tag in r["tags"]],
            html.Span(
                f"{what} · {t('sf.seen', lang, n=r['sightings'])} · {show(r['last_seen'], lang)}", className="meta"
            ),
        ],
    )


def _lost_line(c: dict[str, Any], selected: int | None, lang: str) -> html.Button:
    return html.Button(
        id={"type": ids.SF_L_PICK, "id": c["id"]},
        className="case-item" + (" selected" if c["id"] == selected else ""),
        children=[
            html.Span(c["code"], className="raw"),
            html.Span(
                t(f"sf.lstatus.{c['status']}", lang), className="band-chip", style={"background": PALETTE["geekblue"]}
            ),
            html.Span(f"{c['case_no']} · {show(c['last_seen_at'], lang)}", className="meta raw"),
        ],
    )


def _lost_detail(c: dict[str, Any], lang: str) -> list:
    if c["purged"]:
        return [html.Div(t("sf.purged", lang, code=c["code"]), className="note")]
    d = c["description"] or {}
    look = " · ".join(
        [
            t(f"sf.age.{d['age_band']}", lang),
            t(f"sf.colour.{d['upper']}", lang) + "/" + t(f"sf.colour.{d['lower']}", lang),
        ]
        + [t(f"sf.flag.{f}", lang) for f in ("bag", "hat") if d.get(f)]
    )
    return [
        html.Div(f"{c['code']} · {c['case_no']} · {t('sf.lstatus.' + c['status'], lang)}", className="sf-sub raw"),
        html.Div(look, className="meta"),
        html.Div(
            f"{c['name'] or '—'} · {t('sf.guardian', lang)} {c['guardian_name']} {c['guardian_phone']}",
            className="meta raw",
        ),
        html.Div(t("sf.last_seen", lang, at=show(c["last_seen_at"], lang)), className="meta"),
    ]


def _candidate_line(c: dict[str, Any], lang: str) -> html.Button:
    look = _look(c["attributes"], lang)
    return html.Button(
        id={"type": ids.SF_L_CONFIRM, "id": c["sighting_id"]},
        className="case-item",
        children=[
            html.Span(f"{c['score']:.2f}", className="band-chip", style={"background": PALETTE["blue_strong"]}),
            html.Span(c["camera"], className="raw"),
            html.Span(
                f"{look} · {t('sf.ring', lang, ring=c['ring'], metres=c['metres'])} · {show(c['ts'], lang)}",
                className="meta",
            ),
        ],
    )


def _ring_layer(found: dict[str, Any]) -> list:
    lon, lat = found["origin"]
    return [
        dl.Circle(
            center=[lat, lon],
            radius=found["radius_m"],
            color=PALETTE["amber_bright"],
            weight=2,
            fillOpacity=0.04,
            dashArray="8 6",
        ),
        *[
            dl.CircleMarker(
                center=[c["lat"], c["lon"]], radius=5, color=PALETTE["amber_bright"], fillOpacity=0.9, weight=1
            )
            for c in found["cameras"]
        ],
    ]


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.SF_KPIS, "children"),
        Output(ids.SF_CHART, "figure"),
        Output(ids.SF_AREA_LIST, "children"),
        Output(ids.SF_ALARMS, "children"),
        Output(ids.SF_AREAS, "children"),
        Output(ids.SF_CAMERAS, "data"),
        Input(ids.SF_REFRESH, "n_intervals"),
        Input(ids.SF_L_STEP_MSG, "children"),
        Input(ids.SF_ALARM_MSG, "children"),
    )
    @guard("safety.read")
    def vitals(_tick: Clicks | None, _msg: Shown, _alarm: Shown):
        lang = context.lang()
        found = safety_view.summary(context.database_url(), current_actor())
        handing = allows(current_actor().role, "safety.files")
        alarms = [_alarm_line(a, lang, handing) for a in found["alarms"]]
        alarms = alarms or [html.Div(t("sf.no_alarms", lang), className="note")]
        return (
            _kpis(found["kpis"], lang),
            _chart(found, lang),
            [_area_line(a, lang) for a in found["areas"]],
            alarms,
            _areas_layer(found, lang),
            safety_view.camera_features(found),
        )

    @app.callback(
        Output(ids.SF_SEARCH_BOX, "className"),
        Output(ids.SF_LOST_BOX, "className"),
        Output(ids.SF_WATCH_BOX, "className"),
        Output(ids.SF_OVERSIGHT_BOX, "className"),
        Input(ids.SF_VIEW, "value"),
        prevent_initial_call=True,
    )
    @guard("safety.read")
    def view(chosen: Name | None):
        return tuple("sf-view" if chosen == v else "sf-view hidden" for v in ("search", "lost", "watch", "oversight"))

    @app.callback(
        Output(ids.SF_VEHICLE_FIELDS, "className"),
        Output(ids.SF_PERSON_FIELDS, "className"),
        Input(ids.SF_KIND, "value"),
    )
    @guard("safety.read")
    def kind_fields(kind: Name | None):
        person = kind == "person"
        return ("sf-row hidden" if person else "sf-row"), ("sf-row" if person else "sf-row hidden")

    @app.callback(
        Output(ids.SF_RESULTS, "children"),
        Output(ids.SF_SEARCH_ID, "data"),
        Output(ids.SF_MSG, "children"),
        Output(ids.SF_SUBJECT_TOOLS, "className"),
        Output(ids.SF_TRACK, "children"),
        Input(ids.SF_SEARCH, "n_clicks"),
        State(ids.SF_KIND, "value"),
        State(ids.SF_BASIS, "value"),
        State(ids.SF_CASE, "value"),
        State(ids.SF_PLATE, "value"),
        State(ids.SF_VTYPE, "value"),
        State(ids.SF_VCOLOUR, "value"),
        State(ids.SF_UPPER, "value"),
        State(ids.SF_LOWER, "value"),
        State(ids.SF_AGE, "value"),
        State(ids.SF_FLAGS, "value"),
        State(ids.SF_HOURS, "value"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def search(
        _clicks: Clicks | None,
        kind: Name | None,
        legal_basis: Name | None,
        case_no: Name | None,
        plate: Name | None,
        vehicle_type: Name | None,
        colour: Name | None,
        upper: Name | None,
        lower: Name | None,
        age: Name | None,
        flags: list[Name] | None,
        hours: int | None,
    ):
        lang = context.lang()
        body: dict[str, Any] = {"kind": kind, "legal_basis": legal_basis, "case_no": case_no, "hours": hours}
        if kind == "vehicle":
            body |= {"plate": plate or None, "vehicle_type": vehicle_type, "colour": colour}
        else:
            body |= {"upper": upper, "lower": lower, "age_band": age}
            body |= {f: True for f in flags or []}
        try:
            found = safety_files.search(context.database_url(), current_actor(), body)
        except Refused as error:
            return [], None, error.say(lang), "sf-form hidden", []
        lines = [_result_line(r, lang) for r in found["results"]]
        message = t("sf.found_n", lang, n=len(lines), case=found["case_no"])
        return lines, found["id"], message, "sf-form hidden", []

    @app.callback(
        Output(ids.SF_HOPS, "children"),
        Output(ids.SF_TRACK, "children", allow_duplicate=True),
        Output(ids.SF_REF, "data"),
        Output(ids.SF_SUBJECT_TOOLS, "className", allow_duplicate=True),
        Input({"type": ids.SF_TRACK_BTN, "id": ALL}, "n_clicks"),
        State(ids.SF_SEARCH_ID, "data"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def trajectory(_clicks: list[Clicks | None], search_id: Id | None):
        lang = context.lang()
        clicked = clicked_pattern(ByNumber)
        if clicked is None or search_id is None:
            return no_update, no_update, no_update, no_update
        try:
            found = safety_files.trajectory(context.database_url(), current_actor(), search_id, clicked["id"] - 1)
        except Refused as error:
            return error.say(lang), [], None, "sf-form"
        return _hops_table(found, lang), _track_layer(found["points"], PALETTE["volcano"]), clicked["id"] - 1, "sf-form"

    @app.callback(
        Output(ids.SF_SUBJECT_MSG, "children"),
        Input(ids.SF_UNMASK, "n_clicks"),
        Input(ids.SF_TAG_ADD, "n_clicks"),
        Input(ids.SF_WATCH_ADD, "n_clicks"),
        Input(ids.SF_IDENTITY_ADD, "n_clicks"),
        State(ids.SF_SEARCH_ID, "data"),
        State(ids.SF_REF, "data"),
        State(ids.SF_REASON, "value"),
        State(ids.SF_TAG, "value"),
        State(ids.SF_WATCH_REASON, "value"),
        State(ids.SF_WATCH_DAYS, "value"),
        State(ids.SF_IDENTITY, "value"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def subject_tools(
        _unmask: Clicks | None,
        _tag: Clicks | None,
        _watch: Clicks | None,
        _identity: Clicks | None,
        search_id: Id | None,
        ref: int | None,
        reason: Name | None,
        tag: Name | None,
        watch_reason: Name | None,
        days: int | None,
        identity: Name | None,
    ):
        lang = context.lang()
        if search_id is None or ref is None:
            return t("sf.pick_first", lang)
        actor = current_actor()
        try:
            if ctx.triggered_id == ids.SF_UNMASK:
                found = safety_files.unmask(context.database_url(), actor, search_id, ref, reason or "")
                return t("sf.unmasked", lang, label=found["label"], until=show(found["expires_at"], lang))
            if ctx.triggered_id == ids.SF_TAG_ADD:
                tags = safety_files.add_tag(context.database_url(), actor, search_id, ref, tag or "")
                return t("sf.tagged", lang, tags=", ".join(tags))
            if ctx.triggered_id == ids.SF_IDENTITY_ADD:
                shown = safety_files.link_identity(context.database_url(), actor, search_id, ref, identity or "")
                return t("sf.identified", lang, identity=shown)
            entry = safety_files.watch(context.database_url(), actor, search_id, ref, watch_reason or "", days or 7)
            return t("sf.watched", lang, entry=entry)
        except Refused as error:
            return error.say(lang)

    @app.callback(
        Output(ids.SF_WATCH_LIST, "children"),
        Input(ids.SF_VIEW, "value"),
        Input(ids.SF_SUBJECT_MSG, "children"),
        Input({"type": ids.SF_UNWATCH, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def watch_list(chosen: Name | None, _msg: Shown, _clicks: list[Clicks | None]):
        lang = context.lang()
        clicked = clicked_pattern(ByNumber)
        if clicked is not None:
            safety_files.end_watch(context.database_url(), current_actor(), clicked["id"])
        rows = safety_files.watch_list(context.database_url(), current_actor())
        if not rows:
            return html.Div(t("sf.no_watch", lang), className="note")
        return [
            html.Div(
                className="case-item",
                children=[
                    html.Span(r["label"], className="raw"),
                    html.Span(t("sf.active" if r["active"] else "sf.ended", lang), className="band-chip"),
                    html.Span(f"{r['case_no']} · {r['reason']} · {show(r['until'], lang)}", className="meta raw"),
                    html.Button(t("sf.unwatch", lang), id={"type": ids.SF_UNWATCH, "id": r["id"]})
                    if r["active"]
                    else None,
                ],
            )
            for r in rows
        ]

    @app.callback(
        Output(ids.SF_L_MSG, "children"),
        Output(ids.SF_L_ID, "data"),
        Input(ids.SF_L_ADD, "n_clicks"),
        State(ids.SF_L_CASE, "value"),
        State(ids.SF_L_AGE, "value"),
        State(ids.SF_L_UPPER, "value"),
        State(ids.SF_L_LOWER, "value"),
        State(ids.SF_L_FLAGS, "value"),
        State(ids.SF_L_AREA, "value"),
        State(ids.SF_L_MINUTES, "value"),
        State(ids.SF_L_NAME, "value"),
        State(ids.SF_L_GUARDIAN, "value"),
        State(ids.SF_L_PHONE, "value"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def intake(
        _clicks: Clicks | None,
        case_no: Name | None,
        age: Name | None,
        upper: Name | None,
        lower: Name | None,
        flags: list[Name] | None,
        area: Name | None,
        minutes: int | None,
        name: Name | None,
        guardian: Name | None,
        phone: Name | None,
    ):
        lang = context.lang()
        place = safety_view.place(context.database_url(), area) if area else None
        if place is None:
            return t("sf.pick_place", lang), no_update
        body = {
            "case_no": case_no,
            "age_band": age,
            "upper": upper,
            "lower": lower,
            "bag": "bag" in (flags or []),
            "hat": "hat" in (flags or []),
            "lon": place[0],
            "lat": place[1],
            "minutes_ago": minutes if minutes is not None else 30,
            "name": name,
            "guardian_name": guardian,
            "guardian_phone": phone,
        }
        try:
            found = lost_persons.intake(context.database_url(), current_actor(), body)
        except Refused as error:
            return error.say(lang), no_update
        return t("sf.lost_added", lang, code=found["code"]), found["id"]

    @app.callback(
        Output(ids.SF_L_LIST, "children"),
        Output(ids.SF_L_DETAIL, "children"),
        Input(ids.SF_L_ID, "data"),
        Input(ids.SF_L_STEP_MSG, "children"),
        Input(ids.SF_VIEW, "value"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def lost_cases(selected: Id | None, _msg: Shown, _view: Name | None):
        lang = context.lang()
        rows = lost_persons.cases(context.database_url(), current_actor())
        lines = [_lost_line(c, selected, lang) for c in rows] or [html.Div(t("sf.no_lost", lang), className="note")]
        chosen = next((c for c in rows if c["id"] == selected), None)
        return lines, _lost_detail(chosen, lang) if chosen else html.Div(t("sf.pick_case", lang), className="note")

    @app.callback(
        Output(ids.SF_L_ID, "data", allow_duplicate=True),
        Input({"type": ids.SF_L_PICK, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def pick_case(_clicks: list[Clicks | None]):
        clicked = clicked_pattern(ByNumber)
        return no_update if clicked is None else clicked["id"]

    @app.callback(
        Output(ids.SF_L_CANDIDATES, "children"),
        Output(ids.SF_RING, "children"),
        Output(ids.SF_L_STEP_MSG, "children"),
        Input(ids.SF_L_FIND, "n_clicks"),
        State(ids.SF_L_ID, "data"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def find(_clicks: Clicks | None, lost_id: Id | None):
        lang = context.lang()
        if lost_id is None:
            return no_update, no_update, t("sf.pick_case", lang)
        try:
            found = lost_persons.candidates(context.database_url(), current_actor(), lost_id)
        except Refused as error:
            return [], [], error.say(lang)
        lines = [_candidate_line(c, lang) for c in found["candidates"]]
        message = t("sf.ring_found", lang, radius=found["radius_m"], cameras=len(found["cameras"]), n=len(lines))
        return lines, _ring_layer(found), message

    @app.callback(
        Output(ids.SF_LOST_TRACK, "children"),
        Output(ids.SF_PREDICTED, "data"),
        Output(ids.SF_L_STEP_MSG, "children", allow_duplicate=True),
        Input({"type": ids.SF_L_CONFIRM, "id": ALL}, "n_clicks"),
        State(ids.SF_L_ID, "data"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def confirm(_clicks: list[Clicks | None], lost_id: Id | None):
        lang = context.lang()
        clicked = clicked_pattern(ByNumber)
        if clicked is None or lost_id is None:
            return no_update, no_update, no_update
        try:
            lost_persons.confirm(context.database_url(), current_actor(), lost_id, clicked["id"])
            found = lost_persons.track(context.database_url(), current_actor(), lost_id)
        except Refused as error:
            return [], None, error.say(lang)
        message = t(
            "sf.tracked",
            lang,
            points=len(found["points"]),
            impossible=found["impossible"],
            minutes=found["predicted"]["properties"]["minutes"],
        )
        predicted = feature_collection([found["predicted"]])
        return _track_layer(found["points"], PALETTE["green"]), predicted, message

    @app.callback(
        Output(ids.SF_L_STEP_MSG, "children", allow_duplicate=True),
        Input(ids.SF_L_DISPATCH, "n_clicks"),
        Input(ids.SF_L_FOUND, "n_clicks"),
        Input(ids.SF_L_CLOSE, "n_clicks"),
        Input(ids.SF_L_UNMASK, "n_clicks"),
        State(ids.SF_L_ID, "data"),
        State(ids.SF_L_REASON, "value"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def step(
        _dispatch: Clicks | None,
        _found: Clicks | None,
        _close: Clicks | None,
        _unmask: Clicks | None,
        lost_id: Id | None,
        reason: Name | None,
    ):
        lang = context.lang()
        if lost_id is None:
            return t("sf.pick_case", lang)
        actor = current_actor()
        try:
            if ctx.triggered_id == ids.SF_L_UNMASK:
                found = lost_persons.unmask(context.database_url(), actor, lost_id, reason or "")
                return t(
                    "sf.contact",
                    lang,
                    guardian=found["guardian_name"] or "—",
                    phone=found["guardian_phone"] or "—",
                    name=found["name"] or "—",
                )
            action = LOST_STEPS[ctx.triggered_id]
            if action == "dispatch":
                sent = lost_persons.dispatch(context.database_url(), actor, lost_id)
                return t("sf.dispatched", lang, incident=sent["incident"], units=sent["units"])
            getattr(lost_persons, action)(context.database_url(), actor, lost_id)
            return t(f"sf.step.{action}", lang) + " · " + t(f"sf.lstatus.{LOST_NEXT[action][1]}", lang)
        except Refused as error:
            return error.say(lang)

    @app.callback(
        Output(ids.SF_ALARM_MSG, "children"),
        Input({"type": ids.SF_ALARM_INCIDENT, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("safety.files")
    def alarm_incident(_clicks: list[Clicks | None]):
        lang = context.lang()
        clicked = clicked_pattern(ByNumber)
        if clicked is None:
            return no_update
        try:
            made = vision_alarms.to_incident(context.database_url(), current_actor(), clicked["id"])
        except Refused as error:
            return error.say(lang)
        return t("sf.incident_made", lang, incident=made["code"])

    @app.callback(
        Output(ids.SF_OVERSIGHT, "children"),
        Input(ids.SF_MONTH, "value"),
        Input(ids.SF_VIEW, "value"),
    )
    @guard("safety.oversight")
    def oversight_table(month: Name | None, chosen: Name | None):
        lang = context.lang()
        if chosen != "oversight" or not month:
            return no_update
        try:
            found = oversight.report(context.database_url(), current_actor(), month)
        except Refused as error:
            return error.say(lang)
        columns = oversight.COLUMNS
        body = [
            html.Tr([html.Td(str(r[c]), className="raw" if c == "officer" else "") for c in columns])
            for r in found["rows"]
        ]
        body.append(html.Tr([html.Td(t("sf.total", lang))] + [html.Td(str(found["totals"][c])) for c in columns[1:]]))
        head = html.Tr([html.Th(t(f"sf.col.{c}", lang)) for c in columns])
        return html.Table([html.Thead(head), html.Tbody(body)], className="table")

    @app.callback(
        Output(ids.SF_DOWNLOAD, "data"),
        Input(ids.SF_CSV, "n_clicks"),
        Input(ids.SF_PDF, "n_clicks"),
        State(ids.SF_MONTH, "value"),
        prevent_initial_call=True,
    )
    @guard("safety.oversight")
    def export(_csv: Clicks | None, _pdf: Clicks | None, month: Name | None):
        kind = "pdf" if ctx.triggered_id == ids.SF_PDF else "csv"
        settings = context.settings()
        try:
            data, name = oversight.export(
                settings.database_url,
                current_actor(),
                month or oversight.this_month(),
                kind,
                context.lang(),
                settings.var_dir,
            )
        except Refused:
            return no_update
        return dcc.send_bytes(data, name)
