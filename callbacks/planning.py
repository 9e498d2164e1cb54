"""Multi-plan integration wiring: the plans shown on the map, the patch list and its filters, one patch and its
settlement steps (the workflow checks the role), counts, a new detection, and exports (each audited)."""

from __future__ import annotations

from datetime import date

import orjson
import shapely
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from callbacks import planning_schemes, planning_screening
from cockpit import auth, context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import organisation, t
from cockpit.inputs import Clicks, Id, Name, Names, Shape, Shown, Text
from cockpit.refusal import Refused
from cockpit.services.cim import cim_scene
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.geojson import feature_collection
from cockpit.services.planning import plan_workflow, planning, planning_view
from cockpit.services.planning.plan_overlay import RULES
from cockpit.ui import planning as ids
from cockpit.ui.kit import register_pick
from cockpit.vocab import PLAN_CONFLICT_STATUSES, PLAN_RULE_COLOURS

SHOWN_PATCHES = 40  # the largest first; a filter narrows the rest
MODES = {"conflicts": ids.PLAN_CONFLICTS_PANE, "schemes": ids.PLAN_SCHEMES_PANE, "screening": ids.PLAN_SCREENING_PANE}


def _layer(key: str, lang: str) -> str:
    return t(f"planning.layer.{key}", lang)


def _detail(found: dict, lang: str) -> list:
    rows = [
        (t("plan.rule", lang), t(f"plan.rule.{found['rule']}", lang)),
        (t("plan.left", lang), f"{_layer(found['left_layer'], lang)} {found['left_code']}"),
        (t("plan.right", lang), f"{_layer(found['right_layer'], lang)} {found['right_code']}"),
        (t("plan.area", lang), f"{found['area_m2']:,.0f} m²"),
        (t("plan.department", lang), organisation(found["department"], lang)),
        (t("plan.status", lang), t(f"planning.status.{found['status']}", lang)),
    ]
    if found["meets"]:
        plans = " · ".join(_layer(key, lang) for key in found["meets"]["plans"])
        rows.append(
            (
                t("plan.meets", lang),
                t(
                    "plan.meets_detail",
                    lang,
                    plans=plans,
                    n=len(found["meets"]["patches"]),
                    m2=found["meets"]["area_m2"],
                ),
            )
        )
    if found["assigned_to"]:
        rows.append((t("plan.lead", lang), f"{found['assigned_to']} · {t('plan.due', lang)} {found['deadline']}"))
    if found["decision"]:
        yielded = _layer(found[f"{found['decision']}_layer"], lang)
        rows.append((t("plan.decision", lang), f"{yielded} · {found['reason'] or ''} · {found['decided_by']}"))
    items = [
        html.Div(className="kv", children=[html.Span(k, className="k"), html.Span(neutral(str(v)))]) for k, v in rows
    ]
    opinions = [
        html.Li(neutral(f"{o['department']}：{o['opinion']} · {o['given_by']} {context.when(o['given_at'])}"))
        for o in found["opinions"]
    ]
    revisions = [
        html.Li(t("plan.revised", lang, layer=_layer(r["layer_key"], lang), n=r["revision"], zone=r["zone_code"]))
        for r in found["revisions"]
    ]
    return [
        *items,
        html.H4(t("plan.opinions", lang, count=len(opinions))),
        html.Ul(opinions) if opinions else html.Div(t("plan.no_opinions", lang), className="note"),
        html.Ul(revisions) if revisions else None,
    ]


def _counts(found: dict, lang: str) -> html.Div:
    head = html.Tr(
        [html.Th(t("plan.rule", lang))] + [html.Th(t(f"planning.status.{s}", lang)) for s in PLAN_CONFLICT_STATUSES]
    )
    body = [
        html.Tr(
            [
                html.Td(
                    [
                        html.Span(className="swatch", style={"background": PLAN_RULE_COLOURS[rule]}),
                        t(f"plan.rule.{rule}", lang),
                    ],
                    title=f"{found['area_m2'][rule]:,.0f} m²",
                )
            ]
            + [html.Td(str(by_status[s])) for s in PLAN_CONFLICT_STATUSES]
        )
        for rule, by_status in found["by_rule"].items()
    ]
    streets = " · ".join(f"{name} {n}" for name, n in found["by_street"].items())
    return html.Div(
        children=[
            html.Table(className="plan-counts", children=[html.Thead(head), html.Tbody(body)]),
            html.Div(f"{t('plan.by_street', lang)}：{streets or '—'}", className="note"),
            html.Div(t("plan.meetings", lang, n=found["meetings"]), className="note"),
        ]
    )


