"""Overview wiring: city facts and air quality on load and every minute; the drill-down (breadcrumbs, ranking,
areas on the map, trends) for the chosen area and period; map views."""

from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from cockpit import context
from cockpit.auth import guard
from cockpit.i18n import t
from cockpit.inputs import AreaPick, Clicks, Count, Name, ScopeData, Shape, Shown
from cockpit.services.data import air
from cockpit.services.iot import alarm_queue
from cockpit.services.kernel import areas, clock
from cockpit.services.overview import drilldown, overview
from cockpit.ui import overview as ids
from cockpit.ui.kit import alarm_items, clicked_pattern, kpi, number, panel, styled
from cockpit.vocab import PALETTE


def _station(s: dict, hour: datetime, lang: str) -> html.Div:
    if s["aqi"] is None:
        detail = t("overview.no_reading", lang)
    else:
        level = t(f"aqi.{s['level']}", lang)
        primary = " · " + t("pollutant." + s["primary"], lang) if s["primary"] else ""
        detail = level + primary
        age = int((hour - s["measured_at"]).total_seconds() // 3600)
        if age:
            detail += f" · {t('overview.stale', lang, hours=age)}"
    return html.Div(
        className="air-station",
        children=[
            html.Span(className="aqi-dot", style={"backgroundColor": s["color"]}),
            html.Span(s["name"], className="air-name"),
            html.Span(number(s["aqi"]), className="air-aqi", style={"color": s["color"]}),
            html.Span(detail, className="air-detail"),
        ],
    )


def render_air(lang: str) -> list:
    current = air.current_air(context.database_url())
    hour = current["hour"]
    stations = sorted(current["stations"], key=lambda s: -(s["aqi"] or -1))
    return [
        kpi(t("overview.city_aqi", lang), number(current["city_aqi"]), kpi_id="city-aqi"),
        html.Div(
            t("overview.air_replay", lang, hour=clock.show_local(hour, lang), rate=current["rate"])
            if current["rate"]
            else t("overview.air_hour", lang, hour=clock.show_local(hour, lang)),
            className="note",
        ),
        *[_station(s, hour, lang) for s in stations],
    ]


def render_kpis(lang: str) -> list:
    totals = overview.vital_signs(context.database_url()).totals
    return [
        kpi(
            t("overview.devices", lang),
            number(totals["devices"]),
            f"{t('overview.online', lang)} {number(totals['devices_online'])}",
        ),
        kpi(t("overview.components", lang), number(totals["components"]), t("overview.generated", lang)),
        kpi(t("overview.shelters", lang), number(totals["shelter"])),
        kpi(t("overview.hospitals", lang), number(totals["hospital"])),
        kpi(t("overview.metro", lang), number(totals["metro_station"])),
    ]


def _change(value: int | None) -> html.Span | None:
    if not value:
        return None
    return html.Span(f"{value:+d}".replace("-", "−"), className="up" if value > 0 else "down")


def _crumbs(scope: drilldown.Scope, lang: str) -> list:
    """The path from the city to the scope, each step a button back up; the last step is where we are."""
    crumbs = drilldown.breadcrumbs(context.database_url(), scope)
    out: list = []
    for i, (level, code, name) in enumerate(crumbs):
        label = t("app.city", lang) if level == "city" else name
        if i:
            out.append(html.Span("›", className="sep"))
        if i == len(crumbs) - 1:
            out.append(html.Strong(label, className="here"))
        else:
            out.append(html.Button(label, id={"type": ids.CRUMB_PICK, "level": level, "code": code or ""}))
    if scope.level != "city":
        out.append(html.Span(t("drill.generated_note", lang), className="note"))
    return out


def _ranking(rows: list[dict], child: str, lang: str) -> html.Table:
    head = [t(f"drill.level.{child}", lang), *(t(f"drill.{m}", lang) for m in drilldown.MEASURES)]
    body = [
        html.Tr(
            [
                html.Td(html.Button(r["name"], id={"type": ids.AREA_PICK, "code": r["code"]})),
                *(html.Td([number(r[m]), _change(r.get(f"{m}_change"))]) for m in drilldown.MEASURES),
            ],
            className="worst" if r["score"] and r is rows[0] else "",
        )
        for r in rows
    ]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="table")


