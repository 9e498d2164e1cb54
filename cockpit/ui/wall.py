"""The wall view every scenario shows in wall mode (`/wall`, then `?wall=N` on each page): big numbers, the
map, the gravest newest thing by itself, one chart and the alarm ticker. No control, nothing to choose; each page
declares its wall (cockpit.page.Wall) and the factory draws it with this layout."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from cockpit import context
from cockpit.services.kernel import areas
from cockpit.vocab import PALETTE

WALL_VIEW = "wall-view"
WALL_KPIS = "wall-kpis"
WALL_POINTS = "wall-points"
WALL_HIGHLIGHT = "wall-highlight"
WALL_CHART = "wall-chart"
WALL_TICKER = "wall-ticker"
WALL_REFRESH = "wall-refresh"



def _map(detail: bool) -> dl.Map:
    url = context.database_url()
    layers = ["roads", "grids"] if detail else ["districts"]
    styles = {
        "roads": {"variable": "cockpitMap.road"},
        "grids": {"color": PALETTE["violet"], "weight": 1, "fillOpacity": 0.03},
        "districts": {"color": PALETTE["sky"], "weight": 2, "fillColor": PALETTE["navy"], "fillOpacity": 0.35},
    }
    return dl.Map(
        id="wall-map",
        trackViewport=False,
        bounds=areas.detail_bounds(url) if detail else areas.city_bounds(url),
        zoomControl=False,
        dragging=False,
        scrollWheelZoom=False,
        doubleClickZoom=False,
        keyboard=False,
        attributionControl=False,
        preferCanvas=True,
        className="cockpit-map wall-map",
        children=[
            *(dl.GeoJSON(url=f"/geo/{layer}.json", style=styles[layer], interactive=False) for layer in layers),
            dl.GeoJSON(
                id=WALL_POINTS,
                pointToLayer={"variable": "cockpitMap.point"},
                hideout={"radius": 9, "weight": 2, "stroke": PALETTE["white"]},
                interactive=False,
            ),
        ],
    )


def layout(name: str, detail: bool) -> html.Div:
    return html.Div(
        className=f"page page-wall wall-{name}",
        children=[
            dcc.Store(id=WALL_VIEW, data=name),
            html.Div(id=WALL_KPIS, className="wall-kpis"),
            html.Div(
                className="wall-body",
                children=[
                    html.Div(className="map-wrap", children=_map(detail)),
                    html.Div(
                        className="wall-side",
                        children=[
                            html.Div(id=WALL_HIGHLIGHT, className="wall-highlight"),
                            html.Div(id=WALL_CHART, className="wall-chart"),
                        ],
                    ),
                ],
            ),
            html.Div(className="wall-ticker", children=html.Div(id=WALL_TICKER, className="ticker-track")),
            dcc.Interval(id=WALL_REFRESH, interval=30_000),
        ],
    )
