"""城市总览 — the city overview: air quality, vital signs by district and the offline base map."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.overview
from cockpit import context
from cockpit.i18n import t
from cockpit.page import Page, Wall
from cockpit.services.kernel import areas
from cockpit.services.overview import drilldown, wall
from cockpit.ui import overview as ids
from cockpit.ui.kit import panel
from cockpit.vocab import PALETTE

# layer -> (visible at start, style or function, hideout)
POLYGON = {"weight": 1, "fillOpacity": 0.6}
LAYERS = [
    ("districts", True, {"color": PALETTE["sky"], "weight": 1.5, "fillColor": PALETTE["navy"], "fillOpacity": 0.35}),
    ("coverage", True, {"color": PALETTE["amber"], "weight": 1.5, "dashArray": "6 4", "fill": False}),
    ("green", True, POLYGON | {"color": PALETTE["forest"], "fillColor": PALETTE["forest_dark"]}),
    ("water", True, POLYGON | {"color": PALETTE["ocean"], "fillColor": PALETTE["ocean_dark"]}),
    ("buildings", True, POLYGON | {"color": PALETTE["slate_blue"], "fillColor": PALETTE["slate"]}),
    ("roads", True, {"variable": "cockpitMap.road"}),
    ("grids", False, {"color": PALETTE["violet"], "weight": 1, "fillOpacity": 0.05, "dashArray": "2 3"}),
    ("metro", True, {"radius": 3, "color": PALETTE["magenta"]}),
    ("hospitals", True, {"radius": 5, "color": PALETTE["red"], "stroke": PALETTE["white"]}),
    ("shelters", False, {"radius": 3, "color": PALETTE["green"]}),
    ("stations", True, {"radius": 9, "stroke": PALETTE["white"], "weight": 2}),
    ("devices", True, None),
]
POINT_LAYERS = {"metro", "hospitals", "shelters", "stations"}


def _geojson(layer: str, style: dict | None) -> dl.GeoJSON:
    props: dict = {
        "id": f"layer-{layer}",
        "url": f"/geo/{layer}.json",
        "onEachFeature": {"variable": "cockpitMap.named"},
    }
    if layer in POINT_LAYERS:
        props |= {"pointToLayer": {"variable": "cockpitMap.point"}, "hideout": style}
    elif layer == "devices":
        props |= {
            "pointToLayer": {"variable": "cockpitMap.device"},
            "clusterToLayer": {"variable": "cockpitMap.cluster"},
            "cluster": True,
            "zoomToBoundsOnClick": True,
            "superClusterOptions": {"radius": 80, "maxZoom": 17},
        }
    else:
        props["style"] = style
    return dl.GeoJSON(**props)


def _map(lang: str) -> dl.Map:
    overlays = [
        dl.Overlay(_geojson(layer, style), name=t(f"layer.{layer}", lang), checked=visible)
        for layer, visible, style in LAYERS
    ]
    tile_url = context.settings().tile_url
    base = [dl.BaseLayer(dl.TileLayer(url=tile_url), name=t("layer.tiles", lang), checked=True)] if tile_url else []
    return dl.Map(
        id=ids.OVERVIEW_MAP,
        bounds=areas.city_bounds(context.database_url()),
        trackViewport=False,
        minZoom=8,
        maxZoom=19,
        zoomSnap=0.25,
        preferCanvas=True,
        className="cockpit-map",
        children=[
            dl.LayersControl(
                [*base, *overlays],
                collapsed=False,
                id="overview-layers",
                overlays=[t(f"layer.{layer}", lang) for layer, visible, _ in LAYERS if visible],
            ),
            dl.GeoJSON(
                id=ids.OVERVIEW_AREAS,
                style={"variable": "cockpitMap.area"},
                onEachFeature={"variable": "cockpitMap.named"},
                hideout={"max": 0},
            ),
            dl.ScaleControl(),
        ],
    )


def _drill_bar(lang: str) -> html.Div:
    """Breadcrumbs (drawn by the callback) and the period every trend and change is measured over."""
    return html.Div(
        className="drill-bar",
        children=[
            html.Nav(id=ids.OVERVIEW_CRUMBS, className="crumbs", **{"aria-label": t("drill.crumbs", lang)}),
            dcc.RadioItems(
                id=ids.OVERVIEW_PERIOD,
                value="24h",
                inline=True,
                className="toggle",
                options=[{"label": t(f"period.{p}", lang), "value": p} for p in (*drilldown.PERIODS, "custom")],
            ),
            dcc.DatePickerRange(
                id=ids.OVERVIEW_DATES,
                display_format="YYYY-MM-DD",
                className="dates",
                start_date_placeholder_text=t("period.from", lang),
                end_date_placeholder_text=t("period.to", lang),
            ),
        ],
    )


def layout(level: str | None = None, code: str | None = None, **_query: str) -> html.Div:
    lang = context.lang()
    scope = drilldown.scope_of(context.database_url(), level, code)
    return html.Div(
        className="page page-overview",
        children=[
            html.Div(
                className="col col-left",
                children=[
                    panel(t("overview.air", lang), html.Div(id=ids.OVERVIEW_AIR, className="air-list")),
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    html.Div(id=ids.OVERVIEW_KPIS, className="kpi-row"),
                    _drill_bar(lang),
                    html.Div(
                        className="map-wrap",
                        children=[
                            _map(lang),
                            html.Div(
                                className="map-views",
                                children=[
                                    html.Button(t("overview.view_city", lang), id=ids.OVERVIEW_VIEW_CITY),
                                    html.Button(t("overview.view_detail", lang), id=ids.OVERVIEW_VIEW_DETAIL),
                                ],
                            ),
                        ],
                    ),
                    html.Div(id=ids.OVERVIEW_TRENDS, className="trends"),
                    html.Div(t("attr.sources", lang), className="sources"),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    panel(t("live.open_alarms", lang), html.Div(id=ids.OVERVIEW_ALARMS), class_name="alarms-panel"),
                    panel(
                        t("drill.ranking", lang),
                        html.Div(id=ids.OVERVIEW_RANKING, className="ranking"),
                        html.Div(t("drill.change_note", lang), className="note"),
                        class_name="grow ranking-panel",
                    ),
                ],
            ),
            dcc.Store(id=ids.OVERVIEW_SCOPE, data={"level": scope.level, "code": scope.code}),
            dcc.Interval(id=ids.OVERVIEW_REFRESH, interval=60_000),
        ],
    )


PAGE = Page(
    path="/",
    nav="nav.overview",
    title="overview.title",
    permission="view",
    layout=layout,
    callbacks=callbacks.overview.register,
    wall=Wall(wall.overview),
    ready="#overview-kpis .kpi-value",
)
