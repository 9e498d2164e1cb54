"""Construction wiring: the portfolio (KPIs, stages, the delay ranking, sites on the map), one project (facts,
stage dates, height against the plan, Gantt chart, slips), MS Project XML out (audited) and in (the service
checks the role), the baseline frozen, and the sunlight analysis drawn on the map."""

from __future__ import annotations

from datetime import date, timedelta

import dash
import plotly.graph_objects as go
import shapely
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from callbacks import construction_monitoring
from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import TABLE, t
from cockpit.inputs import Clicks, Count, Id, Name, Shown, UploadedFile
from cockpit.refusal import Refused
from cockpit.services.cim import cim_view
from cockpit.services.construction import construction_view, projects
from cockpit.services.kernel.geojson import feature_collection
from cockpit.ui import construction as ids
from cockpit.ui.kit import kpi, number, register_pick, styled, uploaded
from cockpit.vocab import PALETTE, PROJECT_STAGE_COLOURS, PROJECT_STAGES, STRUCTURE_BAND_COLOURS

GANTT_COLOURS = {
    "done": PALETTE["green"],
    "critical": PALETTE["red"],
    "late": PALETTE["orange"],
    "planned": PALETTE["blue"],
}
EMPTY = feature_collection()


def _stages(found: dict, lang: str) -> html.Div:
    total = max(1, sum(found["by_stage"].values()))
    return html.Div(
        className="stage-bars",
        children=[
            html.Div(
                className="stage-bar",
                children=[
                    html.Span(t(f"con.stage.{s}", lang), className="k"),
                    html.Span(
                        className="bar",
                        style={"width": f"{100 * n / total:.0f}%", "background": PROJECT_STAGE_COLOURS[s]},
                    ),
                    html.Span(str(n)),
                ],
            )
            for s, n in found["by_stage"].items()
        ],
    )


def _ranking(found: dict, selected: int | None, lang: str) -> list:
    return [
        html.Button(
            id={"type": ids.CON_PICK, "id": r["id"]},
            className="case-item" + (" selected" if r["id"] == selected else ""),
            children=[
                html.Span(neutral(r["name"])),
                html.Span(
                    t("con.delay", lang, days=r["delay_days"]) if r["delay_days"] > 0 else t("con.on_time", lang),
                    className="left" if r["delay_days"] > 0 else "note",
                ),
                html.Span(
                    [
                        f"{t('con.stage.' + r['stage'], lang)} · {t('con.done', lang, pct=round(100 * r['done']))} · "
                        f"{t('con.budget_used', lang, pct=round(100 * r['budget_used']))}"
                        + (f" · {t('label.generated', lang)}" if r["generated"] else ""),
                        html.Span(
                            t("con.structural_band", lang, band=t(f"band.{r['band']}", lang)),
                            className="band-chip",
                            style={"background": STRUCTURE_BAND_COLOURS[r["band"]]},
                        )
                        if r["band"] != "normal"
                        else None,
                    ],
                    className="note",
                ),
            ],
        )
        for r in found["projects"]
    ]


def _task_name(code: str, name: str, lang: str) -> str:
    """A template task in the viewer's language; an imported one as its schedule names it."""
    key = f"task.{code}"
    return t(key, lang) if key in TABLE and TABLE[key][0] == name else name


def _gantt(schedule: dict, lang: str) -> go.Figure:
    rows = construction_view.gantt_rows(schedule)
    names = [_task_name(r["code"], r["name"], lang) for r in rows]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            name=t("con.baseline_bar", lang),
            y=names,
            base=[r["baseline"][0] for r in rows],
            x=[_ms(*r["baseline"]) for r in rows],
            orientation="h",
            marker={"color": "rgba(160,170,190,0.35)"},
            width=0.8,
        )
    )
    figure.add_trace(
        go.Bar(
            name=t("con.forecast_bar", lang),
            y=names,
            base=[r["forecast"][0] for r in rows],
            x=[_ms(*r["forecast"]) for r in rows],
            orientation="h",
            marker={"color": [GANTT_COLOURS[r["state"]] for r in rows]},
            width=0.45,
            customdata=[[t(f"con.state.{r['state']}", lang), r["float_days"]] for r in rows],
            hovertemplate="%{y}: %{base|%Y-%m-%d} → %{customdata[0]} · "
            + t("con.float", lang)
            + " %{customdata[1]}<extra></extra>",
        )
    )
    figure.add_vline(x=schedule["status_date"], line={"color": PALETTE["amber"], "dash": "dot", "width": 1})
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(type="date")
    return styled(
        figure,
        None,
        barmode="overlay",
        showlegend=True,
        legend={"orientation": "h", "y": 1.08},
        margin={"l": 110, "r": 10, "t": 24, "b": 24},
    )


