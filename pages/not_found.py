"""The page for a path no page owns, in the cockpit's language and style rather than Dash's default."""

from __future__ import annotations

from dash import dcc, html

from cockpit import context
from cockpit.i18n import t

PATH = "/404"
TITLE = "app.not_found"


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    return html.Div(
        className="page not-found",
        children=[html.H2(t("app.not_found", lang)), dcc.Link(t("app.back_home", lang), href="/")],
    )
