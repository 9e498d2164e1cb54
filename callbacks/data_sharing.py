"""Sharing on the big-data platform's page: a department applies for a conditionally shared dataset from its
page; the data stewards decide applications (an approval shows the scoped key once) and issue department
keys with their quota and rate. The services check roles and write the audit rows."""

from __future__ import annotations

import dash
from dash import ALL, Dash, Input, Output, State, html, no_update

from cockpit import auth, context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import t
from cockpit.inputs import ByNumberAction, Clicks, Id, Name, Shown, Simulated, Text
from cockpit.refusal import Refused
from cockpit.services.data import catalog, sharing
from cockpit.ui import data as ids
from cockpit.ui.kit import clicked_pattern


def applications_table(rows: list[dict], titles: dict[int, str], lang: str) -> html.Table | str:
    if not rows:
        return t("data.no_applications", lang)
    body = []
    for row in sorted(rows, key=lambda r: (r["status"] != "pending", -r["id"])):
        actions = (
            [
                html.Button(
                    t("data.approve", lang), id={"type": ids.DATA_APPLICATION_ACT, "id": row["id"], "action": "approve"}
                ),
                html.Button(
                    t("data.reject", lang), id={"type": ids.DATA_APPLICATION_ACT, "id": row["id"], "action": "reject"}
                ),
            ]
            if row["status"] == "pending"
            else t(f"application.{row['status']}", lang)
        )
        body.append(
            html.Tr(
                [
                    html.Td(neutral(titles.get(row["dataset_id"], str(row["dataset_id"])))),
                    html.Td(neutral(row["department"])),
                    html.Td(neutral(row["purpose"])),
                    html.Td(context.when(row["created_at"])),
                    html.Td(actions),
                ]
            )
        )
    heads = ["data.col.title", "data.apply_department", "data.col.purpose", "data.col.at", "data.col.status"]
    return html.Table(
        [html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(body)],
        className="table table-left",
        id="application-table",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.DATA_APPLICATIONS, "children"),
        Input(ids.DATA_SIDE_TABS, "value"),
        Input(ids.DATA_APPLICATION_MSG, "children"),
    )
    @guard("catalog.read")
    def show_applications(tab: Name | None, _msg: Shown):
        if tab != "sharing" or not auth.allowed("catalog.steward"):  # fires on every page load: say nothing
            return no_update
        url, lang = context.database_url(), context.lang()
        titles = {c.id: c.title if lang == "zh" else c.title_en for c in catalog.search(url, "", limit=100_000)}
        return applications_table(sharing.applications(url), titles, lang)

    @app.callback(
        Output(ids.DATA_APPLICATION_MSG, "children"),
        Input({"type": ids.DATA_APPLICATION_ACT, "id": ALL, "action": ALL}, "n_clicks"),
        State(ids.DATA_APPLICATION_REASON, "value"),
        prevent_initial_call=True,
    )
    @guard("catalog.steward")
    def decide(_clicks: list[Clicks | None], reason: Text | None):
        clicked = clicked_pattern(ByNumberAction)
        if not clicked:
            return no_update
        lang = context.lang()
        try:
            done, key = sharing.decide(
                context.database_url(), current_actor(), clicked["id"], clicked["action"] == "approve", reason
            )
        except Refused as error:
            return t("data.conflict_refused", lang, reason=error.say(lang))
        if key:
            return t("data.key_once", lang, department=neutral(done["department"]), token=key)
        return t("data.application_rejected", lang, id=done["id"])

    @app.callback(
        Output(ids.DATA_KEY_MSG, "children"),
        Input(ids.DATA_KEY_ISSUE, "n_clicks"),
        State(ids.DATA_KEY_DEPARTMENT, "value"),
        State(ids.DATA_KEY_QUOTA, "value"),
        State(ids.DATA_KEY_RATE, "value"),
        prevent_initial_call=True,
    )
    @guard("catalog.steward")
    def issue(_n: Clicks | None, department: Name | None, quota: Simulated | None, rate: Simulated | None):
        lang = context.lang()
        try:
            key = sharing.issue(
                context.database_url(),
                current_actor(),
                department or "",
                daily_quota=int(quota or sharing.DAILY_QUOTA),
                per_minute=int(rate or sharing.PER_MINUTE),
            )
        except Refused as error:
            return t("data.conflict_refused", lang, reason=error.say(lang))
        return t("data.key_once", lang, department=neutral(department or ""), token=key)

    @app.callback(
        Output(ids.DATA_APPLY_MSG, "children"),
        Input(ids.DATA_APPLY, "n_clicks"),
        State(ids.DATA_DATASET, "data"),
        State(ids.DATA_APPLY_DEPARTMENT, "value"),
        State(ids.DATA_APPLY_PURPOSE, "value"),
        prevent_initial_call=True,
    )
    @guard("catalog.read")
    def apply(_n: Clicks | None, dataset_id: Id | None, department: Name | None, purpose: Text | None):
        lang = context.lang()
        if not dataset_id or dash.ctx.triggered_id != ids.DATA_APPLY:
            return no_update
        try:
            made = sharing.apply(
                context.database_url(), current_actor(), dataset_id, department or "", purpose or ""
            )
        except Refused as error:
            return t("data.conflict_refused", lang, reason=error.say(lang))
        return t("data.applied", lang, id=made["id"])
