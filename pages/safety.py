"""公共安全一屏掌控 — public safety on one screen: cameras at the key areas and on the roads with their status,
how full each key area is, sightings per hour and the scenario's alarms (for leaders: aggregates only); for the
safety officer, searches of person and vehicle files under a legal basis and case with trajectories checked for
plausibility, unmask, tags and the watch list; lost-person cases from intake to closure; and, for both, the
monthly oversight report of searches per officer."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.safety
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page, Wall
from cockpit.services.overview import wall
from cockpit.services.safety import oversight, safety_view
from cockpit.ui import safety as ids
from cockpit.ui.kit import detail_map, panel
from cockpit.vocab import AGE_BANDS, CLOTHING_COLOURS, LEGAL_BASES, PALETTE, VEHICLE_COLOURS, VEHICLE_TYPES

VIEWS = {"search": "safety.files", "lost": "safety.files", "watch": "safety.files", "oversight": "safety.oversight"}


def _views(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"sf.view.{v}", lang), "value": v} for v, p in VIEWS.items() if auth.allowed(p)]


def _options(prefix: str, values: tuple[str, ...], lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"{prefix}.{v}", lang), "value": v} for v in values]


def _pick(
    component_id: str, placeholder: str, prefix: str, values: tuple[str, ...], lang: str, pick: dict
) -> dcc.Dropdown:
    """A dropdown of one vocabulary, said in the viewer's language."""
    return dcc.Dropdown(
        id=component_id, placeholder=t(placeholder, lang), options=_options(prefix, values, lang), **pick
    )


def _flags(component_id: str, lang: str) -> dcc.Checklist:
    return dcc.Checklist(
        id=component_id,
        inline=True,
        className="toggle",
        options=[{"label": t(f"sf.flag.{f}", lang), "value": f} for f in ("bag", "hat")],
        value=[],
    )


def _search(lang: str, shown: bool) -> html.Div:
    pick = {"className": "type-filter", "clearable": True}
    return html.Div(
        id=ids.SF_SEARCH_BOX,
        className="sf-view" if shown else "sf-view hidden",
        children=[
            html.Div(t("sf.search_note", lang), className="note"),
            html.Div(
                className="sf-form",
                children=[
                    dcc.RadioItems(
                        id=ids.SF_KIND,
                        value="vehicle",
                        inline=True,
                        className="toggle",
                        options=_options("sf.kind", ("vehicle", "person"), lang),
                    ),
                    dcc.Dropdown(
                        id=ids.SF_BASIS,
                        placeholder=t("sf.basis", lang),
                        options=_options("sf.basis", LEGAL_BASES, lang),
                    ),
                    dcc.Input(id=ids.SF_CASE, placeholder=t("sf.case", lang), maxLength=32),
                    html.Div(
                        id=ids.SF_VEHICLE_FIELDS,
                        className="sf-row",
                        children=[
                            dcc.Input(id=ids.SF_PLATE, placeholder=t("sf.plate", lang), maxLength=10),
                            _pick(ids.SF_VTYPE, "sf.vtype", "sf.vehicle", VEHICLE_TYPES, lang, pick),
                            _pick(ids.SF_VCOLOUR, "sf.vcolour", "sf.colour", VEHICLE_COLOURS, lang, pick),
                        ],
                    ),
                    html.Div(
                        id=ids.SF_PERSON_FIELDS,
                        className="sf-row hidden",
                        children=[
                            _pick(ids.SF_UPPER, "sf.upper", "sf.colour", CLOTHING_COLOURS, lang, pick),
                            _pick(ids.SF_LOWER, "sf.lower", "sf.colour", CLOTHING_COLOURS, lang, pick),
                            _pick(ids.SF_AGE, "sf.age", "sf.age", AGE_BANDS, lang, pick),
                            _flags(ids.SF_FLAGS, lang),
                        ],
                    ),
                    html.Div(
                        className="sf-row",
                        children=[
                            html.Span(t("sf.hours", lang)),
                            dcc.Input(id=ids.SF_HOURS, type="number", min=1, max=720, value=24, className="sf-number"),
                            html.Button(t("sf.search", lang), id=ids.SF_SEARCH),
                        ],
                    ),
                ],
            ),
            dcc.Store(id=ids.SF_SEARCH_ID),
            dcc.Store(id=ids.SF_REF),
            html.Div(id=ids.SF_MSG, className="note msg"),
            html.Div(id=ids.SF_RESULTS, className="results short"),
            html.Div(
                id=ids.SF_SUBJECT_TOOLS,
                className="sf-form hidden",
                children=[
                    html.Div(id=ids.SF_HOPS, className="results short"),
                    html.Div(
                        className="sf-row",
                        children=[
                            dcc.Input(id=ids.SF_REASON, placeholder=t("sf.reason", lang), maxLength=200),
                            html.Button(t("sf.unmask", lang), id=ids.SF_UNMASK),
                        ],
                    ),
                    html.Div(
                        className="sf-row",
                        children=[
                            dcc.Input(id=ids.SF_TAG, placeholder=t("sf.tag", lang), maxLength=16),
                            html.Button(t("sf.tag_add", lang), id=ids.SF_TAG_ADD),
                        ],
                    ),
                    html.Div(
                        className="sf-row",
                        children=[
                            dcc.Input(id=ids.SF_IDENTITY, placeholder=t("sf.identity", lang), maxLength=64),
                            html.Button(t("sf.identity_add", lang), id=ids.SF_IDENTITY_ADD),
                        ],
                    ),
                    html.Div(
                        className="sf-row",
                        children=[
                            dcc.Input(id=ids.SF_WATCH_REASON, placeholder=t("sf.watch_reason", lang), maxLength=200),
                            dcc.Input(
                                id=ids.SF_WATCH_DAYS, type="number", min=1, max=30, value=7, className="sf-number"
                            ),
                            html.Button(t("sf.watch_add", lang), id=ids.SF_WATCH_ADD),
                        ],
                    ),
                    html.Div(id=ids.SF_SUBJECT_MSG, className="note msg"),
                ],
            ),
        ],
    )


