"""移动端 — the field worker's phone page: their own tasks, most urgent first, with the way to the first; the
steps they report with position and photos (sent by assets/field.js, queued while offline); and problems
they find themselves (直报). One column, large touch targets, usable at 360 px."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.field
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.services.kernel import areas
from cockpit.services.operations import field
from cockpit.services.operations.operations import CATEGORIES
from cockpit.ui import field as ids
from cockpit.ui.kit import panel
from cockpit.vocab import PALETTE


def _map() -> dl.Map:
    url = context.database_url()
    return dl.Map(
        id=ids.FIELD_MAP,
        bounds=field.extent(field.queue(url, auth.worker_name(), None), None) or areas.detail_bounds(url),
        trackViewport=False,
        maxZoom=19,
        zoomSnap=0.25,
        className="cockpit-map field-map",
        children=[
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}, interactive=False),
            dl.GeoJSON(
                id=ids.FIELD_ROUTE, style={"color": PALETTE["accent"], "weight": 5, "opacity": 0.9}, interactive=False
            ),
            dl.GeoJSON(id=ids.FIELD_TASK_LAYER, pointToLayer={"variable": "cockpitMap.case"}),
        ],
    )


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    grid_owned = [c for c, (_, _, owner) in CATEGORIES.items() if owner == "grid"]
    return html.Div(
        className="page page-field",
        children=[
            html.Div(
                className="field-bar",
                children=[
                    html.Strong(auth.display_name()),
                    html.Button(t("field.locate", lang), id=ids.FIELD_LOCATE, className="field-locate"),
                    html.Span(id=ids.FIELD_STATE, className="field-state", **{"aria-live": "polite"}),
                ],
            ),
            _map(),
            html.Div(id=ids.FIELD_TASKS, className="field-tasks"),
            panel(
                t("field.report", lang),
                html.Select(
                    id=ids.FIELD_CATEGORY,
                    className="field-select",
                    children=[html.Option(t(f"cat.{c}", lang), value=c) for c in grid_owned],
                ),
                dcc.Textarea(id=ids.FIELD_REPORT_NOTE, className="field-note", placeholder=t("field.note", lang)),
                html.Label(
                    className="field-file",
                    children=[t("field.photo", lang), html.Span(id=ids.FIELD_REPORT_PHOTO, className="task-photo")],
                ),
                html.Button(t("field.send_report", lang), id=ids.FIELD_REPORT, className="field-big"),
                class_name="field-report-panel",
            ),
            dcc.Store(id=ids.FIELD_POSITION),
            dcc.Store(id=ids.FIELD_SENT),
            dcc.Store(id=ids.FIELD_SHOWN),
        ],
    )


PAGE = Page(
    path="/field",
    nav="nav.field",
    title="field.title",
    permission="field",
    layout=layout,
    callbacks=callbacks.field.register,
    ready="#field-tasks .task-card, #field-tasks .field-empty",
)
