"""应急指挥一键调度 — the duty officer's screen: incidents, the resource map with radius, district and polygon
queries, units ranked by ETA, the run card dispatched in one click, and the timeline of every unit."""

from __future__ import annotations

import uuid

import dash_leaflet as dl
from dash import dash_table, dcc, html

import callbacks.emergency
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page, Wall
from cockpit.services.overview import wall
from cockpit.ui import emergency as ids
from cockpit.ui.kit import detail_map, panel, tab
from cockpit.vocab import PALETTE

INCIDENT_TYPES = ("accident", "natural_disaster", "public_health", "social_security")


def _map(lang: str) -> dl.Map:
    return detail_map(
        ids.EM_MAP,
        [
            dl.GeoJSON(
                url="/geo/districts.json",
                style={"color": PALETTE["sky"], "weight": 1.2, "fillOpacity": 0.08, "fillColor": PALETTE["navy"]},
                interactive=False,
            ),
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}, interactive=False),
            dl.GeoJSON(id=ids.EM_COVERAGE, style={"variable": "cockpitMap.coverage"}, interactive=False),
            dl.GeoJSON(
                id=ids.EM_QUERY_LAYER,
                style={"color": PALETTE["amber"], "weight": 1.5, "dashArray": "5 4", "fillOpacity": 0.05},
                interactive=False,
            ),
            dl.GeoJSON(
                id=ids.EM_ROUTES, style={"color": PALETTE["accent"], "weight": 3, "opacity": 0.8}, interactive=False
            ),
            dl.GeoJSON(
                id=ids.EM_RESOURCE_LAYER,
                pointToLayer={"variable": "cockpitMap.unit"},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.GeoJSON(
                id=ids.EM_INCIDENT_LAYER,
                pointToLayer={"variable": "cockpitMap.incident"},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.FeatureGroup(
                [
                    dl.EditControl(
                        id=ids.EM_DRAW,
                        draw={
                            "polygon": True,
                            "rectangle": True,
                            "polyline": False,
                            "circle": False,
                            "marker": False,
                            "circlemarker": False,
                        },
                        edit={"edit": False, "remove": True},
                    )
                ]
            ),
            dl.ScaleControl(),
        ],
    )


TABLE_STYLE = {
    "style_as_list_view": True,
    "style_header": {"backgroundColor": PALETTE["night_blue"], "color": PALETTE["steel"], "border": "none"},
    "style_cell": {
        "backgroundColor": PALETTE["night"],
        "color": PALETTE["ice"],
        "border": "1px solid #1b3658",
        "fontFamily": "inherit",
        "fontSize": "0.78rem",
        "textAlign": "left",
    },
}


def _recommend_table(lang: str, can_dispatch: bool) -> dash_table.DataTable:
    return dash_table.DataTable(
        id=ids.EM_RECOMMEND,
        columns=[
            {"id": "name", "name": t("col.device", lang)},
            {"id": "kind_label", "name": t("col.kind", lang)},
            {"id": "eta_min", "name": t("em.eta", lang)},
            {"id": "method_label", "name": t("em.method", lang)},
        ],
        row_selectable="multi" if can_dispatch else False,
        selected_rows=[],
        page_size=12,
        **TABLE_STYLE,
    )


def _plans_table(lang: str) -> dash_table.DataTable:
    editable = auth.allowed("plans.edit")
    return dash_table.DataTable(
        id=ids.EM_PLANS,
        columns=[
            {"id": "type_label", "name": t("col.kind", lang)},
            {"id": "level_label", "name": t("em.level", lang)},
            {"id": "kind_label", "name": t("em.unit", lang)},
            {"id": "count", "name": t("em.count", lang), "type": "numeric", "editable": editable},
            {"id": "target_minutes", "name": t("em.target", lang), "type": "numeric", "editable": editable},
        ],
        editable=editable,
        page_size=14,
        **TABLE_STYLE,
    )


