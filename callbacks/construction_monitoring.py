"""Structural monitoring wiring on the construction page: the selected project's sensors (table, map points,
assessment), one sensor's chart, design values saved (the service checks the role and audits), and the daily
report downloaded (audited)."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.i18n import t
from cockpit.inputs import Clicks, ControlValue, Id, Name, Shown
from cockpit.refusal import Refused
from cockpit.services.construction import structural, structural_report, structural_view
from cockpit.services.kernel import clock
from cockpit.services.kernel.geojson import feature_collection
from cockpit.ui import construction as ids
from cockpit.ui.kit import styled
from cockpit.vocab import PALETTE

EMPTY = feature_collection()
FIT_COLOUR = PALETTE["purple"]



def _table(rows: list[dict], lang: str) -> html.Table:
    head = ("point", "item", "latest", "rate", "control", "band")
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"mon.col.{c}", lang)) for c in head])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(r["code"].rsplit("-", 1)[-1]),
                            html.Td(t(f"metric.{r['metric']}", lang)),
                            html.Td(structural_view.shown(r["latest"])),
                            html.Td(structural_view.shown(r["rate"])),
                            html.Td(
                                structural_view.shown(r["control"])
                                + (f" / {structural_view.shown(r['rate_control'])}" if r["rate_control"] else "")
                                + (f" ({t('mon.design', lang)})" if r["design"] else "")
                            ),
                            html.Td(
                                html.Span(
                                    t(f"band.{r['band']}", lang),
                                    className="band-chip",
                                    style={"background": r["colour"]},
                                )
                            ),
                        ]
                    )
                    for r in rows
                ]
            ),
        ]
    )


def _chart(found: dict | None, lang: str) -> go.Figure:
    figure = go.Figure()
    if found is None:
        return styled(figure, None)
    figure.add_trace(
        go.Scatter(
            x=found["dates"],
            y=found["values"],
            mode="lines",
            name=t(f"metric.{found['metric']}", lang),
            line={"color": PALETTE["cyan_light"], "width": 1.5},
        )
    )
    if found["fit"]:
        figure.add_trace(
            go.Scatter(
                x=found["fit"]["dates"],
                y=found["fit"]["values"],
                mode="lines",
                name=t("mon.fit", lang),
                line={"color": FIT_COLOUR, "dash": "dash", "width": 1.5},
            )
        )
    for b in found["bands"]:
        figure.add_hline(
            y=b["value"],
            line={"color": b["colour"], "dash": "dot", "width": 1},
            annotation_text=t(f"band.{b['band']}", lang),
            annotation_font_color=b["colour"],
        )
    if found["reach"]:
        low, mid, high = found["reach"]
        figure.add_vrect(x0=low, x1=high, fillcolor=FIT_COLOUR, opacity=0.18, line_width=0)
        figure.add_vline(x=mid, line={"color": FIT_COLOUR, "width": 1})
    return styled(
        figure,
        None,
        showlegend=True,
        legend={"orientation": "h", "y": 1.12},
        margin={"l": 40, "r": 10, "t": 28, "b": 24},
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.CON_MON_SUMMARY, "children"),
        Output(ids.CON_MON_TABLE, "children"),
        Output(ids.CON_MON_SENSOR, "options"),
        Output(ids.CON_MON_SENSOR, "value"),
        Output(ids.CON_MON_ASSESS, "children"),
        Output(ids.CON_SENSORS, "data"),
        Input(ids.CON_SELECTED, "data"),
        Input(ids.CON_MON_MSG, "children"),
    )
    @guard("construction.read")
    def sensors(selected: Id | None, _msg: Shown):
        lang = context.lang()
        if not selected:
            return t("con.pick", lang), None, [], None, None, EMPTY
        try:
            view = structural.project_view(context.database_url(), int(selected))
        except Refused as error:
            return error.say(lang), None, [], None, None, EMPTY
        rows = structural_view.rows(view)
        if not rows:
            return t("mon.none", lang), None, [], None, None, EMPTY
        summary = (
            t("mon.summary", lang, n=len(rows), band=t(f"band.{view['band']}", lang), alarms=len(view["alarms"]))
            + f" · {t('label.generated', lang)}"
        )
        options = [
            {"label": f"{r['code'].rsplit('-', 1)[-1]} · {t('metric.' + r['metric'], lang)}", "value": r["code"]}
            for r in rows
        ]
        lines = [html.Div(line) for line in structural_view.assessment(rows, view["alarms"], lang)]
        return (
            summary,
            _table(rows, lang),
            options,
            structural_view.first_to_watch(rows),
            lines,
            structural_view.points_geojson(view),
        )

    @app.callback(
        Output(ids.CON_MON_CHART, "figure"),
        Input(ids.CON_MON_SENSOR, "value"),
        State(ids.CON_SELECTED, "data"),
    )
    @guard("construction.read")
    def chart(code: Name | None, selected: Id | None):
        lang = context.lang()
        if not code or not selected:
            return _chart(None, lang)
        try:
            view = structural.project_view(context.database_url(), int(selected))
        except Refused:
            return _chart(None, lang)
        return _chart(structural_view.chart(view, code), lang)

    @app.callback(
        Output(ids.CON_MON_MSG, "children"),
        Input(ids.CON_MON_SAVE, "n_clicks"),
        State(ids.CON_SELECTED, "data"),
        State(ids.CON_MON_TYPE, "value"),
        State(ids.CON_MON_CONTROL, "value"),
        State(ids.CON_MON_RATE, "value"),
        prevent_initial_call=True,
    )
    @guard("construction.read")
    def design(
        _clicks: Clicks | None,
        selected: Id | None,
        kind: Name | None,
        control: ControlValue | None,
        rate: ControlValue | None,
    ):
        lang = context.lang()
        if ctx.triggered_id != ids.CON_MON_SAVE:
            return no_update
        if not selected:
            return t("con.pick", lang)
        if control is None:
            return t("mon.need_control", lang)
        try:
            n = structural.set_design(context.database_url(), current_actor(), int(selected), kind or "", control, rate)
        except Refused as error:
            return error.say(lang)
        return t("mon.saved", lang, n=n, type=t(f"device.{kind}", lang))

    @app.callback(
        Output(ids.CON_MON_DOWNLOAD, "data"),
        Input(ids.CON_MON_REPORT, "n_clicks"),
        State(ids.CON_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard("export")
    def report(_clicks: Clicks | None, selected: Id | None):
        if ctx.triggered_id != ids.CON_MON_REPORT or not selected:
            return no_update
        settings = context.settings()
        lang = context.lang()
        try:
            body = structural_report.daily_pdf(
                settings.database_url,
                current_actor(),
                int(selected),
                lang,
                clock.DEFAULT_ZONE,
                settings.var_dir,
                clock.stored_now(),
            )
        except Refused:
            return no_update
        return dcc.send_bytes(body, f"monitoring_{selected}.pdf")
