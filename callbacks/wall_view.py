"""Wall view wiring: every scenario's wall draws the view model the wall service decides, on load, every 30 s
and when an alarm changes. Nothing here reacts to the live clock, so an idle wall does not redraw."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from cockpit import context
from cockpit.auth import guard, require
from cockpit.i18n import t
from cockpit.inputs import Count, Name, Shown
from cockpit.services.kernel.geojson import feature_collection, point
from cockpit.services.overview import wall
from cockpit.ui import wall as ids
from cockpit.ui.kit import device_label, severity_badge, styled
from cockpit.vocab import PALETTE

WALL_FONT = 26  # px: read from five metres on a 4K wall


def _highlight(item: dict | None, lang: str) -> list:
    if item is None:
        return [html.Div(t("wall.calm", lang), className="calm")]
    if item["kind"] == "incident":
        head = [
            html.Span(t(f"level.{item['level']}", lang), className=f"lvl lvl-{item['level']}"),
            html.Span(t("incident." + item["type"], lang)),
        ]
        body = [html.Div(item["text"], className="what"), html.Div(item["code"], className="meta")]
    else:
        head = [severity_badge(item["severity"], lang), html.Span(device_label(item["code"], item["device"], lang))]
        body = [html.Div(item["rule"] if lang == "zh" else item["rule_en"], className="what")]
    return [
        html.Div(t("wall.highlight", lang), className="label"),
        html.Div(head, className="head"),
        *body,
        html.Div(context.when(item["at"]), className="meta"),
    ]


def _chart(view: wall.View, lang: str) -> list:
    labels = [t(view.bars_translate + k, lang) if view.bars_translate else k for k, _ in view.bars]
    figure = go.Figure(
        go.Bar(x=[v for _, v in view.bars], y=labels, orientation="h", marker={"color": PALETTE["accent"]})
    )
    styled(
        figure,
        None,
        autosize=True,
        font={"family": "Cockpit Sans, sans-serif", "size": WALL_FONT},
        margin={"l": 260, "r": 30, "t": 10, "b": 60},
        yaxis={"autorange": "reversed", "tickfont": {"size": WALL_FONT}},
        xaxis={
            "tickfont": {"size": WALL_FONT - 2},
            "rangemode": "tozero",
            "tickformat": "d",
            "dtick": 1 if max((v for _, v in view.bars), default=0) <= 10 else None,
        },
    )
    return [
        html.Div(t(view.chart_title, lang), className="label"),
        dcc.Graph(
            figure=figure,
            config={"displayModeBar": False, "staticPlot": True, "responsive": True},
            className="wall-graph",
        ),
    ]


def _ticker(view: wall.View, lang: str) -> list:
    if not view.ticker:
        return [html.Span(t("live.no_alarms", lang), className="ticker-item")]
    items = [
        html.Span(
            [
                severity_badge(a.severity, lang),
                f" {device_label(a.device_code, a.device_name, lang)}"
                f" · {a.rule_name if lang == 'zh' else a.rule_name_en} · {context.when(a.raised_at)}",
            ],
            className="ticker-item",
        )
        for a in view.ticker
    ]
    return items + items  # drawn twice so the loop joins seamlessly


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.WALL_KPIS, "children"),
        Output(ids.WALL_POINTS, "data"),
        Output(ids.WALL_HIGHLIGHT, "children"),
        Output(ids.WALL_CHART, "children"),
        Output(ids.WALL_TICKER, "children"),
        Input(ids.WALL_VIEW, "data"),
        Input(ids.WALL_REFRESH, "n_intervals"),
        Input("alarm-feed", "data"),
    )
    @guard("view")
    def draw(name: Name, _n: Count | None, _feed: Shown):
        lang = context.lang()
        permission, shown = context.wall(name) or context.wall("overview")
        require(permission, f"wall:{name}")
        view = shown.view(context.database_url())
        kpis = [
            html.Div(
                [html.Div(t(k.label, lang), className="label"), html.Div(k.value, className="value")],
                className=f"wall-kpi {k.tone}",
            )
            for k in view.kpis
        ]
        points = feature_collection(
            [point(p["lon"], p["lat"], {"color": p["color"], "name": p["name"]}) for p in view.points]
        )
        return kpis, points, _highlight(view.highlight, lang), _chart(view, lang), _ticker(view, lang)
