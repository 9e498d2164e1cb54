"""IoT page wiring: status tiles, search, device drawer and remote control, alarm actions, rules, quarantine."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from cockpit import context
from cockpit.auth import allowed, current_actor, guard
from cockpit.i18n import t
from cockpit.inputs import AlarmAction, AlarmFeed, ByCode, ByName, Clicks, Count, Name, Names, RuleRow, Shape, Shown
from cockpit.services.iot import alarm_queue, alarms, commands, devices, live_status, rulebook
from cockpit.services.iot.alarms import AlarmError
from cockpit.services.iot.commands import CATALOG, CommandError
from cockpit.services.kernel import clock
from cockpit.ui import iot as ids
from cockpit.ui.kit import alarm_items, alarm_type_label, clicked_pattern, device_label, kpi, number, styled
from cockpit.vocab import PALETTE

PLOT_COLORS = (
    PALETTE["accent"],
    PALETTE["amber"],
    PALETTE["green"],
    PALETTE["purple"],
    PALETTE["red_light"],
    PALETTE["cyan_light"],
    PALETTE["yellow"],
)


# the queue's controls: sort, severities, types, statuses, text — the callbacks take them in this order
ALARM_FILTERS = (
    ids.IOT_ALARM_SORT,
    ids.IOT_ALARM_SEVERITY,
    ids.IOT_ALARM_TYPE,
    ids.IOT_ALARM_STATUS,
    ids.IOT_ALARM_TEXT,
)


def _status_dot(online: bool, alarm: bool = False) -> html.Span:
    return html.Span(className="dot " + ("alarm" if alarm else "online" if online else "offline"))


def _history_figure(history: list[dict], lang: str) -> go.Figure:
    figure = go.Figure()
    names = sorted({name for row in history for name in row["values"]})
    for color, name in zip(PLOT_COLORS * 3, names, strict=False):
        points = [(context.local(row["ts"]), row["values"][name]) for row in history if name in row["values"]]
        figure.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                name=t("metric." + name, lang),
                mode="lines",
                line={"color": color, "width": 1.6},
            )
        )
    styled(figure, 210, legend={"orientation": "h", "y": 1.15}, xaxis={"tickformat": clock.FORMATS[lang]["axis"]})
    return figure


def _drawer(device: dict, lang: str) -> list:
    seen = device["last_seen"]
    head = html.Div(
        className="device-head",
        children=[
            _status_dot(device["online"], any(a.status in ("new", "acknowledged") for a in device["alarms"])),
            html.Strong(device_label(device["code"], device["name"], lang)),
            html.Span(device["code"]),
            html.Span(t(f"device.{device['type']}", lang)),
            html.Span(f"{t('iot.owner', lang)}: {device['owner_department']}"),
            html.Span(t("iot.last_seen", lang, ts=context.when(seen)) if seen else t("iot.never_seen", lang)),
            html.Span(t("iot.generated", lang), className="tag-generated") if device["generated"] else None,
        ],
    )
    values = html.Div(
        className="values",
        children=[
            part
            for name, value in sorted(device["last_values"].items())
            for part in (html.Span(t("metric." + name, lang)), html.Span(f"{value:g}", className="v"))
        ],
    )
    controls = []
    if CATALOG.get(device["type"]) and allowed("device.command"):
        controls = [
            html.Button(t(f"command.{name}", lang), id={"type": ids.DEVICE_COMMAND, "name": name})
            for name in CATALOG[device["type"]]
        ]
    command_log = [
        html.Div(
            f"#{c['id']} {t('command.' + c['name'], lang)} · {t('command.status.' + c['status'], lang)} · "
            f"{c['issued_by']} {context.when(c['issued_at'])}",
            className="note",
        )
        for c in device["commands"][:4]
    ]
    side = [html.H3(t("iot.latest", lang)), values]
    if controls or command_log:
        side += [html.H3(t("iot.commands", lang)), html.Div(controls, className="device-commands"), *command_log]
    return [
        head,
        html.Div(
            className="device-grid",
            children=[
                html.Div(side),
                html.Div(
                    [
                        dcc.Graph(
                            figure=_history_figure(device["history"], lang),
                            config={"displayModeBar": False},
                            id="device-history",
                        )
                        if device["history"]
                        else html.Div(t("iot.no_history", lang), className="note"),
                        alarm_items(device["alarms"], lang),
                    ]
                ),
            ],
        ),
    ]


def register(app: Dash) -> None:
    @app.callback(Output(ids.IOT_KPIS, "children"), Input("live-status", "data"), Input("alarm-feed", "data"))
    @guard("view")
    def status_tiles(_pushed: Shown, _feed: Shown):
        lang = context.lang()
        live = live_status.status(context.database_url())
        d = live["devices"]
        return [
            html.Div(kpi(t("iot.online", lang), number(d.get("online", 0))), className="kpi-cell online"),
            html.Div(kpi(t("iot.offline", lang), number(d.get("offline", 0))), className="kpi-cell offline"),
            html.Div(kpi(t("iot.alarm", lang), number(d.get("alarm", 0))), className="kpi-cell alarm"),
            html.Div(kpi(t("iot.quarantined", lang), number(live["quarantined"])), className="kpi-cell quarantine"),
        ]

    @app.callback(Output(ids.IOT_RESULTS, "children"), Input(ids.IOT_SEARCH, "value"), Input(ids.IOT_TYPE, "value"))
    @guard("view")
    def search(text: Name | None, device_type: Name | None):
        lang = context.lang()
        return [
            html.Button(
                id={"type": ids.DEVICE_PICK, "code": d["code"]},
                children=[
                    html.Span([_status_dot(d["online"]), device_label(d["code"], d["name"], lang)]),
                    html.Span(t(f"device.{d['type']}", lang), className="note"),
                ],
            )
            for d in devices.search(context.database_url(), text, device_type)
        ]

    @app.callback(
        Output(ids.IOT_SELECTED, "data"),
        Output(ids.IOT_TABS, "value"),
        Input({"type": ids.DEVICE_PICK, "code": ALL}, "n_clicks"),
        Input(ids.IOT_DEVICE_LAYER, "clickData"),
        prevent_initial_call=True,
    )
    @guard("view")
    def select(_clicks: list[Clicks | None], feature: Shape | None):
        clicked = clicked_pattern(ByCode)
        if clicked:
            return clicked["code"], "device"
        if ctx.triggered_id == ids.IOT_DEVICE_LAYER and feature and "code" in (feature.get("properties") or {}):
            return feature["properties"]["code"], "device"
        return no_update, no_update

    @app.callback(Output(ids.IOT_MAP, "viewport"), Input(ids.IOT_SELECTED, "data"), prevent_initial_call=False)
    @guard("view")
    def centre(code: Name | None):
        place = devices.place(context.database_url(), code) if isinstance(code, str) else None
        if place is None:
            return no_update
        return {"center": [place[1], place[0]], "zoom": 18, "transition": "flyTo"}

    @app.callback(
        Output(ids.IOT_DEVICE, "children"),
        Input(ids.IOT_SELECTED, "data"),
        Input("live-status", "data"),
        Input("alarm-feed", "data"),
    )
    @guard("view")
    def drawer(code: Name | None, _status: Shown, _feed: Shown):
        lang = context.lang()
        if not code:
            return t("iot.pick_device", lang)
        device = devices.detail(context.database_url(), code)
        return _drawer(device, lang) if device else t("iot.pick_device", lang)

    @app.callback(
        Output(ids.IOT_COMMAND_MSG, "children"),
        Input({"type": ids.DEVICE_COMMAND, "name": ALL}, "n_clicks"),
        State(ids.IOT_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard("device.command")
    def command(_clicks: list[Clicks | None], code: Name | None):
        clicked = clicked_pattern(ByName)
        if not (clicked and code):
            return no_update
        lang = context.lang()
        try:
            command_id = commands.issue(context.database_url(), current_actor(), code, clicked["name"])
        except CommandError as error:
            return t("alarm.refused", lang, reason=error.say(lang))
        return t("iot.command_sent", lang, id=command_id)

    @app.callback(
        Output(ids.IOT_ALARMS, "children"),
        Input("alarm-feed", "data"),
        Input(ids.IOT_ALARM_MSG, "children"),
        *(Input(i, "value") for i in ALARM_FILTERS),
    )
    @guard("view")
    def alarm_list(
        _feed: Shown,
        _msg: Shown,
        sort: Name | None,
        severities: list[int] | None,
        types: Names | None,
        statuses: Names | None,
        text: Name | None,
    ):
        chosen = alarm_queue.clean(severities, types, statuses, text, sort)
        return alarm_items(alarm_queue.queue(context.database_url(), chosen, allowed("alarm.ack")), context.lang())

    @app.callback(
        Output(ids.IOT_ALARM_MSG, "children", allow_duplicate=True),
        Input(ids.IOT_ALARM_ACK_ALL, "submit_n_clicks"),
        *(State(i, "value") for i in ALARM_FILTERS),
        prevent_initial_call=True,
    )
    @guard("alarm.ack")
    def acknowledge_all(
        _n: Clicks | None,
        sort: Name | None,
        severities: list[int] | None,
        types: Names | None,
        statuses: Names | None,
        text: Name | None,
    ):
        chosen = alarm_queue.clean(severities, types, statuses, text, sort)
        done = alarm_queue.acknowledge_all(context.database_url(), current_actor(), chosen)
        return t("alarm.ack_all_done", context.lang(), n=done)

    @app.callback(
        Output(ids.IOT_ALARM_MSG, "children"),
        Input({"type": ids.ALARM_ACTION, "alarm": ALL, "action": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("alarm.ack")
    def alarm_action(_clicks: list[Clicks | None]):
        clicked = clicked_pattern(AlarmAction)
        if not clicked:
            return no_update
        lang = context.lang()
        target = clicked
        try:
            done = alarms.transition(context.database_url(), current_actor(), int(target["alarm"]), target["action"])
        except AlarmError as error:
            return t("alarm.refused", lang, reason=error.say(lang))
        return f"#{done['id']} {t('alarm.status.' + done['status'], lang)}"

    @app.callback(Output(ids.IOT_RULES, "data"), Input(ids.IOT_RULE_MSG, "children"))
    @guard("view")
    def rules_table(_msg: Shown):
        lang = context.lang()
        editing = allowed("rules.edit")  # an editor's dropdown shows ✓/✕ for the values true/false
        return [
            r
            | {
                "name": r["name"] if lang == "zh" else r["name_en"],
                "enabled": ("true" if r["enabled"] else "false")
                if editing
                else t("rule.on" if r["enabled"] else "rule.off", lang),
                "metric": alarm_type_label(r["metric"], lang) if r["metric"] else "—",
                "kind": t(f"rule.kind.{r['kind']}", lang),
                "device_type": t(f"device.{r['device_type']}", lang),
            }
            for r in rulebook.all_rules(context.database_url())
        ]

    @app.callback(
        Output(ids.IOT_RULE_MSG, "children"),
        Input(ids.IOT_RULES, "data_timestamp"),
        State(ids.IOT_RULES, "data"),
        State(ids.IOT_RULES, "data_previous"),
        prevent_initial_call=True,
    )
    @guard("rules.edit")
    def save_rules(_stamp: Count | None, rows: list[RuleRow] | None, previous: list[RuleRow] | None):
        if not rows or not previous:
            return no_update
        lang = context.lang()
        messages = []
        for row, old in zip(rows, previous, strict=False):
            changes = {k: row[k] for k in rulebook.EDITABLE if row.get(k) != old.get(k)}
            if not changes:
                continue
            if "enabled" in changes:
                changes["enabled"] = changes["enabled"] in (True, "true")
            for key in ("duration_s", "severity", "escalate_after_s"):
                if key in changes and isinstance(changes[key], float) and changes[key].is_integer():
                    changes[key] = int(changes[key])
            problems = rulebook.update(context.database_url(), current_actor(), int(row["id"]), changes)
            messages.append(
                t("alarm.refused", lang, reason="; ".join(problems))
                if problems
                else t("iot.rule_saved", lang, id=row["id"])
            )
        return " ".join(messages) or no_update

    @app.callback(Output(ids.IOT_QUARANTINE, "children"), Input("live-status", "data"))
    @guard("view")
    def quarantine(_status: Shown):
        lang = context.lang()
        summary = devices.quarantine(context.database_url())
        rows = [
            html.Div(
                className="quarantine-row",
                children=[
                    html.Div(f"{context.when(q['received_at'])} · {q['source']} · {q['topic'] or '—'}"),
                    html.Div(f"{t('col.reason', lang)}: {q['reason']}"),
                    html.Code(q["payload"]),
                ],
            )
            for q in summary["recent"]
        ]
        return [html.Div(f"{t('iot.quarantined', lang)}: {number(summary['total'])}", className="note"), *rows]

    @app.callback(Output(ids.IOT_DEVICE_LAYER, "url"), Input("alarm-feed", "data"), prevent_initial_call=True)
    @guard("view")
    def refresh_map(feed: AlarmFeed | None):
        return f"/geo/device_status.json?v={(feed or {}).get('cursor', 0)}"
