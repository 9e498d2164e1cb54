"""城市运行一网统管 — city operations: cases from cameras and component faults on SLA clocks, overdue first,
the whole workflow with its timeline, city vital signs with trends and a hotspot map, exports."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.operations
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page, Wall
from cockpit.services.operations.operations import FLOW
from cockpit.services.overview import wall
from cockpit.ui import operations as ids
from cockpit.ui.kit import detail_map, panel
from cockpit.vocab import PALETTE


def _map() -> dl.Map:
    return detail_map(
        ids.OPS_MAP,
        [
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}, interactive=False),
            dl.GeoJSON(
                url="/geo/grids.json",
                style={"color": PALETTE["violet"], "weight": 1, "fillOpacity": 0.03, "dashArray": "2 3"},
                interactive=False,
            ),
            dl.GeoJSON(
                id=ids.OPS_HOTSPOTS,
                cluster=True,
                pointToLayer={"variable": "cockpitMap.case"},
                clusterToLayer={"variable": "cockpitMap.cluster"},
                onEachFeature={"variable": "cockpitMap.named"},
                superClusterOptions={"radius": 50, "maxZoom": 18},
            ),
            dl.ScaleControl(),
        ],
    )


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    can_act = auth.allowed("case.handle")
    can_export = auth.allowed("export")
    actions = html.Div(
        className="dispatch-actions" if can_act else "dispatch-actions hidden",
        children=[
            dcc.Input(id=ids.OPS_NOTE, placeholder=t("ops.note", lang), className="search", maxLength=500),
            dcc.Input(id=ids.OPS_PHOTO, placeholder=t("ops.photo", lang), className="search", maxLength=200),
            *[
                html.Button(t(f"case.{action}", lang), id={"type": ids.CASE_ACTION, "action": action})
                for action in FLOW
            ],
        ],
    )
    exports = html.Div(
        className="dispatch-actions" if can_export else "dispatch-actions hidden",
        children=[
            html.Button(t("ops.export_cases", lang), id=ids.OPS_EXPORT_CASES),
            html.Button(t("ops.export_xlsx", lang), id=ids.OPS_EXPORT_XLSX),
            html.Button(t("ops.export_stats", lang), id=ids.OPS_EXPORT_STATS),
            html.Button(t("ops.daily_pdf", lang), id=ids.OPS_DAILY),
            dcc.Download(id=ids.OPS_DOWNLOAD),
        ],
    )
    return html.Div(
        className="page page-operations",
        children=[
            dcc.Store(id=ids.OPS_SELECTED),
            html.Div(
                className="col col-left",
                children=[
                    panel(
                        t("ops.cases", lang),
                        dcc.RadioItems(
                            id=ids.OPS_FILTER,
                            value="open",
                            className="toggle",
                            inline=True,
                            options=[
                                {"label": t("ops.open_only", lang), "value": "open"},
                                {"label": t("ops.all", lang), "value": "all"},
                            ],
                        ),
                        html.Div(id=ids.OPS_LIST, className="results"),
                        class_name="grow",
                    ),
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    html.Div(id=ids.OPS_KPIS, className="kpi-row"),
                    html.Div(className="map-wrap", children=[_map()]),
                    html.Div(id=ids.OPS_CHARTS, className="charts"),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    panel(
                        t("ops.detail", lang),
                        actions,
                        html.Div(id=ids.OPS_MSG, className="note msg"),
                        html.Div(id=ids.OPS_DETAIL),
                        class_name="grow",
                    ),
                    panel(t("ops.signs", lang), html.Div(id=ids.OPS_VENUES), exports, class_name="fixed venues"),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/operations",
    nav="nav.operations",
    title="ops.title",
    permission="view",
    layout=layout,
    callbacks=callbacks.operations.register,
    wall=Wall(wall.city_operations, detail=True),
    ready="#ops-kpis .kpi",
)
