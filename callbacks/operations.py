"""City operations wiring: the case list and its filter, the case's workflow actions, vital signs with charts
and the hotspot map, and exports (each export audited)."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import t
from cockpit.inputs import ByAction, Clicks, Id, Name, Shown, Text
from cockpit.services.data import air
from cockpit.services.kernel.geojson import feature_collection, point
from cockpit.services.operations import daily, operations
from cockpit.services.operations.operations import CaseError
from cockpit.ui import operations as ids
from cockpit.ui.kit import clicked_pattern, kpi, number, panel, register_pick, styled
from cockpit.vocab import PALETTE


def _left(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return ""
    minutes = round(abs(seconds) / 60)
    return t("ops.left", lang, minutes=minutes) if seconds >= 0 else t("ops.late", lang, minutes=minutes)


def _bar(data: dict, lang: str, prefix: str | None) -> go.Figure:
    items = sorted(data.items(), key=lambda kv: -kv[1])
    figure = go.Figure(
        go.Bar(
            x=[t(prefix + k, lang) if prefix else k for k, _ in items],
            y=[v for _, v in items],
            marker={"color": PALETTE["accent"]},
        )
    )
    styled(figure, 170)
    return figure


def _photos(photos: list[dict], lang: str) -> html.Div:
    """The field's photos, oldest first, so the verifier compares before and after side by side."""
    return html.Div(
        className="case-photos",
        children=[
            html.A(
                href=p["full"],
                target="_blank",
                title=t("ops.photo_caption", lang, by=neutral(p["by"]), at=context.when(p["at"]))
                + (f" · {t('field.away', lang, m=p['away_m'])}" if p["away_m"] is not None else ""),
                children=html.Img(src=p["thumb"], alt=t("ops.photo_alt", lang)),
            )
            for p in photos
        ],
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.OPS_LIST, "children"),
        Input(ids.OPS_FILTER, "value"),
        Input("live-status", "data"),
        Input(ids.OPS_MSG, "children"),
        Input(ids.OPS_SELECTED, "data"),
    )
    @guard("view")
    def case_list(which: Name | None, _status: Shown, _msg: Shown, selected: Id | None):
        lang = context.lang()
        rows = operations.case_list(context.database_url(), statuses=operations.OPEN if which == "open" else None)[:150]
        if not rows:
            return t("ops.no_cases", lang)
        return [
            html.Button(
                id={"type": ids.CASE_PICK, "id": r["id"]},
                className="case-item"
                + (" overdue" if r["overdue"] else "")
                + (" selected" if r["id"] == selected else ""),
                children=[
                    html.Span(f"{t('cat.' + r['category'], lang)} · {t('case.status.' + r['status'], lang)}"),
                    html.Span(_left(r["time_left_s"], lang), className="left"),
                    html.Span(f"{r['code']} · {r['assignee'] or '—'}", className="note"),
                ],
            )
            for r in rows
        ]

    register_pick(app, ids.OPS_SELECTED, ids.CASE_PICK, "view")

    @app.callback(
        Output(ids.OPS_DETAIL, "children"),
        Input(ids.OPS_SELECTED, "data"),
        Input(ids.OPS_MSG, "children"),
        Input("live-status", "data"),
    )
    @guard("view")
    def detail(selected: Id | None, _msg: Shown, _status: Shown):
        lang = context.lang()
        case = operations.detail(context.database_url(), int(selected)) if selected else None
        if case is None:
            return t("ops.pick", lang)
        return [
            html.Div(
                className="device-head",
                children=[
                    html.Strong(f"{t('cat.' + case['category'], lang)} · {case['code']}"),
                    html.Span(t("case.status." + case["status"], lang)),
                    html.Span(_left(case["time_left_s"], lang), className="late" if case["overdue"] else "ontime"),
                    html.Span(f"{t('ops.assignee', lang)}: {case['assignee'] or '—'}"),
                    html.Span(t("ops.events", lang, n=len(case["events"]))),
                ],
            ),
            _photos(case["photos"], lang),
            html.Ul(
                className="timeline",
                children=[
                    html.Li(
                        className="on_scene" if s["on_time"] is False else "",
                        children=f"{context.when(s['at'])} · {t('case.status.' + s['status'], lang)} · "
                        + neutral(s["actor"])
                        + (f" · {s['note']}" if s["note"] else "")
                        + (f" · {t('ops.photo', lang)} {s['photo']}" if s["photo"] else ""),
                    )
                    for s in case["steps"]
                ],
            ),
        ]

    @app.callback(
        Output(ids.OPS_MSG, "children"),
        Input({"type": ids.CASE_ACTION, "action": ALL}, "n_clicks"),
        State(ids.OPS_SELECTED, "data"),
        State(ids.OPS_NOTE, "value"),
        State(ids.OPS_PHOTO, "value"),
        prevent_initial_call=True,
    )
    @guard("case.handle")
    def act(_clicks: list[Clicks | None], selected: Id | None, note: Text | None, photo: Name | None):
        clicked = clicked_pattern(ByAction)
        if not clicked:
            return no_update
        lang = context.lang()
        if not selected:
            return t("ops.pick", lang)
        try:
            done = operations.transition(
                context.database_url(), current_actor(), int(selected), clicked["action"], note or "", photo or ""
            )
        except CaseError as error:
            return t("ops.refused", lang, reason=error.say(lang))
        return t("ops.done", lang, code=done["code"], status=t("case.status." + done["status"], lang))

    @app.callback(
        Output(ids.OPS_KPIS, "children"),
        Output(ids.OPS_CHARTS, "children"),
        Output(ids.OPS_HOTSPOTS, "data"),
        Output(ids.OPS_VENUES, "children"),
        Input("live-status", "data"),
        Input(ids.OPS_MSG, "children"),
    )
    @guard("view")
    def signs(_status: Shown, _msg: Shown):
        lang = context.lang()
        url = context.database_url()
        s = operations.vital_signs(url)
        city = air.current_air(url)["city_aqi"]
        rate = "—" if s["on_time_rate"] is None else f"{s['on_time_rate'] * 100:.0f}%"
        kpis = [
            kpi(t("ops.open", lang), number(s["open"])),
            kpi(t("ops.overdue", lang), number(s["overdue"])),
            kpi(t("ops.on_time", lang), rate),
            kpi(t("ops.faults", lang), number(operations.component_faults(url))),
            kpi(t("ops.aqi", lang), number(city)),
        ]
        hours = daily.per_hour(s, lang, context.settings().timezone, operations.stored_now())
        trend = go.Figure(go.Bar(x=[h for h, _ in hours], y=[n for _, n in hours], marker={"color": PALETTE["amber"]}))
        styled(trend, 170)
        charts = [
            panel(
                t("ops.by_category", lang),
                dcc.Graph(figure=_bar(s["by_category"], lang, "cat."), config={"displayModeBar": False}),
            ),
            panel(
                t("ops.by_street", lang),
                dcc.Graph(figure=_bar(s["by_street"], lang, None), config={"displayModeBar": False}),
            ),
            panel(t("ops.trend", lang), dcc.Graph(figure=trend, config={"displayModeBar": False})),
        ]
        now = operations.stored_now()
        points = feature_collection(
            [
                point(
                    r["lon"],
                    r["lat"],
                    {
                        "name": f"{t('cat.' + r['category'], lang)} {r['code']}",
                        "priority": r["priority"],
                        "overdue": r["overdue"],
                    },
                )
                for r in operations.case_list(url, now, operations.OPEN)
            ]
        )
        venues = operations.venue_load(url, now, context.settings().timezone)
        table = html.Table(
            className="table",
            children=[
                html.Thead(html.Tr([html.Th(t("ops.venues", lang)), html.Th(""), html.Th("%")])),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td(v["name"]),
                                html.Td(t("venue." + v["kind"], lang)),
                                html.Td(f"{v['load'] * 100:.0f}", className="late" if v["overloaded"] else ""),
                            ]
                        )
                        for v in venues[:8]
                    ]
                ),
            ],
        )
        curve = go.Figure()
        for kind, colour in (
            ("metro_station", PALETTE["accent"]),
            ("park", PALETTE["green"]),
            ("hospital", PALETTE["red_light"]),
        ):
            rows = [v["curve"] for v in venues if v["kind"] == kind]
            if rows:
                curve.add_trace(
                    go.Scatter(
                        x=list(range(24)),
                        y=[sum(c[h] for c in rows) / len(rows) * 100 for h in range(24)],
                        name=t("venue." + kind, lang),
                        line={"color": colour, "width": 1.6},
                    )
                )
        styled(curve, 170, showlegend=True, legend={"orientation": "h", "y": 1.2})
        charts.append(panel(t("ops.venue_trend", lang), dcc.Graph(figure=curve, config={"displayModeBar": False})))
        return kpis, charts, points, table

    @app.callback(
        Output(ids.OPS_DOWNLOAD, "data"),
        Input(ids.OPS_EXPORT_CASES, "n_clicks"),
        Input(ids.OPS_EXPORT_STATS, "n_clicks"),
        Input(ids.OPS_EXPORT_XLSX, "n_clicks"),
        Input(ids.OPS_DAILY, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("export")
    def export(_cases: Clicks | None, _stats: Clicks | None, _xlsx: Clicks | None, _daily: Clicks | None):
        url, lang, zone = context.database_url(), context.lang(), context.settings().timezone
        kind = {
            ids.OPS_EXPORT_CASES: "cases_csv",
            ids.OPS_EXPORT_XLSX: "cases_xlsx",
            ids.OPS_EXPORT_STATS: "stats_csv",
        }.get(ctx.triggered_id, "daily_pdf")
        settings = context.settings()
        name, body = daily.export(
            url, current_actor(), kind, lang, zone, settings.var_dir, settings.anchor_key, settings.anchor_copy
        )
        return dcc.send_bytes(body, name)