def _simulation(lang: str) -> list:
    return [
        html.Div(t("em.sim_note", lang), className="note"),
        html.Div(
            className="toolbar",
            children=[
                dcc.Input(
                    id=ids.EM_SIM_N, type="number", min=10, max=2000, step=10, value=200, className="search narrow"
                ),
                html.Button(t("em.sim_run", lang), id=ids.EM_SIM_RUN, className="primary"),
            ],
        ),
        html.Div(className="progress", children=[html.Div(id=ids.EM_SIM_BAR, className="bar", style={"width": "0%"})]),
        html.Div(id=ids.EM_SIM_RESULT),
        dcc.Store(id=ids.EM_SIM_JOB),
        dcc.Interval(id=ids.EM_SIM_TICK, interval=600, disabled=True),
    ]


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    # controls a role may not use stay in the page hidden, so every callback finds its inputs
    can_report = auth.allowed("incident.report")
    can_dispatch = auth.allowed("dispatch")
    report = panel(
        t("em.new", lang),
        dcc.Dropdown(
            id=ids.EM_TYPE,
            options=[{"label": t(f"incident.{k}", lang), "value": k} for k in INCIDENT_TYPES],
            value="accident",
            clearable=False,
            className="type-filter",
        ),
        dcc.Dropdown(
            id=ids.EM_LEVEL,
            options=[{"label": t(f"level.{n}", lang), "value": n} for n in (4, 3, 2, 1)],
            value=4,
            clearable=False,
            className="type-filter",
        ),
        dcc.Input(id=ids.EM_DESCRIPTION, placeholder=t("em.description", lang), className="search", maxLength=500),
        html.Div(id=ids.EM_PLACE, className="note"),
        html.Button(t("em.report", lang), id=ids.EM_REPORT, className="primary"),
        html.Div(id=ids.EM_REPORT_MSG, className="note"),
        class_name="fixed" if can_report else "fixed hidden",
    )
    actions = html.Div(
        className="dispatch-actions" if can_dispatch else "dispatch-actions hidden",
        children=[
            html.Button(
                t("em.dispatch_plan", lang),
                id=ids.EM_DISPATCH_PLAN,
                className="primary big",
                **{"data-key": "d", "data-confirm": t("em.dispatch_confirm", lang)},
            ),
            html.Button(t("em.dispatch_selected", lang), id=ids.EM_DISPATCH_SELECTED),
            dcc.ConfirmDialogProvider(
                html.Button(t("em.close", lang), className="danger"),
                id=ids.EM_CLOSE,
                message=t("em.close_confirm", lang),
            ),
        ],
    )
    return html.Div(
        className="page page-emergency",
        children=[
            dcc.Store(id=ids.EM_SELECTED),
            dcc.Store(id=ids.EM_NONCE, data=uuid.uuid4().hex),
            dcc.Store(id="em-click"),
            html.Div(
                className="col col-left",
                children=[
                    panel(
                        t("em.incidents", lang), html.Div(id=ids.EM_INCIDENTS, className="results"), class_name="grow"
                    ),
                    report,
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    html.Div(className="map-wrap", children=[_map(lang)]),
                    panel(
                        t("em.query", lang),
                        html.Div(
                            className="toolbar",
                            children=[
                                html.Span(t("em.radius", lang)),
                                dcc.Input(
                                    id=ids.EM_RADIUS,
                                    type="number",
                                    min=0.1,
                                    max=50,
                                    step=0.1,
                                    value=2,
                                    className="search narrow",
                                    debounce=True,
                                ),
                                dcc.Dropdown(
                                    id=ids.EM_DISTRICT, placeholder=t("em.district", lang), className="type-filter wide"
                                ),
                                html.Span(t("em.polygon", lang), className="note"),
                                dcc.Checklist(
                                    id=ids.EM_COVERAGE_TOGGLE,
                                    options=[{"label": t("em.coverage", lang), "value": "on"}],
                                    value=[],
                                    className="toggle",
                                ),
                                html.Span(t("em.coverage_legend", lang), className="note legend"),
                            ],
                        ),
                        html.Div(id=ids.EM_MATCHES, className="matches"),
                        class_name="fixed query",
                    ),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    panel(
                        t("em.plan", lang),
                        actions,
                        html.Div(id=ids.EM_DISPATCH_MSG, className="note msg"),
                        html.Div(
                            className="dispatch-actions" if auth.allowed("export") else "dispatch-actions hidden",
                            children=[
                                html.Button(t("em.report_csv", lang), id=ids.EM_REPORT_CSV),
                                html.Button(t("em.report_pdf", lang), id=ids.EM_REPORT_PDF),
                                dcc.Download(id=ids.EM_DOWNLOAD),
                            ],
                        ),
                        html.Div(id=ids.EM_DETAIL),
                        class_name="grow",
                    ),
                    dcc.Tabs(
                        className="tabs em-tabs",
                        content_className="tab-content",
                        children=[
                            tab(t("em.recommend", lang), [_recommend_table(lang, can_dispatch)]),
                            tab(
                                t("em.plans", lang),
                                [
                                    html.Div(t("em.plans_note", lang), className="note"),
                                    _plans_table(lang),
                                    html.Div(id=ids.EM_PLAN_MSG, className="note msg"),
                                ],
                            ),
                            tab(t("em.sim", lang), _simulation(lang)),
                        ],
                    ),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/emergency",
    nav="nav.emergency",
    title="em.title",
    permission="view",
    layout=layout,
    callbacks=callbacks.emergency.register,
    wall=Wall(wall.emergency_command),
    ready="#em-detail:not(:empty)",
)