def _lost(lang: str, shown: bool) -> html.Div:
    url = context.database_url()
    pick = {"className": "type-filter", "clearable": False}
    return html.Div(
        id=ids.SF_LOST_BOX,
        className="sf-view" if shown else "sf-view hidden",
        children=[
            html.Div(
                className="sf-form",
                children=[
                    html.Div(t("sf.lost_intake", lang), className="sf-sub"),
                    dcc.Input(id=ids.SF_L_CASE, placeholder=t("sf.case", lang), maxLength=32),
                    html.Div(
                        className="sf-row",
                        children=[
                            dcc.Dropdown(
                                id=ids.SF_L_AGE,
                                value="elderly",
                                options=_options("sf.age", AGE_BANDS, lang),
                                **pick,
                            ),
                            _pick(ids.SF_L_UPPER, "sf.upper", "sf.colour", CLOTHING_COLOURS, lang, pick),
                            _pick(ids.SF_L_LOWER, "sf.lower", "sf.colour", CLOTHING_COLOURS, lang, pick),
                        ],
                    ),
                    _flags(ids.SF_L_FLAGS, lang),
                    html.Div(
                        className="sf-row",
                        children=[
                            dcc.Dropdown(
                                id=ids.SF_L_AREA,
                                placeholder=t("sf.last_place", lang),
                                options=safety_view.places(url),
                                **pick,
                            ),
                            html.Span(t("sf.minutes_ago", lang)),
                            dcc.Input(
                                id=ids.SF_L_MINUTES, type="number", min=0, max=4320, value=30, className="sf-number"
                            ),
                        ],
                    ),
                    html.Div(
                        className="sf-row",
                        children=[
                            dcc.Input(id=ids.SF_L_NAME, placeholder=t("sf.lost_name", lang), maxLength=64),
                            dcc.Input(id=ids.SF_L_GUARDIAN, placeholder=t("sf.guardian", lang), maxLength=64),
                            dcc.Input(id=ids.SF_L_PHONE, placeholder=t("sf.phone", lang), maxLength=32),
                        ],
                    ),
                    html.Button(t("sf.lost_add", lang), id=ids.SF_L_ADD),
                    html.Div(id=ids.SF_L_MSG, className="note msg"),
                ],
            ),
            html.Div(id=ids.SF_L_LIST, className="results short"),
            dcc.Store(id=ids.SF_L_ID),
            html.Div(id=ids.SF_L_DETAIL, className="sf-detail"),
            html.Div(
                className="sf-row",
                children=[
                    html.Button(t("sf.find", lang), id=ids.SF_L_FIND),
                    html.Button(t("sf.dispatch", lang), id=ids.SF_L_DISPATCH),
                    html.Button(t("sf.found", lang), id=ids.SF_L_FOUND),
                    html.Button(t("sf.close", lang), id=ids.SF_L_CLOSE),
                ],
            ),
            html.Div(
                className="sf-row",
                children=[
                    dcc.Input(id=ids.SF_L_REASON, placeholder=t("sf.reason", lang), maxLength=200),
                    html.Button(t("sf.unmask_contact", lang), id=ids.SF_L_UNMASK),
                ],
            ),
            html.Div(id=ids.SF_L_STEP_MSG, className="note msg"),
            html.Div(id=ids.SF_L_CANDIDATES, className="results short"),
        ],
    )


