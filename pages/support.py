"""应用支撑平台 — application support: the audit log (browse, filter, export, verify) and people's roles."""

from __future__ import annotations

from dash import dcc, html

import callbacks.support
from cockpit import context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.ui.kit import panel
from cockpit.ui.support import (
    SUPPORT_ACTION,
    SUPPORT_ACTOR,
    SUPPORT_ALERTS,
    SUPPORT_AUDIT,
    SUPPORT_CHAIN,
    SUPPORT_COMPONENTS,
    SUPPORT_DOWNLOAD,
    SUPPORT_EXPORT,
    SUPPORT_USERS,
    SUPPORT_VERIFY,
)


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
                        dcc.Input(id=SUPPORT_ACTION, placeholder=t("support.filter_action", lang), debounce=0.3),
                        dcc.Input(id=SUPPORT_ACTOR, placeholder=t("support.filter_actor", lang), debounce=0.3),
                        html.Button(t("support.verify", lang), id=SUPPORT_VERIFY),
                        html.Button(t("support.export", lang), id=SUPPORT_EXPORT),
                        html.Span(id=SUPPORT_CHAIN, className="chain"),
                        dcc.Download(id=SUPPORT_DOWNLOAD),
                    ],
                ),
                html.Div(id=SUPPORT_AUDIT, className="scroll"),
                class_name="grow",
            ),
            panel(t("support.alerts", lang), html.Div(id=SUPPORT_ALERTS, className="alerts")),
            panel(t("support.components", lang), html.Div(id=SUPPORT_COMPONENTS)),
            panel(
                t("support.users", lang),
                html.Div([t("support.users_note", lang), " ", html.Code("cockpit user")], className="note"),
                html.Div(id=SUPPORT_USERS),
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
