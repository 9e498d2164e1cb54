"""The construction page's structural monitoring pane: the project's sensors with their bands, one sensor's
series against its bands with the forecast, the assessment, the design values (for those who may edit a
project) and the daily report (for those who may export)."""

from __future__ import annotations

from dash import dcc, html

from cockpit import auth
from cockpit.i18n import t
from cockpit.ui import construction as ids
from cockpit.vocab import STRUCTURE_TYPES


def _design(lang: str) -> html.Div:
    return html.Div(
        className="dispatch-actions mon-design" + ("" if auth.allowed("construction.edit") else " hidden"),
        children=[
            html.Span(t("mon.design_values", lang), className="k"),
            dcc.Dropdown(
                id=ids.CON_MON_TYPE,
                options=[{"label": t(f"device.{d}", lang), "value": d} for d in STRUCTURE_TYPES],
                value="settlement",
                clearable=False,
                className="type-filter mon-type",
            ),
            dcc.Input(id=ids.CON_MON_CONTROL, type="number", min=0, placeholder=t("mon.control", lang)),
            dcc.Input(id=ids.CON_MON_RATE, type="number", min=0, placeholder=t("mon.rate_control", lang)),
            html.Button(t("mon.save_design", lang), id=ids.CON_MON_SAVE),
        ],
    )


def monitoring_pane(lang: str) -> html.Div:
    return html.Div(
        id=ids.CON_MON,
        className="monitoring hidden",
        children=[
            html.Div(id=ids.CON_MON_SUMMARY, className="note"),
            html.Div(
                className="mon-body",
                children=[
                    html.Div(id=ids.CON_MON_TABLE, className="mon-table"),
                    html.Div(
                        className="mon-chart",
                        children=[
                            dcc.Dropdown(
                                id=ids.CON_MON_SENSOR,
                                clearable=False,
                                placeholder=t("mon.pick", lang),
                                className="type-filter",
                            ),
                            dcc.Graph(id=ids.CON_MON_CHART, config={"displayModeBar": False}, className="mon-graph"),
                        ],
                    ),
                ],
            ),
            html.Div(id=ids.CON_MON_ASSESS, className="mon-assess"),
            _design(lang),
            html.Div(
                className="dispatch-actions",
                children=[
                    html.Button(
                        t("mon.report", lang),
                        id=ids.CON_MON_REPORT,
                        className=None if auth.allowed("export") else "hidden",
                    ),
                    dcc.Download(id=ids.CON_MON_DOWNLOAD),
                ],
            ),
            html.Div(id=ids.CON_MON_MSG, className="note msg"),
        ],
    )
