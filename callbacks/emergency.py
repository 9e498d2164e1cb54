"""Emergency page wiring: incidents, map click to place a report, the resource query, the selected
incident's run card, recommendations and timeline, and dispatch (idempotent per click)."""

from __future__ import annotations

import orjson
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import t
from cockpit.inputs import (
    Clicks,
    Count,
    Id,
    Level,
    MapClick,
    Name,
    Names,
    Place,
    PlanRow,
    Radius,
    Shape,
    Shown,
    SimJob,
    Simulated,
    Text,
    UnitRow,
)
from cockpit.services.emergency import emergency, reports
from cockpit.services.emergency.emergency import DispatchError
from cockpit.services.emergency.reports import ReportError
from cockpit.services.kernel import areas
from cockpit.services.kernel.geojson import feature, feature_collection, point
from cockpit.ui import emergency as ids
from cockpit.ui.kit import register_pick, styled
from cockpit.vocab import PALETTE


def _points(rows: list[dict], props) -> dict:
    return feature_collection([
            point(r["lon"], r["lat"], props(r))
            for r in rows
        ])


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f}"


def _incident_button(i: dict, selected: int | None, lang: str) -> html.Button:
    return html.Button(
        id={"type": ids.INCIDENT_PICK, "id": i["id"]},
        className="incident-item" + (" selected" if i["id"] == selected else ""),
        children=[
            html.Span(t(f"level.{i['level']}", lang), className=f"lvl lvl-{i['level']}"),
            html.Span(f"{t('incident.' + i['type'], lang)} · {t('incident.status.' + i['status'], lang)}"),
            html.Span(context.when(i["reported_at"]), className="note"),
            html.Span(neutral(i["description"]), className="note"),
        ],
    )


def _unit_table(line: dict, lang: str) -> html.Table:
    """One row per unit, its stage times across; the difference to its ETA once it is on scene."""
    head = [t("col.unit", lang), *(t("stage." + s, lang) for s in emergency.STAGES[:-1]), t("col.vs_eta_min", lang)]
    rows = [
        html.Tr(
            className=f"stage-{u['stage']}",
            children=[
                html.Td(f"{u['unit']} · {t('unit.' + u['kind'], lang)}"),
                *(html.Td(context.when(at, "time") if at else "…") for _, at in u["stages"]),
                html.Td(
                    "—" if u["vs_eta_s"] is None else f"{u['vs_eta_s'] / 60:+.1f}".replace("-", "−"),
                    className="" if u["vs_eta_s"] is None else "late" if u["late"] else "ontime",
                ),
            ],
        )
        for u in line["units"]
    ]
    return html.Table(
        className="table unit-lines", children=[html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)]
    )


def _detail(incident_id: int, lang: str) -> tuple[list, list[dict], dict]:
    url = context.database_url()
    plan = emergency.plan_for(url, incident_id)
    line = emergency.timeline(url, incident_id)
    card = [
        html.Div(
            className="card-line",
            children=[
                html.Span(f"{t('unit.' + row['kind'], lang)} × {row['count']}"),
                html.Span(
                    ", ".join(
                        [
                            *plan["assigned"][row["kind"]],
                            *(f"→ {r.name}" for r in plan["chosen"] if r.kind == row["kind"]),
                        ]
                    )
                    or "—"
                ),
            ],
        )
        for row in plan["card"]
    ]
    if plan["target_minutes"]:
        card.append(html.Div(t("em.plan_target", lang, minutes=plan["target_minutes"]), className="note"))
    if plan["missing"]:
        what = ", ".join(f"{t('unit.' + k, lang)} {n}" for k, n in plan["missing"].items())
        card.append(html.Div(t("em.plan_missing", lang, what=what), className="late"))
    steps = _unit_table(line, lang)
    response = []
    if line["response_s"] is not None and line["target_minutes"]:
        minutes = line["response_s"] / 60
        response = [
            html.Div(
                t("em.response", lang, minutes=f"{minutes:.1f}", target=line["target_minutes"]),
                className="ontime" if line["on_time"] else "late",
            )
        ]
    shelters = [
        html.Div(
            className="card-line",
            children=[
                html.Span(s["name"]),
                html.Span(
                    t("em.km", lang, km=round(s["distance_m"] / 1000, 1)) + " · " + t("em.free", lang, n=s["free"])
                ),
            ],
        )
        for s in emergency.shelters(url, incident_id, limit=4)
    ]
    incident = line["incident"]
    known = areas.names(url)
    place = " · ".join(known.get(c, "—") for c in (incident["district_adcode"], incident["street_code"]) if c)
    detail = [
        html.Div(place or t("em.no_place", lang), className="incident-place note"),
        *card,
        *response,
        html.H3(t("em.timeline", lang)),
        steps,
        html.H3(t("em.shelters", lang)),
        *shelters,
    ]
    recommendations = [
        {
            "id": r.resource_id,
            "name": r.name,
            "kind_label": t("unit." + r.kind, lang),
            "eta_min": _minutes(r.eta_s),
            "method_label": t("em.method." + r.method, lang),
        }
        for r in emergency.recommend(url, incident_id)
    ]
    routes = feature_collection([
            feature({"type": "LineString", "coordinates": orjson.loads(d["route"])}, {})
            for d in line["dispatches"]
            if d["status"] == "active"
        ])
    return detail, recommendations, routes


