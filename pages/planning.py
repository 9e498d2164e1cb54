"""多规融合一图管控 — multi-plan integration: the plans on one map over what stands, the conflict patches the
rule matrix finds between them, and their settlement (assign, opinions, decision into a new plan revision)."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.planning
from cockpit import auth, context
from cockpit.i18n import organisation, t
from cockpit.page import Page
from cockpit.services.planning import planning_view
from cockpit.services.planning.plan_overlay import RULES
from cockpit.ui import planning as ids
from cockpit.ui.kit import detail_map, panel
from cockpit.vocab import PLAN_CONFLICT_STATUSES
from pages.planning_tools import schemes_pane, screening_pane

SHOWN = ["regulatory", "red_line"]
MODES = ("conflicts", "schemes", "screening")
DRAW = {"polygon": True, "rectangle": True, "polyline": False, "circle": False, "marker": False, "circlemarker": False}


def _layer_option(layer: dict, lang: str) -> dict:
    title = layer["title"] if lang == "zh" else layer["title_en"]
    facts = " · ".join(
        (
            organisation(layer["department"], lang),
            organisation(layer["authority"], lang),
            layer["vintage"],
            t(f"plan.legal.{layer['legal_status']}", lang),
            t("plan.revision", lang, n=layer["revision"]),
            t("plan.zones", lang, n=layer["zones"]),
        )
    )
    return {
        "label": html.Span(
            className="plan-layer",
            children=[
                html.Span(title, className="name"),
                html.Span(t("label.generated", lang), className="tag") if layer["generated"] else None,
                html.Span(facts, className="note"),
            ],
        ),
        "value": layer["key"],
    }


def _map() -> dl.Map:
    return detail_map(
        ids.PLAN_MAP,
        [
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}, interactive=False),
            dl.Pane(  # left of the swipe line: the plans ticked
                name="plan-left",
                style={"zIndex": 410},
                children=dl.GeoJSON(
                    id=ids.PLAN_ZONES,
                    style={"variable": "cockpitMap.planZone"},
                    onEachFeature={"variable": "cockpitMap.named"},
                ),
            ),
            dl.Pane(  # right of it: the plan compared
                name="plan-right",
                style={"zIndex": 411},
                children=dl.GeoJSON(
                    id=ids.PLAN_SWIPE_ZONES,
                    style={"variable": "cockpitMap.planZone"},
                    onEachFeature={"variable": "cockpitMap.named"},
                ),
            ),
            dl.GeoJSON(id=ids.PLAN_BUILDINGS, style={"variable": "cockpitMap.planBuilding"}, interactive=False),
            dl.GeoJSON(id=ids.PLAN_PATCHES, style={"variable": "cockpitMap.planPatch"}),
            dl.GeoJSON(id=ids.PLAN_SITE, style={"variable": "cockpitMap.planSite"}, interactive=False),
            dl.FeatureGroup([dl.EditControl(id=ids.PLAN_DRAW, draw=DRAW, edit={"edit": False, "remove": True})]),
            dl.ScaleControl(),
        ],
    )


def _steps(lang: str) -> html.Div:
    coordinate, decide = auth.allowed("planning.coordinate"), auth.allowed("planning.decide")
    return html.Div(
        className="plan-steps",
        children=[
            html.Div(
                className="dispatch-actions" if coordinate else "dispatch-actions hidden",
                children=[
                    dcc.Input(
                        id=ids.PLAN_DEPARTMENT, placeholder=t("plan.lead", lang), className="search", maxLength=64
                    ),
                    dcc.Input(
                        id=ids.PLAN_DEADLINE, placeholder=t("plan.deadline", lang), className="search", maxLength=10
                    ),
                    html.Button(t("plan.assign", lang), id=ids.PLAN_ASSIGN),
                ],
            ),
            html.Div(
                className="dispatch-actions" if coordinate else "dispatch-actions hidden",
                children=[
                    dcc.Input(
                        id=ids.PLAN_OPINION_BY, placeholder=t("plan.opinion_by", lang), className="search", maxLength=64
                    ),
                    dcc.Input(
                        id=ids.PLAN_OPINION, placeholder=t("plan.opinion", lang), className="search", maxLength=2000
                    ),
                    html.Button(t("plan.opine", lang), id=ids.PLAN_OPINE),
                ],
            ),
            html.Div(
                className="dispatch-actions" if decide else "dispatch-actions hidden",
                children=[
                    dcc.RadioItems(
                        id=ids.PLAN_YIELD,
                        className="toggle",
                        inline=True,
                        options=[{"label": t(f"plan.yield.{side}", lang), "value": side} for side in ("left", "right")],
                    ),
                    dcc.Input(
                        id=ids.PLAN_REASON, placeholder=t("plan.reason", lang), className="search", maxLength=500
                    ),
                    html.Button(t("plan.decide", lang), id=ids.PLAN_DECIDE),
                ],
            ),
        ],
    )


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    url = context.database_url()
    plans = planning_view.registry(url)
    layers = [_layer_option(layer, lang) for layer in plans]
    layers.append(
        {"label": html.Span(t("plan.current", lang), className="plan-layer name"), "value": planning_view.CURRENT}
    )
    exports = html.Div(
        className="dispatch-actions" if auth.allowed("export") else "dispatch-actions hidden",
        children=[
            html.Button(t("plan.export_geojson", lang), id=ids.PLAN_EXPORT_GEOJSON),
            html.Button(t("plan.export_gpkg", lang), id=ids.PLAN_EXPORT_GPKG),
            html.Button(t("plan.export_pdf", lang), id=ids.PLAN_EXPORT_PDF),
            dcc.Download(id=ids.PLAN_DOWNLOAD),
        ],
    )
    detect = html.Div(
        className="dispatch-actions" if auth.allowed("planning.coordinate") else "dispatch-actions hidden",
        children=[html.Button(t("plan.detect", lang), id=ids.PLAN_DETECT)],
    )
    return html.Div(
        className="page page-planning",
        children=[
            dcc.Store(id=ids.PLAN_SELECTED),
            dcc.Store(id=ids.PLAN_SCREENING),
            html.Div(
                className="col col-left",
                children=[
                    panel(
                        t("plan.layers", lang),
                        _swipe(lang, plans),
                        dcc.Checklist(id=ids.PLAN_LAYERS, value=SHOWN, options=layers, className="plan-layers"),
                        class_name="grow",
                    ),
                    panel(t("plan.counts", lang), html.Div(id=ids.PLAN_COUNTS), detect, class_name="fixed"),
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    html.Div(
                        className="map-wrap",
                        children=[_map(), html.Div(id=ids.PLAN_SWIPE_LINE, className="plan-swipe-line hidden")],
                    ),
                    html.Div(
                        id=ids.PLAN_MASSING,
                        className="plan-massing hidden",
                        children=[
                            html.Div(id=ids.PLAN_MASSING_A, className="cim-canvas"),
                            html.Div(id=ids.PLAN_MASSING_B, className="cim-canvas"),
                        ],
                    ),
                    dcc.Store(id=ids.PLAN_MASSING_SPEC),
                    dcc.Store(id=ids.PLAN_COMPARED),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    dcc.RadioItems(
                        id=ids.PLAN_MODE,
                        value="conflicts",
                        inline=True,
                        className="toggle plan-mode",
                        options=[{"label": t(f"plan.mode.{m}", lang), "value": m} for m in MODES],
                    ),
                    _conflicts(lang, exports),
                    schemes_pane(lang),
                    screening_pane(lang),
                ],
            ),
        ],
    )


def _swipe(lang: str, plans: list[dict]) -> html.Div:
    """卷帘: the plans ticked left of a line, one other plan right of it."""
    return html.Div(
        className="plan-swipe",
        children=[
            dcc.Dropdown(
                id=ids.PLAN_SWIPE,
                className="type-filter",
                placeholder=t("plan.swipe", lang),
                options=[
                    {"label": layer["title"] if lang == "zh" else layer["title_en"], "value": layer["key"]}
                    for layer in plans
                ],
            ),
            dcc.Slider(id=ids.PLAN_SWIPE_AT, min=5, max=95, step=1, value=50, marks=None, className="swipe-slider"),
        ],
    )


def _conflicts(lang: str, exports: html.Div) -> html.Div:
    return html.Div(
        id=ids.PLAN_CONFLICTS_PANE,
        className="col-stack",
        children=[
            panel(
                t("plan.patches", lang),
                dcc.RadioItems(
                    id=ids.PLAN_STATUS,
                    value="open",
                    className="toggle",
                    inline=True,
                    options=[
                        {"label": t(f"planning.status.{s}", lang), "value": s} for s in (*PLAN_CONFLICT_STATUSES, "all")
                    ],
                ),
                dcc.Dropdown(
                    id=ids.PLAN_RULE,
                    className="type-filter",
                    placeholder=t("plan.all_types", lang),
                    options=[{"label": t(f"plan.rule.{r.key}", lang), "value": r.key} for r in RULES],
                ),
                html.Div(id=ids.PLAN_LIST, className="results"),
                class_name="grow",
            ),
            panel(
                t("plan.detail", lang),
                html.Div(id=ids.PLAN_DETAIL, children=t("plan.pick", lang)),
                _steps(lang),
                html.Div(id=ids.PLAN_MSG, className="note msg"),
                exports,
                class_name="grow",
            ),
        ],
    )


PAGE = Page(
    path="/planning",
    nav="nav.planning",
    title="plan.title",
    permission="planning.read",
    layout=layout,
    callbacks=callbacks.planning.register,
    ready="#plan-list .case-item",
)
