"""The planning page's two tools on a drawn site, laid out here so the page module stays one page: scheme
comparison (方案比选: parametric schemes or an uploaded file, the table side by side, massing in 3D) and project
pre-screening (策划生成: checks, opinion requests to departments, their answers to a conclusion)."""

from __future__ import annotations

from dash import dcc, html

from cockpit import auth
from cockpit.i18n import t
from cockpit.services.cim.massing import RANGES, STARTING
from cockpit.services.planning.screening import ZONING
from cockpit.ui import planning as ids
from cockpit.ui.kit import panel
from cockpit.vocab import SCREENING_ANSWERS

UPLOAD_MOST = 700_000  # bytes: a callback takes at most 1 MB, and the file travels base64-encoded


def _scheme_inputs(lang: str) -> html.Table:
    head = html.Tr([html.Th("")] + [html.Th(t(f"scheme.name.{n}", lang)) for n in range(len(STARTING))])
    body = [
        html.Tr(
            [html.Td(t(f"scheme.rule.{rule}", lang))]
            + [
                html.Td(
                    dcc.Input(
                        id={"type": ids.PLAN_SCHEME_INPUT, "scheme": n, "rule": rule},
                        type="number",
                        min=low,
                        max=high,
                        step=step,
                        value=values[rule],
                        className="search number",
                    )
                )
                for n, values in enumerate(STARTING)
            ]
        )
        for rule, low, high, step in RANGES
    ]
    return html.Table(className="plan-counts scheme-inputs", children=[html.Thead(head), html.Tbody(body)])


def schemes_pane(lang: str) -> html.Div:
    return html.Div(
        id=ids.PLAN_SCHEMES_PANE,
        className="col-stack hidden",
        children=[
            panel(
                t("scheme.title", lang),
                html.Div(t("scheme.how", lang), className="note"),
                _scheme_inputs(lang),
                html.Div(
                    className="dispatch-actions",
                    children=[
                        html.Button(t("scheme.compare", lang), id=ids.PLAN_COMPARE),
                        dcc.Upload(
                            id=ids.PLAN_UPLOAD,
                            max_size=UPLOAD_MOST,
                            accept=".json,application/json",
                            className="upload-box",
                            children=html.Span(t("scheme.upload", lang, kb=UPLOAD_MOST // 1000)),
                        ),
                    ],
                ),
                html.Div(id=ids.PLAN_SCHEME_MSG, className="note msg"),
                class_name="fixed",
            ),
            panel(
                t("scheme.result", lang),
                dcc.RadioItems(
                    id=ids.PLAN_MASSING_SIDE,
                    value=1,
                    inline=True,
                    className="toggle",
                    options=[
                        {"label": t("scheme.right", lang, name=t(f"scheme.name.{n}", lang)), "value": n}
                        for n in range(1, len(STARTING))
                    ],
                ),
                html.Div(id=ids.PLAN_COMPARISON, className="results", children=t("scheme.none", lang)),
                class_name="grow",
            ),
        ],
    )


def screening_pane(lang: str) -> html.Div:
    coordinate = auth.allowed("planning.coordinate")
    return html.Div(
        id=ids.PLAN_SCREENING_PANE,
        className="col-stack hidden",
        children=[
            panel(
                t("screen.title", lang),
                html.Div(t("screen.how", lang), className="note"),
                html.Div(
                    className="dispatch-actions" if coordinate else "dispatch-actions hidden",
                    children=[
                        dcc.Input(
                            id=ids.PLAN_SCREEN_NAME,
                            placeholder=t("screen.name", lang),
                            className="search",
                            maxLength=120,
                        ),
                        dcc.Dropdown(
                            id=ids.PLAN_SCREEN_USE,
                            value="residential",
                            clearable=False,
                            className="type-filter",
                            options=[{"label": t(f"scheme.use.{u}", lang), "value": u} for u in ZONING],
                        ),
                        dcc.Input(
                            id=ids.PLAN_SCREEN_AREA,
                            type="number",
                            min=1,
                            max=5_000_000,
                            placeholder=t("screen.floor_area", lang),
                            className="search number",
                        ),
                        html.Button(t("screen.run", lang), id=ids.PLAN_SCREEN),
                    ],
                ),
                html.Div(id=ids.PLAN_SCREEN_MSG, className="note msg"),
                html.Div(id=ids.PLAN_SCREENINGS, className="results short"),
                class_name="fixed",
            ),
            panel(
                t("screen.detail", lang),
                html.Div(id=ids.PLAN_SCREENING_DETAIL, children=t("screen.pick", lang)),
                html.Div(
                    className="dispatch-actions" if coordinate else "dispatch-actions hidden",
                    children=[
                        dcc.Dropdown(
                            id=ids.PLAN_REQUEST, className="type-filter", placeholder=t("screen.request", lang)
                        ),
                        dcc.RadioItems(
                            id=ids.PLAN_ANSWER,
                            value="agree",
                            inline=True,
                            className="toggle",
                            options=[{"label": t(f"screen.answer.{a}", lang), "value": a} for a in SCREENING_ANSWERS],
                        ),
                        dcc.Input(
                            id=ids.PLAN_ANSWER_TEXT,
                            placeholder=t("screen.opinion", lang),
                            className="search",
                            maxLength=2000,
                        ),
                        html.Button(t("screen.send", lang), id=ids.PLAN_ANSWER_SEND),
                    ],
                ),
                class_name="grow",
            ),
        ],
    )