def _dispatch(
    incident_id: int | None, nonce: str, clicks: int | None, resource_ids: list[int] | None, use_plan: bool
) -> str:
    """One key per click on this page load, so a double or replayed click dispatches once."""
    lang = context.lang()
    if not incident_id:
        return t("em.pick", lang)
    key = f"ui:{nonce}:{incident_id}:{'plan' if use_plan else 'pick'}:{clicks}"
    answer, status = emergency.dispatch_once(
        context.database_url(), current_actor(), incident_id, resource_ids, use_plan, key, lang
    )
    if status != 200:
        return t("em.refused", lang, reason=answer["error"])
    return t("em.dispatched", lang, n=answer["dispatched"])


SIM_STEP_S = 0.2  # simulated per tick, well inside the tick, so no tick overtakes the step before it


def _simulation_result(results: list[list], lang: str) -> list:
    figures = emergency.response_summary(results)
    if figures is None:
        return []
    summary = t(
        "em.sim_summary",
        lang,
        n=figures["n"],
        p50=f"{figures['p50']:.1f}",
        p90=f"{figures['p90']:.1f}",
        share=f"{100 * figures['share']:.0f}",
    )
    figure = go.Figure(go.Histogram(x=figures["minutes"], nbinsx=30, marker={"color": PALETTE["accent"]}))
    styled(figure, 200, bargap=0.05, xaxis_title=t("em.minutes", lang))
    return [
        html.Div(summary, className="ontime" if figures["passes"] else "late"),
        dcc.Graph(figure=figure, config={"displayModeBar": False}, id="em-sim-graph"),
    ]


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.EM_INCIDENTS, "children"),
        Input("live-status", "data"),
        Input(ids.EM_REPORT_MSG, "children"),
        Input(ids.EM_DISPATCH_MSG, "children"),
        Input(ids.EM_SELECTED, "data"),
    )
    @guard("view")
    def incident_list(_status: Shown, _report: Shown, _dispatch_msg: Shown, selected: Id | None):
        lang = context.lang()
        rows = emergency.incidents(context.database_url())[:60]
        return [_incident_button(i, selected, lang) for i in rows] or t("em.no_incidents", lang)

    register_pick(app, ids.EM_SELECTED, ids.INCIDENT_PICK, "view")

    @app.callback(
        Output("em-click", "data"),
        Output(ids.EM_PLACE, "children"),
        Input(ids.EM_MAP, "clickData"),
        prevent_initial_call=True,
    )
    @guard("view")
    def place(click: MapClick | None):
        if not click or "latlng" not in click:
            return no_update, no_update
        lat, lon = click["latlng"]["lat"], click["latlng"]["lng"]
        return {"lon": round(lon, 6), "lat": round(lat, 6)}, f"{lon:.5f}, {lat:.5f}"

    @app.callback(
        Output(ids.EM_REPORT_MSG, "children"),
        Output(ids.EM_SELECTED, "data", allow_duplicate=True),
        Input(ids.EM_REPORT, "n_clicks"),
        State(ids.EM_TYPE, "value"),
        State(ids.EM_LEVEL, "value"),
        State(ids.EM_DESCRIPTION, "value"),
        State("em-click", "data"),
        prevent_initial_call=True,
    )
    @guard("incident.report")
    def report(
        _n: Clicks | None,
        incident_type: Name | None,
        level: Level | None,
        description: Text | None,
        click: Place | None,
    ):
        lang = context.lang()
        if not click:
            return t("em.place_first", lang), no_update
        try:
            row = emergency.report_incident(
                context.database_url(),
                current_actor(),
                incident_type or "",
                level or 0,
                click["lon"],
                click["lat"],
                description or "",
            )
        except DispatchError as error:
            return t("em.refused", lang, reason=error.say(lang)), no_update
        return t("em.reported", lang, code=row["code"]), row["id"]

    @app.callback(
        Output(ids.EM_DETAIL, "children"),
        Output(ids.EM_RECOMMEND, "data"),
        Output(ids.EM_ROUTES, "data"),
        Input(ids.EM_SELECTED, "data"),
        Input("live-status", "data"),
        Input(ids.EM_DISPATCH_MSG, "children"),
    )
    @guard("view")
    def detail(selected: Id | None, _status: Shown, _msg: Shown):
        lang = context.lang()
        if not selected:
            return t("em.pick", lang), [], None
        try:
            return _detail(selected, lang)
        except DispatchError as error:
            return error.say(lang), [], None

    @app.callback(
        Output(ids.EM_DISPATCH_MSG, "children"),
        Output(ids.EM_RECOMMEND, "selected_rows"),
        Input(ids.EM_DISPATCH_PLAN, "n_clicks"),
        State(ids.EM_SELECTED, "data"),
        State(ids.EM_NONCE, "data"),
        prevent_initial_call=True,
    )
    @guard("dispatch")
    def dispatch_plan(clicks: Clicks | None, selected: Id | None, nonce: Name | None):
        return _dispatch(selected, nonce or "", clicks, None, use_plan=True), []

    @app.callback(
        Output(ids.EM_DISPATCH_MSG, "children", allow_duplicate=True),
        Output(ids.EM_RECOMMEND, "selected_rows", allow_duplicate=True),
        Input(ids.EM_DISPATCH_SELECTED, "n_clicks"),
        State(ids.EM_SELECTED, "data"),
        State(ids.EM_RECOMMEND, "selected_rows"),
        State(ids.EM_RECOMMEND, "data"),
        State(ids.EM_NONCE, "data"),
        prevent_initial_call=True,
    )
    @guard("dispatch")
    def dispatch_selected(
        clicks: Clicks | None,
        selected: Id | None,
        rows: list[Count] | None,
        data: list[UnitRow] | None,
        nonce: Name | None,
    ):
        picked = [int(data[i]["id"]) for i in (rows or []) if data and i < len(data)]
        if not picked:
            return t("em.refused", context.lang(), reason="—"), no_update
        return _dispatch(selected, nonce or "", clicks, picked, use_plan=False), []

    @app.callback(
        Output(ids.EM_DISPATCH_MSG, "children", allow_duplicate=True),
        Input(ids.EM_CLOSE, "submit_n_clicks"),
        State(ids.EM_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard("dispatch")
    def close(_n: Clicks | None, selected: Id | None):
        lang = context.lang()
        if not selected:
            return t("em.pick", lang)
        try:
            emergency.close_incident(context.database_url(), current_actor(), int(selected))
        except DispatchError as error:
            return t("em.refused", lang, reason=error.say(lang))
        return t("incident.status.closed", lang)

    @app.callback(
        Output(ids.EM_COVERAGE, "data"),
        Input(ids.EM_COVERAGE_TOGGLE, "value"),
        Input("live-status", "data"),
        Input(ids.EM_DISPATCH_MSG, "children"),
    )
    @guard("view")
    def coverage(toggle: Names | None, _status: Shown, _msg: Shown):
        return emergency.coverage(context.database_url()) if toggle else None

    @app.callback(
        Output(ids.EM_DOWNLOAD, "data"),
        Output(ids.EM_DISPATCH_MSG, "children", allow_duplicate=True),
        Input(ids.EM_REPORT_CSV, "n_clicks"),
        Input(ids.EM_REPORT_PDF, "n_clicks"),
        State(ids.EM_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard("export")
    def after_action(_csv: Clicks | None, _pdf: Clicks | None, selected: Id | None):
        lang = context.lang()
        if not selected or ctx.triggered_id not in (ids.EM_REPORT_CSV, ids.EM_REPORT_PDF):
            return no_update, t("em.pick", lang)
        fmt = "csv" if ctx.triggered_id == ids.EM_REPORT_CSV else "pdf"
        try:
            settings = context.settings()
            name, body = reports.export(
                context.database_url(), current_actor(), int(selected), fmt, lang, settings.timezone, settings.var_dir
            )
        except ReportError as error:
            return no_update, error.say(lang)
        return dcc.send_bytes(body, name), no_update

    @app.callback(Output(ids.EM_PLANS, "data"), Input(ids.EM_PLAN_MSG, "children"))
    @guard("view")
    def plans(_msg: Shown):
        lang = context.lang()
        return [
            p
            | {
                "type_label": t("incident." + p["incident_type"], lang),
                "level_label": t(f"level.{p['level']}", lang),
                "kind_label": t("unit." + p["kind"], lang),
            }
            for p in emergency.all_plans(context.database_url())
        ]

    @app.callback(
        Output(ids.EM_PLAN_MSG, "children"),
        Input(ids.EM_PLANS, "data_timestamp"),
        State(ids.EM_PLANS, "data"),
        State(ids.EM_PLANS, "data_previous"),
        prevent_initial_call=True,
    )
    @guard("plans.edit")
    def save_plans(_stamp: Count | None, rows: list[PlanRow] | None, previous: list[PlanRow] | None):
        if not rows or not previous:
            return no_update
        lang = context.lang()
        out = []
        for row, old in zip(rows, previous, strict=False):
            if (row["count"], row["target_minutes"]) == (old["count"], old["target_minutes"]):
                continue
            problems = emergency.update_plan(
                context.database_url(), current_actor(), int(row["id"]), row["count"], row["target_minutes"]
            )
            out.append(
                t("em.refused", lang, reason="; ".join(problems))
                if problems
                else t("em.plan_saved", lang, id=row["id"])
            )
        return " ".join(out) or no_update

    @app.callback(
        Output(ids.EM_SIM_JOB, "data"),
        Output(ids.EM_SIM_TICK, "disabled"),
        Input(ids.EM_SIM_RUN, "n_clicks"),
        State(ids.EM_SIM_N, "value"),
        prevent_initial_call=True,
    )
    @guard("view")
    def start_simulation(clicks: Clicks | None, n: Simulated | None):
        total = max(10, min(2000, int(n or 200)))
        return {"seed": int(clicks or 1), "total": total, "done": 0, "results": []}, False

    @app.callback(
        Output(ids.EM_SIM_JOB, "data", allow_duplicate=True),
        Output(ids.EM_SIM_TICK, "disabled", allow_duplicate=True),
        Output(ids.EM_SIM_BAR, "style"),
        Output(ids.EM_SIM_RESULT, "children"),
        Input(ids.EM_SIM_TICK, "n_intervals"),
        State(ids.EM_SIM_JOB, "data"),
        prevent_initial_call=True,
    )
    @guard("view")
    def step_simulation(_tick: Count | None, job: SimJob | None):
        if not job or job["done"] >= job["total"]:
            return no_update, True, no_update, no_update
        made = emergency.simulate_for(context.database_url(), job["seed"], job["done"], job["total"], SIM_STEP_S)
        job["results"] += [[r["response_s"], r["target_s"]] for r in made]
        job["done"] += len(made)
        finished = job["done"] >= job["total"]
        bar = {"width": f"{100 * job['done'] / job['total']:.0f}%"}
        return job, finished, bar, _simulation_result(job["results"], context.lang()) if finished else no_update

    @app.callback(Output(ids.EM_DISTRICT, "options"), Input(ids.EM_DISTRICT, "id"))
    @guard("view")
    def districts(_id: Name):
        return [{"label": d["name"], "value": d["adcode"]} for d in emergency.district_options(context.database_url())]

    @app.callback(
        Output(ids.EM_RESOURCE_LAYER, "data"),
        Output(ids.EM_INCIDENT_LAYER, "data"),
        Output(ids.EM_QUERY_LAYER, "data"),
        Output(ids.EM_MATCHES, "children"),
        Input(ids.EM_SELECTED, "data"),
        Input(ids.EM_RADIUS, "value"),
        Input(ids.EM_DISTRICT, "value"),
        Input(ids.EM_DRAW, "geojson"),
        Input("live-status", "data"),
        Input(ids.EM_DISPATCH_MSG, "children"),
        Input(ids.EM_REPORT_MSG, "children"),
    )
    @guard("view")
    def layers(
        selected: Id | None,
        radius: Radius | None,
        district: Name | None,
        drawn: Shape | None,
        _status: Shown,
        _msg: Shown,
        _report: Shown,
    ):
        lang = context.lang()
        url = context.database_url()
        try:
            found = emergency.query_resources(url, selected, radius or None, district, drawn)
        except DispatchError as error:
            found = emergency.AreaQuery([], None, [])
            listing = [html.Div(error.say(lang))]
        else:
            reached = [html.Div(t("em.reached", lang, names=" · ".join(found.districts)))] if found.districts else []
            listing = [html.Div(t("em.matches", lang, n=len(found.matches))), *reached] + [
                html.Span(f"{r['name']} ({t('unit.status.' + r['status'], lang)})") for r in found.matches[:80]
            ]
        matches, area = found.matches, found.area
        matched = {r["id"] for r in matches}
        units = _points(
            emergency.resource_points(url),
            lambda r: {
                "name": f"{r['name']} · {t('unit.status.' + r['status'], lang)}",
                "kind": r["kind"],
                "status": r["status"],
                "match": r["id"] in matched,
                "generated": r["generated"],
            },
        )
        incidents = _points(
            [i for i in emergency.incidents(url) if i["status"] != "closed" or i["id"] == selected],
            lambda i: {
                "name": f"{t('level.' + str(i['level']), lang)} {neutral(i['description'])}",
                "level": i["level"],
                "status": i["status"],
                "selected": i["id"] == selected,
            },
        )
        query = (
            feature_collection([feature(area, {})])
            if area
            else None
        )
        return units, incidents, query, listing
