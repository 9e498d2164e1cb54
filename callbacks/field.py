"""Field page wiring: the worker's queue and map follow their position, the live clock and their own sent
steps. The steps themselves go through cockpit/api/field.py (assets/field.js), so they work offline."""

from __future__ import annotations

import hashlib

from dash import Dash, Input, Output, State, html, no_update

from cockpit import auth, context
from cockpit.auth import guard
from cockpit.bidi import neutral
from cockpit.i18n import t
from cockpit.inputs import Count, Name, Place, Shown
from cockpit.services.emergency import crew
from cockpit.services.kernel.geojson import feature, feature_collection, point
from cockpit.services.operations import field
from cockpit.ui import field as ids


def _left(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return ""
    minutes = round(abs(seconds) / 60)
    return t("ops.late" if seconds < 0 else "ops.left", lang, minutes=minutes)


def _card(item: dict, lang: str) -> html.Div:
    head = f"{t('cat.' + item['category'], lang)} · {item['code']}"
    where = t("field.away", lang, m=item["distance_m"]) if item["distance_m"] is not None else ""
    step = t("case.status." + item["step"], lang) if item["step"] else t("field.new", lang)
    return html.Div(
        className="task-card" + (" overdue" if item["overdue"] else ""),
        **{"data-case": str(item["id"])},
        children=[
            html.Div(className="task-head", children=[html.Strong(head), html.Span(_left(item["time_left_s"], lang))]),
            html.Div(className="task-meta", children=f"{step} · {where}"),
            html.Textarea(className="task-note", placeholder=t("field.note", lang), maxLength=500),
            html.Label(className="field-file", children=[t("field.photo", lang), html.Span(className="task-photo")]),
            html.Div(
                className="task-actions",
                children=[
                    html.Button(t(f"field.act.{a}", lang), className=f"field-act act-{a}", **{"data-action": a})
                    for a in item["next"]
                ],
            ),
        ],
    )


def _signature(items: list[dict], jobs: list[dict], here: field.Position | None) -> str:
    """What the list shows, minutes rounded to five: redraw only when that changes."""
    shown = [(i["id"], i["step"], i["overdue"], round((i["time_left_s"] or 0) / 300)) for i in items]
    return hashlib.sha256(repr((shown, [(j["id"], j["stage"]) for j in jobs], here)).encode()).hexdigest()


def _job(job: dict, lang: str) -> html.Div:
    """A dispatch of the crew's unit: the incident, its stage, and the stage to report next."""
    incident = job["incident"]
    return html.Div(
        className="task-card crew-card",
        **{"data-dispatch": str(job["id"])},
        children=[
            html.Div(
                className="task-head",
                children=[
                    html.Strong(
                        f"{t('level.' + str(incident['level']), lang)} · {t('incident.' + incident['type'], lang)}"
                    ),
                    html.Span(t("stage." + job["stage"], lang)),
                ],
            ),
            html.Div(className="task-meta", children=neutral(incident["description"])),
            html.Div(className="task-meta", children=t("field.eta", lang, minutes=round(job["eta_s"] / 60))),
            html.Div(
                className="task-actions",
                children=[
                    html.Button(t(f"field.act.stage.{s}", lang), className=f"field-act act-{s}", **{"data-action": s})
                    for s in job["next"]
                ],
            ),
        ],
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.FIELD_TASKS, "children"),
        Output(ids.FIELD_TASK_LAYER, "data"),
        Output(ids.FIELD_ROUTE, "data"),
        Output(ids.FIELD_MAP, "viewport"),
        Output(ids.FIELD_SHOWN, "data"),
        Input(ids.FIELD_POSITION, "data"),
        Input(ids.FIELD_SENT, "data"),
        Input("live-status", "data"),
        State(ids.FIELD_SHOWN, "data"),
    )
    @guard("field")
    def tasks(position: Place | None, _sent: Count | None, _status: Shown, shown: Name | None):
        lang = context.lang()
        here = field.Position(position["lon"], position["lat"]) if position else None
        url = context.database_url()
        items = field.queue(url, auth.worker_name(), here)
        jobs = crew.assignments(url, auth.worker_name())
        drawn = _signature(items, jobs, here)
        if drawn == shown:  # nothing to redraw: a half-typed note stays as it is
            return no_update, no_update, no_update, no_update, no_update
        points = feature_collection([
                point(i["lon"], i["lat"], {"name": i["code"], "status": "dispatched", "overdue": i["overdue"]})
                for i in items
            ])
        way = jobs[0]["route"] if jobs else items[0].get("route") if items else None
        route = (
            feature({"type": "LineString", "coordinates": way}, {})
            if way
            else None
        )
        cards = [_job(j, lang) for j in jobs] + [_card(i, lang) for i in items]
        cards = cards or html.Div(t("field.no_tasks", lang), className="field-empty")
        bounds = field.extent(items, here) if not jobs else field.extent([{**jobs[0]["incident"], "route": way}], here)
        first = shown is None  # the page drew the map on these bounds already; flying before it is ready fails
        viewport = {"bounds": bounds, "transition": "flyToBounds"} if bounds and not first else no_update
        return cards, points, route, viewport, drawn