def _watch(lang: str, shown: bool) -> html.Div:
    return html.Div(
        id=ids.SF_WATCH_BOX,
        className="sf-view" if shown else "sf-view hidden",
        children=[
            html.Div(t("sf.watch_note", lang), className="note"),
            html.Div(id=ids.SF_WATCH_LIST, className="results"),
        ],
    )


def _oversight(lang: str, shown: bool) -> html.Div:
    return html.Div(
        id=ids.SF_OVERSIGHT_BOX,
        className="sf-view" if shown else "sf-view hidden",
        children=[
            html.Div(
                className="toolbar",
                children=[
                    dcc.Dropdown(
                        id=ids.SF_MONTH,
                        className="type-filter sf-month",
                        clearable=False,
                        value=oversight.this_month(),
                        options=[{"label": m, "value": m} for m in oversight.recent_months()],
                    ),
                    html.Button(t("sf.csv", lang), id=ids.SF_CSV),
                    html.Button(t("sf.pdf", lang), id=ids.SF_PDF),
                    dcc.Download(id=ids.SF_DOWNLOAD),
                ],
            ),
            html.Div(t("sf.oversight_note", lang), className="note"),
            html.Div(id=ids.SF_OVERSIGHT, className="results"),
        ],
    )


def _map() -> dl.Map:
    return detail_map(
        ids.SF_MAP,
        [
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}),
            dl.LayerGroup(id=ids.SF_AREAS),
            dl.LayerGroup(id=ids.SF_RING),
            dl.GeoJSON(id=ids.SF_PREDICTED, style={"color": PALETTE["amber_bright"], "weight": 2, "fillOpacity": 0.15}),
            dl.GeoJSON(
                id=ids.SF_CAMERAS,
                pointToLayer={"variable": "cockpitMap.status"},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.LayerGroup(id=ids.SF_TRACK),
            dl.LayerGroup(id=ids.SF_LOST_TRACK),
            dl.ScaleControl(),
        ],
    )


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    views = _views(lang)
    first = views[0]["value"] if views else None
    return html.Div(
        className="page page-safety",
        children=[
            html.Div(
                className="col col-left",
                children=[
                    panel(t("sf.kpis", lang), html.Div(id=ids.SF_KPIS, className="kpis"), class_name="fixed"),
                    panel(
                        t("sf.hourly", lang),
                        dcc.Graph(id=ids.SF_CHART, config={"displayModeBar": False}, className="sf-chart"),
                        class_name="fixed",
                    ),
                    panel(t("sf.areas", lang), html.Div(id=ids.SF_AREA_LIST, className="results"), class_name="grow"),
                    panel(
                        t("sf.alarms", lang),
                        html.Div(id=ids.SF_ALARM_MSG, className="note msg"),
                        html.Div(id=ids.SF_ALARMS, className="results"),
                        class_name="grow",
                    ),
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    html.Div(t("sf.generated", lang), className="note"),
                    dcc.Interval(id=ids.SF_REFRESH, interval=30_000),
                    html.Div(className="map-wrap", children=[_map()]),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    dcc.RadioItems(id=ids.SF_VIEW, value=first, inline=True, className="toggle", options=views),
                    _search(lang, first == "search"),
                    _lost(lang, False),
                    _watch(lang, False),
                    _oversight(lang, first == "oversight"),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/safety",
    nav="nav.safety",
    title="sf.title",
    permission="safety.read",
    layout=layout,
    callbacks=callbacks.safety.register,
    ready="#sf-area-list .case-item",
    wall=Wall(wall.public_safety, detail=True),
)