def _trends(data: dict, lang: str) -> list:
    """Alarms and cases on the city clock; AQI of the real series over the same length of replayed time."""
    axis = {"tickformat": clock.FORMATS[lang]["axis"]}
    events = go.Figure(
        [
            go.Bar(
                x=data["times"],
                y=data["alarms"],
                name=t("drill.alarms_raised", lang),
                marker={"color": PALETTE["red_light"]},
            ),
            go.Bar(
                x=data["times"], y=data["cases"], name=t("drill.cases_filed", lang), marker={"color": PALETTE["accent"]}
            ),
        ]
    )
    styled(
        events,
        150,
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "y": 1.3},
        xaxis=axis,
        yaxis={"rangemode": "tozero", "dtick": 1 if max(data["alarms"] + data["cases"], default=0) < 5 else None},
    )
    air_figure = go.Figure(
        go.Scatter(x=data["air_hours"], y=data["aqi"], mode="lines", line={"color": PALETTE["amber"], "width": 2})
    )
    styled(air_figure, 150, xaxis={"tickformat": clock.FORMATS[lang]["series"], "nticks": 3})
    air_title = t("drill.aqi", lang, n=data["stations"]) if data["stations"] else t("drill.no_station", lang)
    return [
        panel(t("drill.events", lang), dcc.Graph(figure=events, config={"displayModeBar": False})),
        panel(air_title, dcc.Graph(figure=air_figure, config={"displayModeBar": False})),
    ]


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.OVERVIEW_AIR, "children"),
        Output(ids.OVERVIEW_KPIS, "children"),
        Input(ids.OVERVIEW_REFRESH, "n_intervals"),
    )
    @guard("view")
    def refresh(_n: Count | None):
        lang = context.lang()
        return render_air(lang), render_kpis(lang)

    @app.callback(
        Output(ids.OVERVIEW_SCOPE, "data"),
        Input({"type": ids.AREA_PICK, "code": ALL}, "n_clicks"),
        Input({"type": ids.CRUMB_PICK, "level": ALL, "code": ALL}, "n_clicks"),
        Input(ids.OVERVIEW_AREAS, "clickData"),
        State(ids.OVERVIEW_SCOPE, "data"),
        prevent_initial_call=True,
    )
    @guard("view")
    def drill(
        _areas: list[Clicks | None], _crumbs: list[Clicks | None], feature: Shape | None, current: ScopeData | None
    ):
        url = context.database_url()
        scope = drilldown.scope_of(url, (current or {}).get("level"), (current or {}).get("code"))
        clicked = clicked_pattern(AreaPick)
        if clicked and "level" in clicked:
            target = drilldown.scope_of(url, clicked["level"], clicked["code"] or None)
        else:
            code = clicked["code"] if clicked else ((feature or {}).get("properties") or {}).get("code")
            child = scope.child_level
            if not code or child is None:
                return no_update
            target = drilldown.scope_of(url, child, code)
        return {"level": target.level, "code": target.code}

    @app.callback(
        Output(ids.OVERVIEW_CRUMBS, "children"),
        Output(ids.OVERVIEW_RANKING, "children"),
        Output(ids.OVERVIEW_AREAS, "data"),
        Output(ids.OVERVIEW_AREAS, "hideout"),
        Output(ids.OVERVIEW_TRENDS, "children"),
        Input(ids.OVERVIEW_SCOPE, "data"),
        Input(ids.OVERVIEW_PERIOD, "value"),
        Input(ids.OVERVIEW_DATES, "start_date"),
        Input(ids.OVERVIEW_DATES, "end_date"),
        Input(ids.OVERVIEW_REFRESH, "n_intervals"),
    )
    @guard("view")
    def render_scope(
        chosen: ScopeData | None, period: Name | None, start: Name | None, end: Name | None, _minute: Count | None
    ):
        lang, settings = context.lang(), context.settings()
        url = settings.database_url
        scope = drilldown.scope_of(url, (chosen or {}).get("level"), (chosen or {}).get("code"))
        span = drilldown.window(period, start, end, settings.timezone)
        rows = drilldown.ranking(url, scope, span)
        shapes = drilldown.area_map(url, scope, rows)
        trend = drilldown.trends(url, scope, span, settings.timezone)
        child = scope.child_level or scope.level
        return (
            _crumbs(scope, lang),
            _ranking(rows, child, lang),
            shapes,
            {"max": shapes["max"]},
            _trends(trend, lang),
        )

    @app.callback(Output(ids.OVERVIEW_DATES, "style"), Input(ids.OVERVIEW_PERIOD, "value"))
    @guard("view")
    def dates_shown(period: Name | None) -> dict:
        return {} if period == "custom" else {"display": "none"}

    @app.callback(Output(ids.OVERVIEW_ALARMS, "children"), Input("alarm-feed", "data"))
    @guard("view")
    def open_alarms(_feed: Shown):
        newest = alarm_queue.queue(context.database_url(), alarm_queue.Filter(), can_act=False, limit=6)
        return alarm_items(newest, context.lang(), link=True)

    @app.callback(
        Output(ids.OVERVIEW_MAP, "viewport"),
        Input(ids.OVERVIEW_VIEW_CITY, "n_clicks"),
        Input(ids.OVERVIEW_VIEW_DETAIL, "n_clicks"),
        Input(ids.OVERVIEW_SCOPE, "data"),
        prevent_initial_call=True,
    )
    @guard("view")
    def view(_city: Clicks | None, _detail: Clicks | None, chosen: ScopeData | None) -> dict:
        url = context.database_url()
        if ctx.triggered_id == ids.OVERVIEW_VIEW_CITY:
            return {"bounds": areas.city_bounds(url), "transition": "flyToBounds"}
        if ctx.triggered_id == ids.OVERVIEW_VIEW_DETAIL:
            return {"bounds": areas.detail_bounds(url), "transition": "flyToBounds"}
        scope = drilldown.scope_of(url, (chosen or {}).get("level"), (chosen or {}).get("code"))
        return {"bounds": drilldown.bounds(url, scope), "transition": "flyToBounds"}
