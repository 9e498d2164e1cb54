"""城域物联感知平台 — IoT sensing: devices by status on the map, search, device drawer with history and
remote control, open alarms with their lifecycle, editable rules and the quarantine."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dash_table, dcc, html

import callbacks.iot
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page, Wall
from cockpit.services.iot import alarm_queue, rulebook
from cockpit.services.iot.alarms import SEVERITIES
from cockpit.services.kernel import areas
from cockpit.services.overview import wall
from cockpit.ui import iot as ids
from cockpit.ui.kit import alarm_type_label, panel, tab
from cockpit.vocab import PALETTE, STRUCTURE_TYPES

DEVICE_TYPES = (
    "air_quality",
    "water_level",
    "manhole_tilt",
    "street_lamp",
    "noise",
    "camera",
    "water_meter",
    "power_meter",
    "gas_meter",
    *STRUCTURE_TYPES,
)
RULE_COLUMNS = ("id", *(f for f in rulebook.FIELDS if f != "name_en"), "enabled")
NUMERIC = ("threshold", "duration_s", "severity", "escalate_after_s")
HEADINGS = {
    "id": "#",
    "name": "col.rule",
    "device_type": "col.device_type",
    "kind": "col.kind",
    "metric": "col.metric",
    "op": "col.op",
    "threshold": "col.threshold",
    "duration_s": "col.duration",
    "severity": "col.severity",
    "escalate_after_s": "col.escalate",
    "enabled": "col.enabled",
}


def _map(lang: str) -> dl.Map:
    layers = [
        dl.Overlay(
            dl.GeoJSON(
                url="/geo/districts.json",
                style={"color": PALETTE["sky"], "weight": 1.5, "fillOpacity": 0.1, "fillColor": PALETTE["navy"]},
            ),
            name=t("layer.districts", lang),
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}),
            name=t("layer.roads", lang),
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(
                url="/geo/buildings.json",
                style={"color": PALETTE["slate_blue"], "weight": 1, "fillColor": PALETTE["slate"], "fillOpacity": 0.6},
            ),
            name=t("layer.buildings", lang),
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(
                id=ids.IOT_DEVICE_LAYER,
                url="/geo/device_status.json",
                cluster=True,
                pointToLayer={"variable": "cockpitMap.status"},
                clusterToLayer={"variable": "cockpitMap.statusCluster"},
                onEachFeature={"variable": "cockpitMap.named"},
                zoomToBoundsOnClick=True,
                superClusterOptions={"radius": 70, "maxZoom": 18},
            ),
            name=t("layer.device_status", lang),
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(
                url="/geo/components.json",
                cluster=True,
                pointToLayer={"variable": "cockpitMap.point"},
                clusterToLayer={"variable": "cockpitMap.cluster"},
                hideout={"radius": 3, "color": PALETTE["mist"]},
                superClusterOptions={"radius": 90, "maxZoom": 19},
            ),
            name=t("layer.components", lang),
            checked=False,
        ),
    ]
    return dl.Map(
        id=ids.IOT_MAP,
        bounds=areas.detail_bounds(context.database_url()),
        trackViewport=False,
        maxZoom=20,
        zoomSnap=0.25,
        preferCanvas=True,
        className="cockpit-map",
        children=[dl.LayersControl(layers, collapsed=True), dl.ScaleControl()],
    )


def _rules_table(lang: str) -> dash_table.DataTable:
    editable = auth.allowed("rules.edit")
    return dash_table.DataTable(
        id=ids.IOT_RULES,
        columns=[
            {
                "id": c,
                "name": t(HEADINGS[c], lang) if c != "id" else "#",
                "editable": editable and c in rulebook.EDITABLE,
                "type": "numeric" if c in NUMERIC else "text",
                **({"presentation": "dropdown"} if c in ("op", "enabled") and editable else {}),
            }
            for c in RULE_COLUMNS
        ],
        dropdown={
            "op": {"options": [{"label": o, "value": o} for o in (">", ">=", "<", "<=")]},
            "enabled": {"options": [{"label": "✓", "value": "true"}, {"label": "✕", "value": "false"}]},
        },
        editable=editable,
        style_as_list_view=True,
        style_table={"overflowX": "auto"},
        style_header={"backgroundColor": PALETTE["night_blue"], "color": PALETTE["steel"], "border": "none"},
        style_cell={
            "backgroundColor": PALETTE["night"],
            "color": PALETTE["ice"],
            "border": "1px solid #1b3658",
            "fontFamily": "inherit",
            "fontSize": "0.78rem",
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
        },
        css=[{"selector": ".Select-menu-outer", "rule": "background: #0c1b2e; color: #d8e6f5;"}],
    )


def _alarm_controls(lang: str) -> html.Div:
    """Sort, filters, search and bulk acknowledgement for the duty officer's queue."""
    can_ack = auth.allowed("alarm.ack")
    return html.Div(
        className="alarm-controls",
        children=[
            dcc.RadioItems(
                id=ids.IOT_ALARM_SORT,
                value="severity",
                inline=True,
                className="toggle",
                options=[{"label": t(f"alarm.sort.{s}", lang), "value": s} for s in alarm_queue.SORTS],
            ),
            dcc.Checklist(
                id=ids.IOT_ALARM_SEVERITY,
                value=[],
                inline=True,
                className="toggle sev-filter",
                options=[{"label": t(f"severity.{s}", lang), "value": s} for s in SEVERITIES],
            ),
            dcc.Checklist(
                id=ids.IOT_ALARM_STATUS,
                value=["new", "acknowledged"],
                inline=True,
                className="toggle",
                options=[{"label": t(f"alarm.status.{s}", lang), "value": s} for s in alarm_queue.STATUSES],
            ),
            dcc.Dropdown(
                id=ids.IOT_ALARM_TYPE,
                multi=True,
                placeholder=t("alarm.all_types", lang),
                className="type-filter",
                options=[
                    {"label": alarm_type_label(k, lang), "value": k}
                    for k in alarm_queue.alarm_types(context.database_url())
                ],
            ),
            dcc.Input(
                id=ids.IOT_ALARM_TEXT,
                placeholder=t("alarm.search", lang),
                debounce=0.3,
                className="search",
                maxLength=64,
            ),
            html.Div(
                className="dispatch-actions" if can_ack else "dispatch-actions hidden",
                children=dcc.ConfirmDialogProvider(
                    html.Button(t("alarm.ack_all", lang), className="primary"),
                    id=ids.IOT_ALARM_ACK_ALL,
                    message=t("alarm.ack_all_confirm", lang),
                ),
            ),
        ],
    )