def _ms(start: str | None, finish: str | None) -> float:
    if not start or not finish:
        return 0.0
    return (date.fromisoformat(finish) - date.fromisoformat(start)).days * 86_400_000


def _facts(found: dict, lang: str) -> list:
    height = (
        t("con.height_ok", lang, m=found["height_m"], most=found["height_max"])
        if found["height_ok"]
        else t("con.height_over", lang, m=found["height_m"], most=found["height_max"])
        if found["height_ok"] is False
        else t("con.height_free", lang, m=found["height_m"])
    )
    rows = [
        (t("con.code", lang), found["code"] + (f" · {t('label.generated', lang)}" if found["generated"] else "")),
        (t("con.kind", lang), t(f"con.kind.{found['kind']}", lang)),
        (t("con.owner", lang), found["owner"]),
        (t("con.contractor", lang), found["contractor"]),
        (
            t("con.budget", lang),
            t("con.money", lang, budget=number(found["budget_wan"]), spent=number(found["spent_wan"])),
        ),
        (t("con.finish", lang), t("con.finishes", lang, finish=found["finish"], baseline=found["baseline_finish"])),
        (t("con.height", lang), height),
        (t("con.sightline", lang), _sightlines(found["sightlines"], lang)),
    ]
    stages = [
        html.Li(
            className="reached" if s in found["stage_dates"] else "ahead",
            children=f"{t('con.stage.' + s, lang)} {found['stage_dates'].get(s, '')}",
        )
        for s in PROJECT_STAGES
    ]
    return [
        html.H3(neutral(found["name"])),
        *[
            html.Div(className="kv", children=[html.Span(k, className="k"), html.Span(neutral(str(v)))])
            for k, v in rows
        ],
        html.Ol(className="stage-line", children=stages),
    ]


def _sightlines(found: list[dict], lang: str) -> str:
    if not found:
        return t("con.sight_none", lang)
    return "；".join(
        t(
            "con.sight_ok" if s["passes"] else "con.sight_over",
            lang,
            code=s["code"],
            park=s["park"],
            landmark=s["landmark"],
            m=s["height_m"],
            most=s["allowed_m"],
        )
        for s in found
    )


def _slips(found: dict, lang: str) -> html.Div:
    slips = found["slips"]
    if not slips:
        return html.Div(t("con.no_slips", lang), className="note")
    return html.Div(
        className="slip-alerts",
        children=[html.H4(t("con.slips", lang, n=len(slips)))]
        + [
            html.Div(
                t("con.slip", lang, task=_task_name(s["code"], s["name"], lang), days=s["days"]), className="alert-line"
            )
            for s in slips
        ],
    )


