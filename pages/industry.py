"""产业发展一图总览 — industry development: the economy by district with forecasts back-tested against naive
ones, the enterprises on the map (real listed companies placed by a rule, generated SMEs) with the parks and
the planned business land, the industry chains' gaps with the companies to attract and the pipeline of
approaches, and the zombie-enterprise flags with their evidence and review."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.industry
from cockpit import context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.profile import GDP_SHARES, INDICATORS
from cockpit.services.industry import chain_gaps, industry_view
from cockpit.ui import industry as ids
from cockpit.ui.kit import city_map, panel
from cockpit.vocab import PALETTE, SECTORS

VIEWS = ("outlook", "chain", "zombies")


def _map(lang: str) -> dl.Map:
    url = context.database_url()
    return city_map(
        ids.IND_MAP,
        [
            dl.GeoJSON(
                id=ids.IND_DISTRICTS,
                data=industry_view.districts_geojson(url),
                style={"variable": "cockpitMap.area"},
                onEachFeature={"variable": "cockpitMap.named"},
                hideout={"max": 0},
            ),
            dl.GeoJSON(
                data=industry_view.planned_geojson(url),
                style={
                    "color": PALETTE["amber_bright"],
                    "weight": 1,
                    "fillColor": PALETTE["amber_bright"],
                    "fillOpacity": 0.35,
                },
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.GeoJSON(
                data=industry_view.parks_geojson(),
                style={"color": PALETTE["white"], "weight": 1.5, "dashArray": "6 4", "fillOpacity": 0.04},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.GeoJSON(
                id=ids.IND_FIRMS,
                pointToLayer={"variable": "cockpitMap.point"},
                onEachFeature={"variable": "cockpitMap.named"},
                hideout={"radius": 3.5, "weight": 0.5},
            ),
            dl.ScaleControl(),
        ],
    )


def _legend(lang: str) -> html.Div:
    return html.Div(
        className="legend",
        children=[
            html.Span([html.I(style={"background": colour}), t(f"ind.sector.{key}", lang)])
            for key, (colour, _classes) in SECTORS.items()
        ]
        + [html.Span([html.I(className="park"), t("ind.park", lang)]), html.Span(t("ind.map_note", lang))],
    )


def _economy(lang: str) -> list:
    districts = [{"label": t("ind.city", lang), "value": "city"}] + [
        {"label": t(f"district.{code}", lang), "value": code} for code in sorted(GDP_SHARES)
    ]
    return [
        html.Div(
            className="toolbar",
            children=[
                dcc.Dropdown(
                    id=ids.IND_DISTRICT, options=districts, value="city", clearable=False, className="type-filter"
                ),
            ],
        ),
        html.Div(id=ids.IND_KPIS, className="kpis"),
        html.Div(t("ind.generated_note", lang), className="note"),
    ]


def _centre(lang: str) -> list:
    return [
        html.Div(className="map-wrap", children=[_map(lang)]),
        html.Div(
            className="toolbar",
            children=[
                dcc.RadioItems(
                    id=ids.IND_COLOUR,
                    value="sector",
                    inline=True,
                    className="toggle",
                    options=[{"label": t(f"ind.colour.{c}", lang), "value": c} for c in ("sector", "production")],
                ),
                dcc.Dropdown(
                    id=ids.IND_SECTORS,
                    options=[{"label": t(f"ind.sector.{key}", lang), "value": key} for key in SECTORS],
                    multi=True,
                    placeholder=t("ind.all_sectors", lang),
                    className="type-filter ind-sectors",
                ),
                _legend(lang),
            ],
        ),
        dcc.RadioItems(
            id=ids.IND_VIEW,
            value="outlook",
            inline=True,
            className="toggle",
            options=[{"label": t(f"ind.view.{v}", lang), "value": v} for v in VIEWS],
        ),
        html.Div(
            className="ind-views",
            children=[
                html.Div(
                    id=ids.IND_OUTLOOK,
                    className="ind-view",
                    children=[
                        dcc.Dropdown(
                            id=ids.IND_INDICATOR,
                            options=[{"label": t(f"ind.ind.{n}", lang), "value": n} for n in INDICATORS],
                            value="consumption",
                            clearable=False,
                            className="type-filter",
                        ),
                        html.Div(
                            className="ind-outlook",
                            children=[
                                dcc.Graph(id=ids.IND_FORECAST, config={"displayModeBar": False}, className="ind-graph"),
                                html.Div(id=ids.IND_BACKTEST, className="results"),
                            ],
                        ),
                    ],
                ),
                html.Div(
                    id=ids.IND_CHAIN_BOX,
                    className="ind-view hidden",
                    children=dcc.Graph(id=ids.IND_CHAIN_GRAPH, config={"displayModeBar": False}, className="ind-graph"),
                ),
                html.Div(
                    id=ids.IND_ZOMBIE_BOX,
                    className="ind-view ind-zombies hidden",
                    children=[
                        html.Div(id=ids.IND_ZOMBIES, className="results"),
                        html.Div(
                            className="ind-zombie-side",
                            children=[
                                html.Div(id=ids.IND_ZOMBIE_DETAIL, children=t("ind.z_pick", lang)),
                                dcc.Input(id=ids.IND_ZOMBIE_NOTE, placeholder=t("ind.z_note", lang), debounce=False),
                                html.Div(id=ids.IND_ZOMBIE_ACTIONS, className="dispatch-actions"),
                                html.Div(id=ids.IND_ZOMBIE_MSG, className="note msg"),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ]


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    return html.Div(
        className="page page-industry",
        children=[
            dcc.Store(id=ids.IND_NODE),
            dcc.Store(id=ids.IND_ZOMBIE_SEL),
            html.Div(
                className="col col-left",
                children=[
                    panel(t("ind.economy", lang), *_economy(lang), class_name="fixed"),
                    panel(t("ind.production", lang), html.Div(id=ids.IND_PRODUCTION), class_name="fixed"),
                    panel(t("ind.listed", lang), html.Div(id=ids.IND_LISTED, className="results"), class_name="grow"),
                ],
            ),
            html.Div(className="col col-center", children=_centre(lang)),
            html.Div(
                className="col col-right",
                children=[
                    panel(
                        t("ind.chain", lang),
                        dcc.RadioItems(
                            id=ids.IND_CHAIN,
                            value="ic",
                            inline=True,
                            className="toggle",
                            options=[
                                {"label": t(f"ind.chain.{c['id']}", lang), "value": c["id"]}
                                for c in chain_gaps.listing()
                            ],
                        ),
                        html.Div(id=ids.IND_TARGETS, className="results"),
                        class_name="grow",
                    ),
                    panel(
                        t("ind.recs", lang),
                        html.Div(id=ids.IND_RECS, className="results"),
                        html.Div(id=ids.IND_LEAD_MSG, className="note msg"),
                        html.H3(t("ind.leads", lang)),
                        html.Div(id=ids.IND_LEADS, className="results"),
                        class_name="grow",
                    ),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/industry",
    nav="nav.industry",
    title="ind.title",
    permission="industry.read",
    layout=layout,
    callbacks=callbacks.industry.register,
    ready="#ind-targets .case-item",
)