def register(app: Dash) -> None:
    planning_schemes.register(app)
    planning_screening.register(app)

    @app.callback(
        *(Output(pane, "className") for pane in MODES.values()),
        Output(ids.PLAN_MASSING, "className"),
        Input(ids.PLAN_MODE, "value"),
        Input(ids.PLAN_COMPARED, "data"),
    )
    @guard("planning.read")
    def mode(chosen: Name | None, compared: Shape | None):
        chosen = chosen if chosen in MODES else "conflicts"
        panes = ["col-stack" if key == chosen else "col-stack hidden" for key in MODES]
        massing = "plan-massing" if chosen == "schemes" and compared else "plan-massing hidden"
        return *panes, massing

    @app.callback(
        Output(ids.PLAN_SWIPE_ZONES, "data"),
        Input(ids.PLAN_SWIPE, "value"),
        Input(ids.PLAN_MSG, "children"),
    )
    @guard("planning.read")
    def swipe_layer(compared: Name | None, _msg: Shown):
        return planning_view.zones_geojson(context.database_url(), [compared] if compared else [])

    app.clientside_callback(
        "function (layer, at) { return window.cockpitMap.swipe(Boolean(layer), at); }",
        Output(ids.PLAN_SWIPE_LINE, "className"),
        Input(ids.PLAN_SWIPE, "value"),
        Input(ids.PLAN_SWIPE_AT, "value"),
    )

    @app.callback(
        Output(ids.PLAN_ZONES, "data"),
        Output(ids.PLAN_BUILDINGS, "data"),
        Input(ids.PLAN_LAYERS, "value"),
        Input(ids.PLAN_MSG, "children"),
    )
    @guard("planning.read")
    def layers(shown: Names | None, _msg: Shown):
        shown = shown or []
        buildings = (
            orjson.loads(cim_scene.buildings(context.database_url())) if planning_view.CURRENT in shown else None
        )
        empty = feature_collection()
        return planning_view.zones_geojson(context.database_url(), shown), buildings or empty

    @app.callback(
        Output(ids.PLAN_LIST, "children"),
        Output(ids.PLAN_PATCHES, "data"),
        Input(ids.PLAN_STATUS, "value"),
        Input(ids.PLAN_RULE, "value"),
        Input(ids.PLAN_MSG, "children"),
        Input(ids.PLAN_SELECTED, "data"),
    )
    @guard("planning.read")
    def patch_list(status: Name | None, rule: Name | None, _msg: Shown, selected: Id | None):
        lang = context.lang()
        try:
            rows = planning_view.patches(
                context.database_url(), None if status in (None, "all") else status, rule or None
            )
        except Refused as error:
            return error.say(lang), no_update
        items = [
            html.Button(
                id={"type": ids.PLAN_PICK, "id": r["id"]},
                className="case-item" + (" selected" if r["id"] == selected else ""),
                children=[
                    html.Span(t("plan.rule." + r["rule"], lang) + " · " + t("planning.status." + r["status"], lang)),
                    html.Span(f"{r['area_m2']:,.0f} m²", className="left"),
                    html.Span(f"#{r['id']} · {' / '.join(r['zones'])} · {r['department']}", className="note"),
                ],
            )
            for r in rows[:SHOWN_PATCHES]
        ]
        more = len(rows) - SHOWN_PATCHES
        if more > 0:
            items.append(html.Div(t("plan.more", lang, count=more), className="note"))
        return items or t("plan.none", lang), planning_view.patches_geojson(rows)

    register_pick(app, ids.PLAN_SELECTED, ids.PLAN_PICK, "planning.read", layer=ids.PLAN_PATCHES)

    @app.callback(
        Output(ids.PLAN_DETAIL, "children"),
        Output(ids.PLAN_ASSIGN, "disabled"),
        Output(ids.PLAN_OPINE, "disabled"),
        Output(ids.PLAN_DECIDE, "disabled"),
        Output(ids.PLAN_MAP, "viewport"),
        Output(ids.PLAN_PATCHES, "hideout"),
        Input(ids.PLAN_SELECTED, "data"),
        Input(ids.PLAN_MSG, "children"),
    )
    @guard("planning.read")
    def detail(selected: Id | None, _msg: Shown):
        lang = context.lang()
        found = planning_view.detail(context.database_url(), int(selected), current_actor().role) if selected else None
        if found is None:
            return t("plan.pick", lang), True, True, True, no_update, {"selected": None}
        west, south, east, north = shapely.bounds(shapely.from_geojson(orjson.dumps(found["geometry"]).decode()))
        pad = 0.002
        viewport = {"bounds": [[south - pad, west - pad], [north + pad, east + pad]], "transition": "flyToBounds"}
        steps = found["steps"]
        disabled = ("assign" not in steps, "opine" not in steps, "decide" not in steps)
        return _detail(found, lang), *disabled, viewport, {"selected": found["id"]}

    @app.callback(
        Output(ids.PLAN_MSG, "children"),
        Input(ids.PLAN_ASSIGN, "n_clicks"),
        Input(ids.PLAN_OPINE, "n_clicks"),
        Input(ids.PLAN_DECIDE, "n_clicks"),
        Input(ids.PLAN_DETECT, "n_clicks"),
        State(ids.PLAN_SELECTED, "data"),
        State(ids.PLAN_DEPARTMENT, "value"),
        State(ids.PLAN_DEADLINE, "value"),
        State(ids.PLAN_OPINION_BY, "value"),
        State(ids.PLAN_OPINION, "value"),
        State(ids.PLAN_YIELD, "value"),
        State(ids.PLAN_REASON, "value"),
        prevent_initial_call=True,
    )
    @guard("planning.read")
    def act(
        _assign: Clicks | None,
        _opine: Clicks | None,
        _decide: Clicks | None,
        _detect: Clicks | None,
        selected: Id | None,
        department: Name | None,
        deadline: Name | None,
        opinion_by: Name | None,
        opinion: Text | None,
        yielding: Name | None,
        reason: Text | None,
    ):
        lang = context.lang()
        actor = current_actor()
        if ctx.triggered_id == ids.PLAN_DETECT:
            if not auth.allowed("planning.coordinate"):
                return t("err.planning.not_allowed", lang, action=t("plan.detect", lang))
            found = planning.detect(context.database_url(), actor)
            return t("plan.detected", lang, new=found.new, settled=found.settled, slivers=found.slivers)
        action = {ids.PLAN_ASSIGN: "assign", ids.PLAN_OPINE: "opine", ids.PLAN_DECIDE: "decide"}.get(ctx.triggered_id)
        if action is None:
            return no_update
        if not selected:
            return t("plan.pick", lang)
        try:
            due = date.fromisoformat(deadline) if deadline else None
        except ValueError:
            return t("plan.bad_deadline", lang)
        try:
            plan_workflow.transition(
                context.database_url(),
                actor,
                int(selected),
                action,
                department=opinion_by if action == "opine" else department,
                deadline=due,
                opinion=opinion,
                yielding=yielding,
                reason=reason,
            )
        except Refused as error:
            return error.say(lang)
        return t("plan.done", lang, action=t(f"planning.action.{action}", lang), id=selected)

    @app.callback(
        Output(ids.PLAN_COUNTS, "children"),
        Input(ids.PLAN_MSG, "children"),
    )
    @guard("planning.read")
    def counts(_msg: Shown):
        return _counts(planning_view.counts(context.database_url()), context.lang())

    @app.callback(
        Output(ids.PLAN_DOWNLOAD, "data"),
        Input(ids.PLAN_EXPORT_GEOJSON, "n_clicks"),
        Input(ids.PLAN_EXPORT_GPKG, "n_clicks"),
        Input(ids.PLAN_EXPORT_PDF, "n_clicks"),
        State(ids.PLAN_STATUS, "value"),
        State(ids.PLAN_RULE, "value"),
        prevent_initial_call=True,
    )
    @guard("export")
    def export(
        _geojson: Clicks | None, _gpkg: Clicks | None, _pdf: Clicks | None, status: Name | None, rule: Name | None
    ):
        lang = context.lang()
        try:
            rows = planning_view.patches(
                context.database_url(), None if status in (None, "all") else status, rule or None
            )
        except Refused:
            return no_update
        kind = {ids.PLAN_EXPORT_GEOJSON: "geojson", ids.PLAN_EXPORT_GPKG: "gpkg", ids.PLAN_EXPORT_PDF: "pdf"}.get(
            ctx.triggered_id
        )
        if kind is None:
            return no_update
        words = {
            "title": t("plan.pdf_title", lang),
            "subtitle": t("plan.pdf_subtitle", lang, count=len(rows), when=context.when(stored_now())),
            "by_rule": t("plan.by_rule", lang),
        }
        words |= {f"rule.{r.key}": t(f"plan.rule.{r.key}", lang) for r in RULES}
        words |= {f"status.{s}": t(f"planning.status.{s}", lang) for s in PLAN_CONFLICT_STATUSES}
        name, body = planning_view.export(
            context.database_url(), current_actor(), kind, rows, context.settings().var_dir, words
        )
        return dcc.send_bytes(body, name)
