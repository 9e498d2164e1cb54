"""应用支撑平台 — application support: the audit log (browse, filter, export, verify) and people's roles."""

from __future__ import annotations

from dash import dcc, html

import callbacks.support
from cockpit import context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.ui import support as ids
from cockpit.ui.kit import panel


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    return html.Div(
        className="page page-support",
        children=[
            panel(
                t("support.audit", lang),
                html.Div([t("support.audit_note", lang), " ", html.Code("cockpit audit verify")], className="note"),
                html.Div(
                    className="toolbar",
                    children=[
                        dcc.Input(id=ids.SUPPORT_ACTION, placeholder=t("support.filter_action", lang), debounce=0.3),
                        dcc.Input(id=ids.SUPPORT_ACTOR, placeholder=t("support.filter_actor", lang), debounce=0.3),
                        html.Button(t("support.verify", lang), id=ids.SUPPORT_VERIFY),
                        html.Button(t("support.export", lang), id=ids.SUPPORT_EXPORT),
                        html.Span(id=ids.SUPPORT_CHAIN, className="chain"),
                        dcc.Download(id=ids.SUPPORT_DOWNLOAD),
                    ],
                ),
                html.Div(id=ids.SUPPORT_AUDIT, className="scroll"),
                class_name="grow",
            ),
            panel(t("support.alerts", lang), html.Div(id=ids.SUPPORT_ALERTS, className="alerts")),
            panel(t("support.components", lang), html.Div(id=ids.SUPPORT_COMPONENTS)),
            panel(
                t("support.users", lang),
                html.Div([t("support.users_note", lang), " ", html.Code("cockpit user")], className="note"),
                html.Div(id=ids.SUPPORT_USERS),
            ),
        ],
    )


PAGE = Page(
    path="/platform/support",
    nav="nav.support",
    title="support.title",
    permission="audit.read",
    layout=layout,
    callbacks=callbacks.support.register,
    ready="#audit-table",
)
