"""政务服务一网通办 — one-stop government services and the 12345 hotline: the hotline's 接诉即办 figures, halls'
and channels' volumes and queues, the service items (high-frequency first) with e-licences and credit
commitments; the ticket queue on the map, a ticket taken in (routed by the NLP router, placed by the address
service) and handled step by step; departments and streets assessed and ranked with the monthly report; the
hotspots that become operations cases by one click."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.services
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.profile import CHANNELS, DEPARTMENTS
from cockpit.services.services import assessment
from cockpit.ui import services as ids
from cockpit.ui.kit import city_map, panel
from cockpit.vocab import PALETTE, SATISFACTION

VIEWS = ("queue", "ranking", "hotspots")
STATUS_FILTERS = ("open", "triage", "overdue", "closed")


def _shown(permission: str) -> str | None:
    return None if auth.allowed(permission) else "hidden"


def _map() -> dl.Map:
    return city_map(
        ids.SV_MAP,
        [
            dl.GeoJSON(url="/geo/districts.json", style={"color": PALETTE["sky"], "weight": 1, "fillOpacity": 0.04}),
            dl.GeoJSON(
                id=ids.SV_POINTS,
                pointToLayer={"variable": "cockpitMap.point"},
                onEachFeature={"variable": "cockpitMap.named"},
                hideout={"radius": 4, "weight": 0.5},
            ),
            dl.ScaleControl(),
        ],
    )


def _items(lang: str) -> list:
    issue = _shown("licence.issue")
    return [
        html.Div(id=ids.SV_ITEMS, className="results short"),
        html.Div(
            className=f"sv-form {issue or ''}".strip(),
            children=[
                dcc.Dropdown(id=ids.SV_ITEM, className="type-filter", placeholder=t("sv.pick_item", lang)),
                dcc.Input(id=ids.SV_HOLDER, placeholder=t("sv.holder", lang), maxLength=200),
                html.Button(t("sv.issue", lang), id=ids.SV_ISSUE),
                dcc.Input(id=ids.SV_PROMISE, placeholder=t("sv.promise", lang), maxLength=1000),
                dcc.Input(id=ids.SV_DUE, type="date", className="sv-date"),
                html.Button(t("sv.commit", lang), id=ids.SV_COMMIT),
            ],
        ),
        dcc.Store(id=ids.SV_LICENCE_ID),
        html.Div(id=ids.SV_LICENCE, className="sv-licence"),
        html.Button(t("sv.verify", lang), id=ids.SV_VERIFY, className="hidden"),
        html.Div(id=ids.SV_COMMITMENTS, className="results short"),
    ]


def _queue(lang: str) -> html.Div:
    return html.Div(
        id=ids.SV_QUEUE_BOX,
        className="sv-view sv-queue-view",
        children=[
            html.Div(className="map-wrap", children=[_map()]),
            html.Div(
                className="sv-queue-side",
                children=[
                    dcc.RadioItems(
                        id=ids.SV_STATUS,
                        value="open",
                        inline=True,
                        className="toggle",
                        options=[{"label": t(f"sv.filter.{s}", lang), "value": s} for s in STATUS_FILTERS],
                    ),
                    html.Div(id=ids.SV_QUEUE, className="results"),
                ],
            ),
        ],
    )


def _ranking(lang: str) -> html.Div:
    weight = {"type": "number", "min": 0, "max": 1, "step": 0.05, "className": "sv-weight"}
    return html.Div(
        id=ids.SV_RANKING_BOX,
        className="sv-view hidden",
        children=[
            html.Div(
                className="toolbar",
                children=[
                    dcc.RadioItems(
                        id=ids.SV_BY,
                        value="department",
                        inline=True,
                        className="toggle",
                        options=[{"label": t(f"assess.by.{b}", lang), "value": b} for b in ("department", "street")],
                    ),
                    dcc.Dropdown(
                        id=ids.SV_MONTH,
                        className="type-filter sv-month",
                        clearable=False,
                        value="all",
                        options=[{"label": t("sv.all_time", lang), "value": "all"}]
                        + [{"label": m, "value": m} for m in assessment.recent_months()],
                    ),
                    html.Button(t("sv.report", lang), id=ids.SV_REPORT, className=_shown("export")),
                    dcc.Download(id=ids.SV_DOWNLOAD),
                ],
            ),
            html.Div(
                className=f"toolbar {_shown('services.configure') or ''}".strip(),
                children=[
                    html.Span(t("sv.weights", lang)),
                    dcc.Input(id=ids.SV_W_RESPONSE, placeholder=t("assess.col.response", lang), **weight),
                    dcc.Input(id=ids.SV_W_RESOLUTION, placeholder=t("assess.col.resolution", lang), **weight),
                    dcc.Input(id=ids.SV_W_SATISFACTION, placeholder=t("assess.col.satisfaction", lang), **weight),
                    html.Button(t("sv.save_weights", lang), id=ids.SV_W_SAVE),
                    html.Span(id=ids.SV_W_MSG, className="note msg"),
                ],
            ),
            html.Div(id=ids.SV_RANKING, className="results"),
        ],
    )


def _hotspots(lang: str) -> html.Div:
    return html.Div(
        id=ids.SV_HOT_BOX,
        className="sv-view hidden",
        children=[
            html.Div(t("sv.hot_note", lang), className="note"),
            html.Div(id=ids.SV_HOT_MSG, className="note msg"),
            html.Div(id=ids.SV_HOTSPOTS, className="results"),
        ],
    )


def _intake(lang: str) -> list:
    hidden = _shown("ticket.intake")
    return [
        html.Div(
            className=f"sv-form {hidden or ''}".strip(),
            children=[
                dcc.Dropdown(
                    id=ids.SV_CHANNEL,
                    options=[{"label": t(f"sv.channel.{c}", lang), "value": c} for c in CHANNELS],
                    value="hotline",
                    clearable=False,
                    className="type-filter",
                ),
                dcc.Textarea(id=ids.SV_TEXT, placeholder=t("sv.text", lang), maxLength=4000, className="sv-text"),
                dcc.Input(id=ids.SV_ADDRESS, placeholder=t("sv.address", lang), maxLength=200),
                dcc.Input(id=ids.SV_CALLER, placeholder=t("sv.caller", lang), maxLength=64),
                dcc.Input(id=ids.SV_PHONE, placeholder=t("sv.phone", lang), maxLength=32),
                html.Button(t("sv.submit", lang), id=ids.SV_SUBMIT),
            ],
        ),
        html.Div(id=ids.SV_INTAKE_MSG, className="sv-routing"),
    ]


def _detail(lang: str) -> list:
    handle = _shown("ticket.handle")
    return [
        html.Div(id=ids.SV_DETAIL, children=t("sv.pick", lang)),
        html.Div(
            className=f"sv-form {handle or ''}".strip(),
            children=[
                dcc.Dropdown(
                    id=ids.SV_CATEGORY,
                    options=[{"label": c, "value": c} for c in DEPARTMENTS],
                    placeholder=t("sv.category", lang),
                    className="type-filter",
                ),
                dcc.Input(id=ids.SV_NOTE, placeholder=t("sv.note", lang), maxLength=500),
                dcc.RadioItems(
                    id=ids.SV_RESOLVED,
                    inline=True,
                    className="toggle",
                    options=[{"label": t(f"sv.resolved.{v}", lang), "value": v} for v in ("yes", "no")],
                ),
                dcc.RadioItems(
                    id=ids.SV_SATISFACTION,
                    inline=True,
                    className="toggle",
                    options=[{"label": t(f"sv.sat.{s}", lang), "value": s} for s in SATISFACTION],
                ),
                html.Div(id=ids.SV_ACTIONS, className="dispatch-actions"),
                dcc.Dropdown(id=ids.SV_LINK_ITEM, className="type-filter", placeholder=t("sv.link_item", lang)),
                html.Button(t("sv.link", lang), id=ids.SV_LINK),
            ],
        ),
        html.Div(id=ids.SV_MSG, className="note msg"),
    ]


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    return html.Div(
        className="page page-services",
        children=[
            dcc.Store(id=ids.SV_SELECTED),
            html.Div(
                className="col col-left",
                children=[
                    panel(t("sv.kpis", lang), html.Div(id=ids.SV_KPIS, className="kpis"), class_name="fixed"),
                    panel(
                        t("sv.channels", lang),
                        dcc.Graph(id=ids.SV_CHANNEL_CHART, config={"displayModeBar": False}, className="sv-chart"),
                        html.Div(id=ids.SV_CHANNELS),
                        class_name="fixed",
                    ),
                    panel(t("sv.items", lang), *_items(lang), class_name="grow"),
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    dcc.RadioItems(
                        id=ids.SV_VIEW,
                        value="queue",
                        inline=True,
                        className="toggle",
                        options=[{"label": t(f"sv.view.{v}", lang), "value": v} for v in VIEWS],
                    ),
                    _queue(lang),
                    _ranking(lang),
                    _hotspots(lang),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    panel(t("sv.intake", lang), *_intake(lang), class_name="fixed"),
                    panel(t("sv.detail", lang), *_detail(lang), class_name="grow"),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/services",
    nav="nav.services",
    title="sv.title",
    permission="services.read",
    layout=layout,
    callbacks=callbacks.services.register,
    ready="#sv-queue .case-item",
)
