"""Overview wiring: vital signs and air quality on load and every minute; map view buttons."""

from __future__ import annotations

from datetime import datetime

from dash import Dash, Input, Output, ctx, html

from cockpit import context, ids
from cockpit.auth import guard
from cockpit.i18n import t
from cockpit.services import air, alarm_queue, basemap, clock, overview
from cockpit.ui import alarm_items, kpi, number

VIEWS = {ids.OVERVIEW_VIEW_CITY: basemap.BEIJING_BOUNDS, ids.OVERVIEW_VIEW_DETAIL: basemap.DETAIL_BOUNDS}


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
    current = air.current_air(context.settings().database_url)
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


def render_vitals(lang: str) -> tuple[list, html.Table]:
    signs = overview.vital_signs(context.settings().database_url)
    totals = signs.totals
    kpis = [
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
    head = html.Tr(
        [
            html.Th(t(k, lang))
            for k in (
                "overview.district",
                "overview.devices",
                "overview.shelters",
                "overview.hospitals",
                "overview.metro",
            )
        ]
    )
    body = [
        html.Tr(
            [
                html.Td(r["name"]),
                html.Td(number(r["devices"])),
                html.Td(number(r["shelters"])),
                html.Td(number(r["hospitals"])),
                html.Td(number(r["metro"])),
            ]
        )
        for r in signs.by_district
    ]
    note = t("overview.scale", lang, scale=signs.meta.get("sample_scale", "—"), seed=signs.meta.get("sample_seed", "—"))
    table = html.Div(
        [html.Table([html.Thead(head), html.Tbody(body)], className="table"), html.Div(note, className="note")]
    )
    return kpis, table


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.OVERVIEW_AIR, "children"),
        Output(ids.OVERVIEW_KPIS, "children"),
        Output(ids.OVERVIEW_DISTRICTS, "children"),
        Input(ids.OVERVIEW_REFRESH, "n_intervals"),
    )
    @guard("view")
    def refresh(_n: int | None):
        lang = context.lang()
        kpis, table = render_vitals(lang)
        return render_air(lang), kpis, table

    @app.callback(Output(ids.OVERVIEW_ALARMS, "children"), Input("alarm-feed", "data"))
    @guard("view")
    def open_alarms(_feed: dict | None):
        newest = alarm_queue.queue(context.settings().database_url, alarm_queue.Filter(), can_act=False, limit=6)
        return alarm_items(newest, context.lang(), link=True)

    @app.callback(
        Output(ids.OVERVIEW_MAP, "viewport"),
        Input(ids.OVERVIEW_VIEW_CITY, "n_clicks"),
        Input(ids.OVERVIEW_VIEW_DETAIL, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("view")
    def view(_city: int | None, _detail: int | None) -> dict:
        return {"bounds": VIEWS[ctx.triggered_id], "transition": "flyToBounds"}