def layout(device: str | None = None, **_query: str) -> html.Div:
    lang = context.lang()
    return html.Div(
        className="page page-iot",
        children=[
            dcc.Store(id=ids.IOT_SELECTED, data=device[:32] if isinstance(device, str) else None),
            html.Div(
                className="col col-left",
                children=[
                    panel(t("iot.status", lang), html.Div(id=ids.IOT_KPIS, className="kpi-grid"), class_name="fixed"),
                    panel(
                        t("iot.search", lang),
                        dcc.Input(
                            id=ids.IOT_SEARCH, placeholder=t("iot.search", lang), debounce=0.3, className="search"
                        ),
                        dcc.Dropdown(
                            id=ids.IOT_TYPE,
                            options=[{"label": t(f"device.{k}", lang), "value": k} for k in DEVICE_TYPES],
                            placeholder=t("iot.all_types", lang),
                            className="type-filter",
                        ),
                        html.Div(id=ids.IOT_RESULTS, className="results"),
                        class_name="grow",
                    ),
                ],
            ),
            html.Div(
                className="col col-center",
                children=[
                    html.Div(className="map-wrap", children=[_map(lang)]),
                    dcc.Tabs(
                        id=ids.IOT_TABS,
                        value="device",
                        className="tabs",
                        content_className="tab-content",
                        children=[
                            tab(
                                t("iot.device", lang),
                                [
                                    html.Div(id=ids.IOT_DEVICE, children=t("iot.pick_device", lang)),
                                    html.Div(id=ids.IOT_COMMAND_MSG, className="note"),
                                ],
                                value="device",
                            ),
                            tab(
                                t("iot.rules", lang),
                                [
                                    html.Div(t("iot.rules_note", lang), className="note"),
                                    _rules_table(lang),
                                    html.Div(id=ids.IOT_RULE_MSG, className="note"),
                                ],
                                value="rules",
                            ),
                            tab(
                                t("iot.quarantine", lang),
                                [
                                    html.Div(t("iot.quarantine_note", lang), className="note"),
                                    html.Div(id=ids.IOT_QUARANTINE),
                                ],
                                value="quarantine",
                            ),
                        ],
                    ),
                ],
            ),
            html.Div(
                className="col col-right",
                children=[
                    panel(
                        t("alarm.queue", lang),
                        _alarm_controls(lang),
                        html.Div(id=ids.IOT_ALARM_MSG, className="note"),
                        html.Div(id=ids.IOT_ALARMS, className="results"),
                        class_name="grow",
                    ),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/platform/iot",
    nav="nav.iot",
    title="iot.title",
    permission="view",
    layout=layout,
    callbacks=callbacks.iot.register,
    wall=Wall(wall.iot_sensing, detail=True),
    ready="#iot-kpis .kpi",
)