def register(app: Dash) -> None:
    construction_monitoring.register(app)

    @app.callback(
        Output(ids.CON_KPIS, "children"),
        Output(ids.CON_STAGES, "children"),
        Output(ids.CON_RANKING, "children"),
        Output(ids.CON_SITES, "data"),
        Input(ids.CON_SELECTED, "data"),
        Input(ids.CON_MSG, "children"),
    )
    @guard("construction.read")
    def portfolio(selected: Id | None, _msg: Shown):
        lang = context.lang()
        found = projects.portfolio(context.database_url())
        used = found["spent_wan"] / found["budget_wan"] if found["budget_wan"] else 0
        kpis = [
            kpi(t("con.projects", lang), str(len(found["projects"]))),
            kpi(t("con.budget_total", lang), f"{found['budget_wan'] / 10_000:,.1f}", t("con.yi", lang)),
            kpi(t("con.spent", lang), f"{100 * used:.0f}%"),
            kpi(t("con.late", lang), str(found["late"])),
            kpi(t("con.slip_count", lang), str(found["slips"])),
            kpi(t("con.structural", lang), str(found["structural"])),
        ]
        sites = construction_view.sites_geojson(context.database_url(), found["projects"], selected)
        return kpis, _stages(found, lang), _ranking(found, selected, lang), sites

    register_pick(app, ids.CON_SELECTED, ids.CON_PICK, "construction.read", layer=ids.CON_SITES)

    @app.callback(
        Output(ids.CON_DETAIL, "children"),
        Output(ids.CON_SLIPS, "children"),
        Output(ids.CON_GANTT, "figure"),
        Output(ids.CON_DESIGN, "data"),
        Output(ids.CON_MAP, "viewport"),
        Output(ids.CON_HOMES, "data"),
        Output(ids.CON_SHADOWS, "data"),
        Output(ids.CON_SUN_RESULT, "children"),
        Input(ids.CON_SELECTED, "data"),
        Input(ids.CON_MSG, "children"),
    )
    @guard("construction.read")
    def detail(selected: Id | None, _msg: Shown):
        lang = context.lang()
        if not selected:
            return t("con.pick", lang), None, styled(go.Figure(), None), EMPTY, no_update, EMPTY, EMPTY, None
        try:
            found = projects.detail(context.database_url(), int(selected))
        except Refused as error:
            return error.say(lang), None, no_update, EMPTY, no_update, EMPTY, EMPTY, None
        west, south, east, north = shapely.bounds(shapely.geometry.shape(found["site"]))
        pad = 0.004
        viewport = {"bounds": [[south - pad, west - pad], [north + pad, east + pad]], "transition": "flyToBounds"}
        figure = _gantt(found["schedule"], lang)
        return _facts(found, lang), _slips(found, lang), figure, found["design"], viewport, EMPTY, EMPTY, None

    @app.callback(
        Output(ids.CON_HOMES, "data", allow_duplicate=True),
        Output(ids.CON_SHADOWS, "data", allow_duplicate=True),
        Output(ids.CON_SUN_RESULT, "children", allow_duplicate=True),
        Input(ids.CON_SUN_RUN, "n_clicks"),
        State(ids.CON_SELECTED, "data"),
        State(ids.CON_DAY, "value"),
        prevent_initial_call=True,
    )
    @guard("construction.read")
    def sunlight(_run: Clicks | None, selected: Id | None, day: Name | None):
        lang = context.lang()
        if not selected:
            return no_update, no_update, t("con.pick", lang)
        try:
            found = projects.sunlight(context.database_url(), int(selected), day or "dahan")
        except Refused as error:
            return no_update, no_update, error.say(lang)
        homes, shadows = construction_view.sunlight_geojson(found)
        lines = [
            html.Div(
                className=f"sun-home {h['verdict']}",
                children=t(
                    f"con.sun.{h['verdict']}",
                    lang,
                    name=h["name"] or f"#{h['id']}",
                    before=h["hours_without"],
                    after=h["hours_with"],
                    lost=h["windows_lost"],
                ),
            )
            for h in found["homes"][:30]
        ]
        summary = t(
            "con.sun_summary",
            lang,
            day=t(f"con.day.{found['day']}", lang),
            needed=found["needed_h"],
            homes=len(found["homes"]),
            caused=found["caused"],
            already=found["already"],
            windows=found["samples"],
        )
        return homes, shadows, [html.Div(summary, className="note"), *lines]

    @app.callback(
        Output(ids.CON_MSG, "children"),
        Input(ids.CON_UPLOAD, "contents"),
        Input(ids.CON_BASELINE, "n_clicks"),
        State(ids.CON_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard("construction.read")
    def change(contents: UploadedFile | None, _baseline: Clicks | None, selected: Id | None):
        lang = context.lang()
        if ctx.triggered_id not in (ids.CON_UPLOAD, ids.CON_BASELINE):
            return no_update
        if not selected:
            return t("con.pick", lang)
        try:
            if ctx.triggered_id == ids.CON_BASELINE:
                projects.freeze_baseline(context.database_url(), current_actor(), int(selected))
                return t("con.baseline_frozen", lang)
            body = uploaded(contents)
            if body is None:
                return t("err.schedule.bad_file", lang, why="base64")
            n = projects.import_schedule(context.database_url(), current_actor(), int(selected), body)
        except Refused as error:
            return error.say(lang)
        return t("con.imported", lang, n=n)

    @app.callback(
        Output(ids.CON_DOWNLOAD, "data"),
        Input(ids.CON_EXPORT, "n_clicks"),
        State(ids.CON_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard("export")
    def export(_clicks: Clicks | None, selected: Id | None):
        if ctx.triggered_id != ids.CON_EXPORT or not selected:
            return no_update
        try:
            body = projects.export_schedule(context.database_url(), current_actor(), int(selected))
        except Refused:
            return no_update
        return dcc.send_bytes(body, f"schedule_{selected}.xml")

    @app.callback(
        Output(ids.CON_GANTT_BOX, "className"),
        Output(ids.CON_PLAY, "className"),
        Output(ids.CON_MON, "className"),
        Input(ids.CON_VIEW, "value"),
    )
    @guard("construction.read")
    def view(chosen: Name | None):
        shown = chosen if chosen in ("playback", "monitoring") else "gantt"
        return tuple(
            name if shown == view_name else f"{name} hidden"
            for name, view_name in (("gantt", "gantt"), ("playback", "playback"), ("monitoring", "monitoring"))
        )

    @app.callback(
        Output(ids.CON_PLAY_AT, "max"),
        Output(ids.CON_PLAY_AT, "value"),
        Output(ids.CON_PLAY_AT, "marks"),
        Input(ids.CON_SELECTED, "data"),
    )
    @guard("construction.read")
    def play_range(selected: Id | None):
        if not selected:
            return 1, 0, None
        try:
            schedule = projects.schedule_view(context.database_url(), int(selected))
        except Refused:
            return 1, 0, None
        start = date.fromisoformat(schedule["start"])
        last = max(1, (date.fromisoformat(schedule["finish"]) - start).days)
        today = min(last, max(0, (date.fromisoformat(schedule["status_date"]) - start).days))
        marks = {0: schedule["start"], today: schedule["status_date"], last: schedule["finish"]}
        return last, today, marks

    @app.callback(
        Output(ids.CON_PLAY_SPEC, "data"),
        Output(ids.CON_PLAY_STATE, "children"),
        Input(ids.CON_PLAY_AT, "value"),
        Input(ids.CON_VIEW, "value"),
        State(ids.CON_SELECTED, "data"),
    )
    @guard("construction.read")
    def playback(day: Count | None, chosen: Name | None, selected: Id | None):
        lang = context.lang()
        if chosen != "playback" or not selected:
            return no_update, no_update
        try:
            found = projects.detail(context.database_url(), int(selected))
        except Refused as error:
            return no_update, error.say(lang)
        on = date.fromisoformat(found["schedule"]["start"]) + timedelta(days=int(day or 0))
        shown = construction_view.playback(found, on)
        reset = ctx.triggered_id != ids.CON_PLAY_AT  # moving the day keeps the camera where the viewer put it
        spec = cim_view.massing_scene(context.database_url(), found["site"], {"a": shown["massing"]}, reset=reset)
        said = t(
            "con.play_state",
            lang,
            day=on.isoformat(),
            phase=t(f"con.phase.{shown['phase']}", lang),
            floors=" / ".join(str(n) for n in shown["floors"]),
        )
        return spec | {"containers": [ids.CON_PLAY_A, ids.CON_PLAY_B]}, said

    app.clientside_callback(
        dash.ClientsideFunction("cim", "render"),
        Output(ids.CON_PLAY, "title"),
        Input(ids.CON_PLAY_SPEC, "data"),
    )
