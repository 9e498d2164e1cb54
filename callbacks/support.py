"""Application-support wiring: audit log table, CSV export (itself audited), chain check, people list."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import TABLE, t
from cockpit.inputs import Clicks, Name, Shown
from cockpit.services.kernel.export import to_csv
from cockpit.services.support import anchor, audit, support_components, users
from cockpit.ui import support as ids

SHOWN = 200
COLUMNS = ("ts", "actor", "role", "action", "object", "after", "source_ip", "request_id")
HEADINGS = ("col.ts", "col.actor", "col.role", "col.action", "col.object", "col.change", "col.ip", "col.request")


RAW = ("actor", "object", "after", "source_ip", "request_id")  # recorded as they were: identifiers and data


def _cell(row: dict, column: str, lang: str) -> html.Td:
    value = row[column]
    if column == "ts":
        return html.Td(context.when(value, "full"))
    if column == "role":
        return html.Td(t(f"role.{value}", lang) if value and f"role.{value}" in TABLE else value or "—")
    if column == "action":
        key = f"audit.action.{value}"
        return html.Td(t(key, lang) if key in TABLE else value, title=value)
    return html.Td("" if value is None else neutral(str(value)), className="raw" if column in RAW else "")


def audit_table(rows: list[dict], lang: str) -> html.Table:
    head = html.Tr([html.Th(t(h, lang)) for h in HEADINGS])
    body = [html.Tr([_cell(r, c, lang) for c in COLUMNS]) for r in rows]
    return html.Table([html.Thead(head), html.Tbody(body)], className="table table-left", id="audit-table")


def people_table(people: list[dict], lang: str) -> html.Table:
    head = html.Tr([html.Th(t(k, lang)) for k in ("col.username", "col.name", "col.role", "col.phone", "col.active")])
    body = []
    for p in people:
        status = t("status.active" if p["active"] else "status.disabled", lang)
        if p["demo"]:
            status += f" · {t('status.demo', lang)}"
        body.append(
            html.Tr(
                [
                    html.Td(neutral(p["username"]), className="raw"),
                    html.Td(neutral(p["display_name"])),
                    html.Td(t(f"role.{p['role']}", lang)),
                    html.Td(p["phone"] or "—"),
                    html.Td(status),
                ]
            )
        )
    return html.Table([html.Thead(head), html.Tbody(body)], className="table table-left", id="people-table")


def components_table(rows: list[dict], lang: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"support.comp.{c}", lang)) for c in ("name", "route", "used_by", "calls")])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(r["title"] if lang == "zh" else r["title_en"]),
                            html.Td(html.Code(r["route"])),
                            html.Td(t(r["used_by"], lang)),
                            html.Td(str(r["calls"]), className="num"),
                        ]
                    )
                    for r in rows
                ]
            ),
        ],
        id="support-components-table",
        className="table",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.SUPPORT_AUDIT, "children"),
        Input(ids.SUPPORT_ACTION, "value"),
        Input(ids.SUPPORT_ACTOR, "value"),
        Input(ids.SUPPORT_CHAIN, "children"),
    )
    @guard("audit.read")
    def show_audit(action: Name | None, actor: Name | None, _chain: Shown):
        rows = audit.rows(context.database_url(), action=action or None, actor=actor or None, limit=SHOWN)
        return audit_table(rows, context.lang())

    @app.callback(Output(ids.SUPPORT_COMPONENTS, "children"), Input(ids.SUPPORT_COMPONENTS, "id"))
    @guard("audit.read")
    def show_components(_id: Name):
        return components_table(support_components.listing(context.database_url()), context.lang())

    @app.callback(Output(ids.SUPPORT_USERS, "children"), Input(ids.SUPPORT_USERS, "id"))
    @guard("users.read")
    def show_people(_id: Name):
        return people_table(users.directory(context.database_url()), context.lang())

    @app.callback(
        Output(ids.SUPPORT_CHAIN, "children"), Input(ids.SUPPORT_VERIFY, "n_clicks"), prevent_initial_call=True
    )
    @guard("audit.read")
    def verify(_n: Clicks | None) -> str:
        settings, lang = context.settings(), context.lang()
        try:
            report, anchors = audit.check(
                settings.database_url, settings.var_dir, settings.anchor_key, settings.anchor_copy
            )
        except anchor.AnchorError as error:
            return t("support.anchor_tampered", lang, reason=str(error))
        if report.intact:
            return t("support.chain_ok", lang, rows=report.rows, anchors=len(anchors))
        return t("support.chain_broken", lang, row=report.broken_at, reason=report.reason)

    @app.callback(Output(ids.SUPPORT_ALERTS, "children"), Input("live-status", "data"))
    @guard("audit.read")
    def security_alerts(_status: Shown) -> list | str:
        lang = context.lang()
        recent = audit.alerts(context.database_url())
        if not recent:
            return t("support.no_alerts", lang)
        return [
            html.Div(
                className="alert-line",
                children=t(
                    "support.alert_line",
                    lang,
                    at=context.when(r["at"]),
                    what=t(f"support.scope.{r['scope']}", lang, subject=neutral(r["subject"])),
                    ip=r["from"] or "—",
                ),
            )
            for r in recent
        ]

    @app.callback(
        Output(ids.SUPPORT_DOWNLOAD, "data"),
        Input(ids.SUPPORT_EXPORT, "n_clicks"),
        State(ids.SUPPORT_ACTION, "value"),
        State(ids.SUPPORT_ACTOR, "value"),
        prevent_initial_call=True,
    )
    @guard("audit.export")
    def export(_n: Clicks | None, action: Name | None, actor: Name | None) -> dict:
        url = context.database_url()
        rows = audit.export(url, current_actor(), action=action or None, actor_name=actor or None)
        return dcc.send_string(to_csv(rows), "audit_log.csv")
