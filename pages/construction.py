"""项目建设全程可视 — construction projects from approval to operation: the city's portfolio on a map with its
delays and budgets, one project's schedule as a Gantt chart (baseline against forecast, critical path by CPM,
slips), MS Project XML in and out, and the sunlight analysis of its design against the homes around it."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.construction
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.services.cim import sightline
from cockpit.services.cim.sunlight import RULE_DAYS
from cockpit.ui import construction as ids
from cockpit.ui.kit import detail_map, panel
from pages.construction_monitoring import monitoring_pane


def _map() -> dl.Map:
    return detail_map(
        ids.CON_MAP,
        [
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}, interactive=False),
            dl.GeoJSON(
                id=ids.CON_CORRIDORS,
                data=sightline.geojson(context.database_url()),
                style={"variable": "cockpitMap.conCorridor"},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.GeoJSON(id=ids.CON_SHADOWS, style={"variable": "cockpitMap.conShadow"}, interactive=False),
            dl.GeoJSON(
                id=ids.CON_HOMES,
                style={"variable": "cockpitMap.conHome"},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.GeoJSON(
                id=ids.CON_SITES,
                style={"variable": "cockpitMap.conSite"},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.GeoJSON(id=ids.CON_DESIGN, style={"variable": "cockpitMap.conDesign"}, interactive=False),
            dl.GeoJSON(
                id=ids.CON_SENSORS,
                pointToLayer={"variable": "cockpitMap.conSensor"},
                onEachFeature={"variable": "cockpitMap.named"},
            ),
            dl.ScaleControl(),
        ],
    )


def _schedule_actions(lang: str) -> html.Div:
    edit = auth.allowed("construction.edit")
    return html.Div(
        className="dispatch-actions",
        children=[
            html.Button(
                t("con.export_xml", lang),
                id=ids.CON_EXPORT,
                className=None if auth.allowed("export") else "hidden",
            ),
            dcc.Download(id=ids.CON_DOWNLOAD),
            dcc.Upload(
                id=ids.CON_UPLOAD,
                max_size=700_000,
                accept=".xml,application/xml,text/xml",
                className="upload-box" if edit else "upload-box hidden",
                children=html.Span(t("con.import_xml", lang)),
            ),
            html.Button(t("con.baseline", lang), id=ids.CON_BASELINE, className=None if edit else "hidden"),
        ],
    )


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    return html.Div(
        className="page page-construction",
        children=[
            dcc.Store(id=ids.CON_SELECTED),
            html.Div(
                className="col col-left",
                children=[
                    panel(
                        t("con.portfolio", lang),
                        html.Div(id=ids.CON_KPIS, className="kpis"),
                        html.Div(id=ids.CON_STAGES),
                        class_name="fixed",
                    ),
                    panel(t("con.ranking", lang), html.Div(id=ids.CON_RANKING, className="results"), class_name="grow"),
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    html.Div(className="map-wrap", children=[_map()]),
                    dcc.RadioItems(
                        id=ids.CON_VIEW,
                        value="gantt",
                        inline=True,
                        className="toggle",
                        options=[
                            {"label": t(f"con.view.{v}", lang), "value": v} for v in ("gantt", "playback", "monitoring")
                        ],
                    ),
                    html.Div(
                        className="gantt-wrap",
                        children=[
                            html.Div(
                                id=ids.CON_GANTT_BOX,
                                className="gantt",
                                children=dcc.Graph(
                                    id=ids.CON_GANTT, config={"displayModeBar": False}, className="gantt"
                                ),
                            ),
                            html.Div(
                                id=ids.CON_PLAY,
                                className="playback hidden",
                                children=[
                                    dcc.Slider(id=ids.CON_PLAY_AT, min=0, max=1, step=1, value=0, marks=None),
                                    html.Div(id=ids.CON_PLAY_STATE, className="note"),
                                    html.Div(
                                        className="play-stage",
                                        children=[
                                            html.Div(id=ids.CON_PLAY_A, className="cim-canvas"),
                                            html.Div(id=ids.CON_PLAY_B, className="cim-canvas"),
                                        ],
                                    ),
                                ],
                            ),
                            monitoring_pane(lang),
                        ],
                    ),
                    dcc.Store(id=ids.CON_PLAY_SPEC),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    panel(
                        t("con.detail", lang),
                        html.Div(id=ids.CON_DETAIL, children=t("con.pick", lang)),
                        html.Div(id=ids.CON_SLIPS),
                        _schedule_actions(lang),
                        html.Div(id=ids.CON_MSG, className="note msg"),
                        class_name="grow",
                    ),
                    panel(
                        t("con.sunlight", lang),
                        dcc.RadioItems(
                            id=ids.CON_DAY,
                            value="dahan",
                            inline=True,
                            className="toggle",
                            options=[{"label": t(f"con.day.{d}", lang), "value": d} for d in RULE_DAYS],
                        ),
                        html.Div(
                            className="dispatch-actions",
                            children=html.Button(t("con.sun_run", lang), id=ids.CON_SUN_RUN),
                        ),
                        html.Div(id=ids.CON_SUN_RESULT, className="results"),
                        class_name="grow",
                    ),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/construction",
    nav="nav.construction",
    title="con.title",
    permission="construction.read",
    layout=layout,
    callbacks=callbacks.construction.register,
    ready="#con-ranking .case-item",
)
