"""The conflict queue of the big-data platform (数据打架): tickets by status, one ticket's two values side by
side with the rule that flagged them and the proposed decision, and the steward's actions (assign to a
department, let one side's value stand, dismiss), each checked and audited by cockpit.services.data.conflicts."""

from __future__ import annotations

import dash
from dash import Dash, Input, Output, State, html, no_update

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.bidi import neutral
from cockpit.i18n import t
from cockpit.inputs import Clicks, Id, Name, Shown, Text
from cockpit.refusal import Refused
from cockpit.services.data import conflicts
from cockpit.ui import data as ids
from cockpit.ui.kit import register_pick

SHOWN = 300
BUTTONS = {
    ids.DATA_CONFLICT_ASSIGN: ("assign", None),
    ids.DATA_CONFLICT_LEFT: ("resolve", "left"),
    ids.DATA_CONFLICT_RIGHT: ("resolve", "right"),
    ids.DATA_CONFLICT_DISMISS: ("dismiss", None),
}


def _value(value: object) -> str:
    if value is True:
        return "有" if context.lang() == "zh" else "present"
    if value is False:
        return "无" if context.lang() == "zh" else "absent"
    if isinstance(value, list):
        return ", ".join(f"{v:.5f}" if isinstance(v, float) else str(v) for v in value)
    return neutral(str(value))


def _attribute(row: dict, lang: str) -> str:
    if row["kind"] == "missing":
        return t("data.conflict_missing", lang)
    return t("data.conflict_place", lang) if row["attribute"] == "place" else row["attribute"]


def queue_table(rows: list[dict], lang: str, pickable: bool = True) -> html.Table | str:
    if not rows:
        return t("data.no_conflicts", lang)
    head = ["data.col.entity", "data.col.attribute", "data.col.left", "data.col.right", "data.col.department"]
    body = [
        html.Tr(
            [
                html.Td(
                    html.Button(
                        neutral(row["entity"] or "—"),
                        id={"type": ids.DATA_CONFLICT_PICK, "id": row["id"]},
                        className="link-button",
                    )
                    if pickable
                    else neutral(row["entity"] or "—")
                ),
                html.Td(_attribute(row, lang)),
                html.Td(_value(row["left_value"])),
                html.Td(_value(row["right_value"])),
                html.Td(neutral(row["department"] or "—")),
            ]
        )
        for row in rows
    ]
    heading = html.Tr([html.Th(t(h, lang)) for h in head])
    table_id = "conflict-table" if pickable else "dataset-conflicts"
    return html.Table([html.Thead(heading), html.Tbody(body)], className="table table-left", id=table_id)


def detail(row: dict, names: dict[int, str], lang: str) -> html.Div:
    proposed = row["proposed"]
    sides = []
    for side in ("left", "right"):
        dataset = names.get(row[f"{side}_dataset_id"], str(row[f"{side}_dataset_id"]))
        mark = t("data.conflict_proposed", lang) if side == proposed and row["status"] in ("open", "assigned") else ""
        won = t("data.conflict_stands", lang) if row["winner"] == side else ""
        sides.append(
            html.Div(
                [
                    html.Div(neutral(dataset), className="kpi-label"),
                    html.Div(_value(row[f"{side}_value"]), className="conflict-value"),
                    html.Div(" ".join(x for x in (mark, won) if x), className="note"),
                ],
                className=f"conflict-side {'chosen' if side in (proposed, row['winner']) else ''}",
            )
        )
    facts = t(
        "data.conflict_facts",
        lang,
        id=row["id"],
        rule=conflicts.said_rule(row["rule"], lang),
        status=t(f"conflict.status.{row['status']}", lang),
        department=row["department"] or "—",
    )
    reason = [html.Div(t("data.conflict_reason_was", lang, reason=neutral(row["reason"])), className="note")]
    return html.Div(
        [html.Div(neutral(row["entity"] or "—"), className="dataset-title"), html.Div(facts, className="note")]
        + [html.Div(sides, className="conflict-sides")]
        + (reason if row["reason"] else []),
        id="conflict-detail",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.DATA_CONFLICTS, "children"),
        Output(ids.DATA_CONFLICT_COUNTS, "children"),
        Input(ids.DATA_CONFLICT_STATUS, "value"),
        Input(ids.DATA_CONFLICT_MSG, "children"),
    )
    @guard("catalog.read")
    def show_queue(status: Name | None, _msg: Shown):
        lang, url = context.lang(), context.database_url()
        try:
            rows = conflicts.listing(url, status or None, limit=SHOWN)
        except Refused as error:
            return error.say(lang), no_update
        counts = conflicts.counts(url)
        said = " · ".join(f"{t(f'conflict.status.{s}', lang)} {counts.get(s, 0)}" for s in conflicts.STATUSES)
        return queue_table(rows, lang), said

    register_pick(app, ids.DATA_CONFLICT_SELECTED, ids.DATA_CONFLICT_PICK, "catalog.read")

    @app.callback(
        Output(ids.DATA_CONFLICT_DETAIL, "children"),
        Input(ids.DATA_CONFLICT_SELECTED, "data"),
        Input(ids.DATA_CONFLICT_MSG, "children"),
    )
    @guard("catalog.read")
    def show_detail(selected: Id | None, _msg: Shown):
        lang = context.lang()
        if not selected:
            return t("data.conflict_pick", lang)
        url = context.database_url()
        found = conflicts.one(url, selected)
        if found is None:
            return t("data.conflict_pick", lang)
        return detail(found, conflicts.dataset_titles(url, lang), lang)

    @app.callback(
        Output(ids.DATA_CONFLICT_MSG, "children"),
        *(Input(button, "n_clicks") for button in BUTTONS),
        State(ids.DATA_CONFLICT_SELECTED, "data"),
        State(ids.DATA_CONFLICT_DEPARTMENT, "value"),
        State(ids.DATA_CONFLICT_REASON, "value"),
        prevent_initial_call=True,
    )
    @guard("catalog.steward")
    def act(
        _a: Clicks | None,
        _l: Clicks | None,
        _r: Clicks | None,
        _d: Clicks | None,
        selected: Id | None,
        department: Name | None,
        reason: Text | None,
    ):
        lang = context.lang()
        pressed = dash.ctx.triggered_id
        if pressed not in BUTTONS:
            return no_update
        if not selected:
            return t("data.conflict_pick", lang)
        action, winner = BUTTONS[pressed]
        url = context.database_url()
        if action == "assign" and not department:
            department = (conflicts.one(url, selected) or {}).get("department")
        try:
            done = conflicts.transition(
                url, current_actor(), selected, action, department=department, winner=winner, reason=reason
            )
        except Refused as error:
            return t("data.conflict_refused", lang, reason=error.say(lang))
        return t("data.conflict_done", lang, id=done["id"], status=t(f"conflict.status.{done['status']}", lang))
