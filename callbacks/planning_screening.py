"""Project pre-screening wiring: a drawn site to its checks and opinion requests, the screenings listed, one
screening with its requests (overdue marked), and a department's answer recorded (the service checks the role)."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from callbacks.planning_schemes import drawn_site
from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import organisation, t
from cockpit.inputs import ByNumber, Clicks, FloorArea, Id, Name, Shape, Shown, Text
from cockpit.refusal import Refused
from cockpit.services.kernel.geojson import feature_collection
from cockpit.services.planning import screening
from cockpit.ui import planning as ids
from cockpit.ui.kit import clicked_pattern
from cockpit.vocab import SCREENING_COLOURS


def _check(check: dict, lang: str) -> html.Li:
    colour = SCREENING_COLOURS[check["result"]]
    return html.Li(
        className=f"check {check['result']}",
        children=[
            html.Span(className="swatch", style={"background": colour}),
            html.Span(t(f"screen.check.{check['key']}", lang, **check["values"])),
            html.Span(f" · {t('screen.result.' + check['result'], lang)}", className="note"),
        ],
    )


def _request(asked: dict, lang: str) -> html.Li:
    state = t(f"screen.answer.{asked['answer']}", lang) if asked["answer"] else t("screen.waiting", lang)
    late = f" · {t('screen.overdue', lang)}" if asked["overdue"] else ""
    said = f" · {asked['opinion']}" if asked["opinion"] else ""
    return html.Li(
        className="overdue" if asked["overdue"] else None,
        children=neutral(
            f"{organisation(asked['department'], lang)} · {t('screen.check_name.' + asked['reason'], lang)} · "
            f"{t('plan.due', lang)} {asked['deadline']} · {state}{late}{said}"
        ),
    )


def _detail(found: dict, lang: str) -> list:
    conclusion = (
        t(f"screen.answer.{found['conclusion']}", lang) if found["conclusion"] else t("screen.status.open", lang)
    )
    return [
        html.Div(
            className="kv",
            children=[html.Span(t("screen.project", lang), className="k"), html.Span(neutral(found["name"]))],
        ),
        html.Div(
            className="kv",
            children=[
                html.Span(t("screen.asked", lang), className="k"),
                html.Span(
                    f"{t('scheme.use.' + found['use'], lang)} · {found['floor_area_m2']:,.0f} m² · "
                    f"{t('plan.area', lang)} {found['area_m2']:,.0f} m²"
                ),
            ],
        ),
        html.Div(
            className="kv",
            children=[html.Span(t("screen.conclusion", lang), className="k"), html.Span(conclusion)],
        ),
        html.H4(t("screen.checks", lang)),
        html.Ul(className="checks", children=[_check(c, lang) for c in found["checks"]]),
        html.H4(t("screen.requests", lang, count=len(found["requests"]))),
        html.Ul(className="requests", children=[_request(r, lang) for r in found["requests"]]),
    ]


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.PLAN_SCREEN_MSG, "children"),
        Output(ids.PLAN_SCREENING, "data", allow_duplicate=True),
        Input(ids.PLAN_SCREEN, "n_clicks"),
        Input(ids.PLAN_ANSWER_SEND, "n_clicks"),
        State(ids.PLAN_DRAW, "geojson"),
        State(ids.PLAN_SCREEN_NAME, "value"),
        State(ids.PLAN_SCREEN_USE, "value"),
        State(ids.PLAN_SCREEN_AREA, "value"),
        State(ids.PLAN_SCREENING, "data"),
        State(ids.PLAN_REQUEST, "value"),
        State(ids.PLAN_ANSWER, "value"),
        State(ids.PLAN_ANSWER_TEXT, "value"),
        prevent_initial_call=True,
    )
    @guard("planning.read")
    def act(
        _screen: Clicks | None,
        _send: Clicks | None,
        drawn: Shape | None,
        name: Name | None,
        use: Name | None,
        floor_area: FloorArea | None,
        picked: Id | None,
        request: Id | None,
        answer: Name | None,
        opinion: Text | None,
    ):
        lang = context.lang()
        try:
            if ctx.triggered_id == ids.PLAN_SCREEN:
                site = drawn_site(drawn)
                if site is None:
                    return t("scheme.draw_first", lang), no_update
                body = {"site": site, "name": name, "use": use, "floor_area_m2": floor_area}
                found = screening.screen(context.database_url(), current_actor(), body)
                return t("screen.sent", lang, n=len(found["requests"])), found["id"]
            if ctx.triggered_id == ids.PLAN_ANSWER_SEND:
                if not picked or not request:
                    return t("screen.pick_request", lang), no_update
                found = screening.answer(
                    context.database_url(), current_actor(), int(picked), int(request), answer, opinion
                )
                return t("screen.answered", lang), found["id"]
        except Refused as error:
            return error.say(lang), no_update
        return no_update, no_update

    @app.callback(
        Output(ids.PLAN_SCREENINGS, "children"),
        Input(ids.PLAN_SCREEN_MSG, "children"),
        Input(ids.PLAN_SCREENING, "data"),
    )
    @guard("planning.read")
    def listing(_msg: Shown, picked: Id | None):
        lang = context.lang()
        rows = screening.listing(context.database_url())
        return [
            html.Button(
                id={"type": ids.PLAN_SCREENING_PICK, "id": r["id"]},
                className="case-item" + (" selected" if r["id"] == picked else ""),
                children=[
                    html.Span(neutral(r["name"])),
                    html.Span(
                        t(f"screen.answer.{r['conclusion']}", lang)
                        if r["conclusion"]
                        else t("screen.status.open", lang),
                        className="left",
                    ),
                    html.Span(
                        f"#{r['id']} · {t('scheme.use.' + r['use'], lang)} · {t('screen.result.' + r['worst'], lang)}"
                        f" · {r['created_at']}",
                        className="note",
                    ),
                ],
            )
            for r in rows
        ] or t("screen.none", lang)

    @app.callback(
        Output(ids.PLAN_SCREENING, "data", allow_duplicate=True),
        Input({"type": ids.PLAN_SCREENING_PICK, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("planning.read")
    def pick(_clicks: list[Clicks | None]):
        clicked = clicked_pattern(ByNumber)
        return clicked["id"] if clicked else no_update

    @app.callback(
        Output(ids.PLAN_SCREENING_DETAIL, "children"),
        Output(ids.PLAN_REQUEST, "options"),
        Output(ids.PLAN_REQUEST, "value"),
        Output(ids.PLAN_SITE, "data", allow_duplicate=True),
        Input(ids.PLAN_SCREENING, "data"),
        Input(ids.PLAN_SCREEN_MSG, "children"),
        prevent_initial_call=True,
    )
    @guard("planning.read")
    def detail(picked: Id | None, _msg: Shown):
        lang = context.lang()
        if not picked:
            return t("screen.pick", lang), [], None, no_update
        try:
            found = screening.view(context.database_url(), current_actor(), int(picked))
        except Refused as error:
            return error.say(lang), [], None, no_update
        options = [
            {"label": organisation(r["department"], lang), "value": r["id"]}
            for r in found["requests"]
            if r["answer"] is None
        ]
        site = feature_collection([{"type": "Feature", "geometry": found["site"]}])
        return _detail(found, lang), options, options[0]["value"] if options else None, site
