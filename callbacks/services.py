"""Services wiring: the hotline's figures and the channels' chart; the service items with e-licences and
credit commitments (the services check the role and audit); the ticket queue on the map and a ticket's
steps; a ticket taken in and routed; the assessment ranking, its weights and the monthly report; hotspots made
into operations cases."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.i18n import t
from cockpit.inputs import ByAction, ByCode, ByNumber, ByNumberAction, Clicks, Id, Name, Shape, Shown, Text, Weight
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.geojson import feature_collection, point
from cockpit.services.services import assessment, commitments, hotspots, licence_signing, service_items, tickets
from cockpit.ui import services as ids
from cockpit.ui.kit import clicked_pattern, kpi, styled
from cockpit.vocab import PALETTE, TICKET_ACTIONS, TICKET_COLOURS

CHANNEL_COLOURS = {
    "window": PALETTE["blue"],
    "website": PALETTE["cyan_light"],
    "app": PALETTE["green_light"],
    "kiosk": PALETTE["purple"],
    "hotline": PALETTE["orange"],
}
SHOWN_QUEUE = 60


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _kpis(found: dict, lang: str) -> list:
    return [
        kpi(t("sv.k.today", lang), str(found["today"])),
        kpi(t("sv.k.open", lang), str(found["open"])),
        kpi(t("sv.k.triage", lang), str(found["triage"])),
        kpi(t("sv.k.overdue", lang), str(found["overdue"])),
        kpi(t("assess.col.response", lang), _rate(found["response"])),
        kpi(t("assess.col.resolution", lang), _rate(found["resolution"])),
        kpi(t("assess.col.satisfaction", lang), _rate(found["satisfaction"])),
        kpi(t("sv.k.returns", lang), _rate(found["return_rate"])),
    ]


def _channel_chart(found: dict, lang: str) -> go.Figure:
    figure = go.Figure()
    for channel, values in found["series"].items():
        figure.add_trace(
            go.Scatter(
                x=found["days"],
                y=values,
                name=t(f"sv.channel.{channel}", lang),
                mode="lines",
                line={"color": CHANNEL_COLOURS[channel], "width": 1.5},
            )
        )
    return styled(
        figure,
        None,
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "font": {"size": 9}},
        margin={"l": 40, "r": 6, "t": 30, "b": 20},
        xaxis={"tickformat": "%m-%d"},
    )


def _channels(found: dict, lang: str) -> list:
    lines = [html.Div(t("sv.generated", lang), className="note")]
    for warning in found["warnings"]:
        lines.append(
            html.Div(
                t("sv.queue_warning", lang, hall=warning["hall"], minutes=warning["wait_min"]), className="alert-line"
            )
        )
    lines.append(
        html.Div(
            " · ".join(f"{t(f'sv.channel.{c}', lang)} {m} {t('sv.minutes', lang)}" for c, m in found["means"].items()),
            className="note",
        )
    )
    return lines


def _item_rows(rows: list[dict], lang: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"sv.icol.{c}", lang)) for c in ("name", "days", "volume", "complaints")])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(
                                [html.Span(r["name"], className="raw")]
                                + ([html.Span(r["bundle"], className="band-chip sv-bundle raw")] if r["bundle"] else [])
                                + [html.Div(f"{r['department']} · {r['online']}", className="meta raw")]
                            ),
                            html.Td(f"{r['committed_days']}/{r['statutory_days']}"),
                            html.Td(f"{r['volume']:,.0f}"),
                            html.Td(str(r["complaints"])),
                        ]
                    )
                    for r in rows
                ]
            ),
        ],
        className="table",
    )


def _ticket_line(r: dict, selected: int | None, lang: str) -> html.Button:
    late = tickets.overdue(r, stored_now())
    return html.Button(
        id={"type": ids.SV_PICK, "id": r["id"]},
        className="case-item" + (" selected" if r["id"] == selected else "") + (" overdue" if late else ""),
        children=[
            html.Span(r["title"], className="raw"),
            html.Span(
                t(f"tstatus.{r['status']}", lang),
                className="band-chip",
                style={"background": TICKET_COLOURS[r["status"]]},
            ),
            html.Span(
                f"{r['code']} · {r['department'] or t('sv.no_department', lang)}"
                + (f" · {t('sv.late.' + late, lang)}" if late else ""),
                className="meta raw",
            ),
        ],
    )


def _filtered(status: str | None) -> list[dict]:
    return tickets.desk_queue(context.database_url(), status, stored_now(), SHOWN_QUEUE)


def _points(rows: list[dict], lang: str) -> dict:
    return feature_collection(
        [
            point(
                r["lon"],
                r["lat"],
                {
                    "id": r["id"],
                    "name": f"{r['code']} {t('tstatus.' + r['status'], lang)}",
                    "color": TICKET_COLOURS[r["status"]],
                    "generated": r["generated"],
                },
            )
            for r in rows
            if r["lon"] is not None
        ]
    )


def _detail(found: dict, lang: str) -> list:
    now = stored_now()
    late = tickets.overdue(found, now)
    facts = [
        ("sv.f.code", found["code"]),
        ("sv.f.channel", t(f"sv.channel.{found['channel']}", lang) if found["channel"] != "open311" else "Open311"),
        ("sv.f.category", f"{found['category']} · {found['department'] or t('sv.no_department', lang)}"),
        (
            "sv.f.routing",
            t(
                "sv.routing_line",
                lang,
                confidence=f"{100 * found['confidence']:.0f}",
                by=t(f"sv.by.{found['routed_by']}", lang),
            ),
        ),
        ("sv.f.address", found["address"] or found["street_code"] or "—"),
        (
            "sv.f.caller",
            " ".join(
                v
                for v in (
                    found["caller_name"] or "",
                    found["caller_phone"] or "",
                )
                if v
            )
            or "—",
        ),
        (
            "sv.f.due",
            t("sv.due_line", lang, contact=f"{found['contact_due']:%m-%d %H:%M}", handle=f"{found['handle_due']:%m-%d}")
            + (f" · {t('sv.late.' + late, lang)}" if late else ""),
        ),
    ]
    if found["item_code"]:
        facts.append(("sv.f.item", found["item_code"]))
    if found["case_id"]:
        facts.append(("sv.f.case", f"#{found['case_id']}"))
    return [
        html.H3(found["title"], className="raw"),
        html.Div(found["text"], className="sv-ticket-text raw"),
        *[
            html.Div([html.Span(t(k, lang), className="k"), html.Span(v, className="raw")], className="kv")
            for k, v in facts
        ],
        html.Ul(
            [
                html.Li(
                    f"{e['at']:%m-%d %H:%M} {t('taction.' + e['action'], lang)} {e['department'] or ''} "
                    f"{e['note'] or ''}".strip(),
                    className="raw",
                )
                for e in found["events"]
            ],
            className="sv-events",
        ),
    ]


def _ranking_table(rows: list[dict], lang: str) -> html.Table:
    cols = ("rank", "name", "tickets", "response", "resolution", "satisfaction", "composite", "returns")
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"assess.col.{c}", lang)) for c in cols])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(str(r["rank"] or "—")),
                            html.Td(r["name"], className="raw"),
                            html.Td(str(r["tickets"])),
                        ]
                        + [html.Td(_rate(r[c])) for c in ("response", "resolution", "satisfaction", "composite")]
                        + [html.Td(str(r["returns"]))]
                    )
                    for r in rows[:40]
                ]
            ),
        ],
        className="table",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.SV_KPIS, "children"),
        Output(ids.SV_CHANNEL_CHART, "figure"),
        Output(ids.SV_CHANNELS, "children"),
        Input(ids.SV_MSG, "children"),
        Input(ids.SV_INTAKE_MSG, "children"),
    )
    @guard("services.read")
    def vitals(_msg: Shown, _intake: Shown):
        lang = context.lang()
        found = service_items.channels(context.database_url())
        return (
            _kpis(assessment.overview(context.database_url()), lang),
            _channel_chart(found, lang),
            _channels(found, lang),
        )

    @app.callback(
        Output(ids.SV_ITEMS, "children"),
        Output(ids.SV_ITEM, "options"),
        Output(ids.SV_LINK_ITEM, "options"),
        Input(ids.SV_MSG, "children"),
    )
    @guard("services.read")
    def items(_msg: Shown):
        lang = context.lang()
        try:
            rows = service_items.items(context.database_url())
        except Refused as error:
            return error.say(lang), [], []
        options = [{"label": f"{r['name']}（{r['department']}）", "value": r["code"]} for r in rows]
        return (
            [
                html.Div(
                    [t("sv.items_note", lang), " ", html.Code("cockpit import items.csv --dataset service_items")],
                    className="note",
                ),
                _item_rows(rows[:20], lang),
            ],
            options,
            options,
        )

    @app.callback(
        Output(ids.SV_LICENCE, "children"),
        Output(ids.SV_LICENCE_ID, "data"),
        Output(ids.SV_VERIFY, "className"),
        Input(ids.SV_ISSUE, "n_clicks"),
        State(ids.SV_ITEM, "value"),
        State(ids.SV_HOLDER, "value"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def issue(_clicks: Clicks | None, item: Name | None, holder: Name | None):
        lang = context.lang()
        if not item:
            return t("sv.pick_item", lang), no_update, "hidden"
        try:
            found = licence_signing.issue(
                context.database_url(), context.settings().var_dir, current_actor(), item, holder or ""
            )
        except Refused as error:
            return error.say(lang), no_update, "hidden"
        card = html.Div(
            className="sv-licence-card",
            children=[
                html.Img(src=f"data:image/png;base64,{found['qr_png']}", alt=found["number"]),
                html.Div(
                    [
                        html.B(found["number"], className="raw"),
                        html.Div(found["item"], className="raw"),
                        html.Div(found["holder"], className="raw"),
                        html.Div(t("sv.signed", lang, sig=found["signature"][:16]), className="note"),
                    ]
                ),
            ],
        )
        return card, found["id"], None

    @app.callback(
        Output(ids.SV_LICENCE, "children", allow_duplicate=True),
        Input(ids.SV_VERIFY, "n_clicks"),
        State(ids.SV_LICENCE_ID, "data"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def verify(_clicks: Clicks | None, licence_id: Id | None):
        lang = context.lang()
        if not licence_id:
            return no_update
        try:
            found = licence_signing.verify(
                context.database_url(), context.settings().var_dir, current_actor(), licence_id
            )
        except Refused as error:
            return error.say(lang)
        return html.Div(
            t(f"sv.verify.{found['why']}", lang, number=found["licence"]["number"]),
            className="sv-verified" if found["valid"] else "alert-line",
        )

    @app.callback(
        Output(ids.SV_LICENCE, "children", allow_duplicate=True),
        Input(ids.SV_COMMIT, "n_clicks"),
        State(ids.SV_ITEM, "value"),
        State(ids.SV_HOLDER, "value"),
        State(ids.SV_PROMISE, "value"),
        State(ids.SV_DUE, "value"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def commit(_clicks: Clicks | None, item: Name | None, holder: Name | None, text: Text | None, due: Name | None):
        lang = context.lang()
        try:
            due_on = date.fromisoformat((due or "")[:10])
        except ValueError:
            return t("sv.due_needed", lang)
        if not item:
            return t("sv.pick_item", lang)
        try:
            commitments.promise(context.database_url(), current_actor(), item, holder or "", text or "", due_on)
        except Refused as error:
            return error.say(lang)
        return t("sv.committed", lang)

    @app.callback(
        Output(ids.SV_LICENCE, "children", allow_duplicate=True),
        Input({"type": ids.SV_SETTLE, "id": ALL, "action": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def settle(_clicks: list[Clicks | None]):
        lang = context.lang()
        clicked = clicked_pattern(ByNumberAction)
        if not clicked:
            return no_update
        try:
            commitments.settle(context.database_url(), current_actor(), clicked["id"], clicked["action"])
        except Refused as error:
            return error.say(lang)
        return t(f"sv.settled.{clicked['action']}", lang)

    @app.callback(Output(ids.SV_COMMITMENTS, "children"), Input(ids.SV_LICENCE, "children"))
    @guard("services.read")
    def commitment_list(_shown: Shown):
        lang = context.lang()
        may = allows(current_actor().role, "licence.issue")
        return [
            html.Div(
                className="lead",
                children=[
                    html.Span(f"{c['holder']} · {c['item_code']} · {c['due_on']:%Y-%m-%d}", className="raw"),
                    html.Span(
                        t(f"sv.cstate.{c['state']}", lang) + (f" · {t('sv.overdue', lang)}" if c["overdue"] else "")
                    ),
                    *[
                        html.Button(
                            t(f"sv.settle.{a}", lang),
                            id={"type": ids.SV_SETTLE, "id": c["id"], "action": a},
                            className=None if may else "hidden",
                        )
                        for a in (("kept", "broken") if c["state"] == "pending" else ())
                    ],
                ],
            )
            for c in commitments.listing(context.database_url())[:12]
        ]

    @app.callback(
        Output(ids.SV_QUEUE, "children"),
        Output(ids.SV_POINTS, "data"),
        Input(ids.SV_STATUS, "value"),
        Input(ids.SV_SELECTED, "data"),
        Input(ids.SV_MSG, "children"),
        Input(ids.SV_INTAKE_MSG, "children"),
    )
    @guard("services.read")
    def queue(status: Name | None, selected: Id | None, _msg: Shown, _intake: Shown):
        lang = context.lang()
        rows = _filtered(status)
        return [_ticket_line(r, selected, lang) for r in rows] or t("sv.empty", lang), _points(rows, lang)

    @app.callback(
        Output(ids.SV_SELECTED, "data"),
        Input({"type": ids.SV_PICK, "id": ALL}, "n_clicks"),
        Input(ids.SV_POINTS, "clickData"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def pick(_clicks: list[Clicks | None], feature: Shape | None):
        if ctx.triggered_id == ids.SV_POINTS:
            found = ((feature or {}).get("properties") or {}).get("id")
            return found if isinstance(found, int) and found > 0 else no_update
        clicked = clicked_pattern(ByNumber)
        return clicked["id"] if clicked else no_update

    @app.callback(
        Output(ids.SV_DETAIL, "children"),
        Output(ids.SV_ACTIONS, "children"),
        Input(ids.SV_SELECTED, "data"),
        Input(ids.SV_MSG, "children"),
    )
    @guard("services.read")
    def detail(selected: Id | None, _msg: Shown):
        lang = context.lang()
        if not selected:
            return t("sv.pick", lang), []
        try:
            found = tickets.detail(context.database_url(), selected)
        except Refused as error:
            return error.say(lang), []
        may = allows(current_actor().role, "ticket.handle")
        buttons = [
            html.Button(
                t(f"taction.{a}", lang), id={"type": ids.SV_ACT, "action": a}, className=None if may else "hidden"
            )
            for a, (starts, _to) in TICKET_ACTIONS.items()
            if found["status"] in starts
        ]
        return _detail(found, lang), buttons

    @app.callback(
        Output(ids.SV_MSG, "children"),
        Input({"type": ids.SV_ACT, "action": ALL}, "n_clicks"),
        State(ids.SV_SELECTED, "data"),
        State(ids.SV_CATEGORY, "value"),
        State(ids.SV_NOTE, "value"),
        State(ids.SV_RESOLVED, "value"),
        State(ids.SV_SATISFACTION, "value"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def act(
        _clicks: list[Clicks | None],
        selected: Id | None,
        category: Name | None,
        note: Text | None,
        resolved: Name | None,
        satisfaction: Name | None,
    ):
        lang = context.lang()
        clicked = clicked_pattern(ByAction)
        if not clicked or not selected:
            return no_update
        try:
            done = tickets.transition(
                context.database_url(),
                current_actor(),
                selected,
                clicked["action"],
                note or "",
                category,
                None if resolved is None else resolved == "yes",
                satisfaction,
            )
        except Refused as error:
            return error.say(lang)
        return t("sv.done", lang, code=done["code"], status=t(f"tstatus.{done['status']}", lang))

    @app.callback(
        Output(ids.SV_MSG, "children", allow_duplicate=True),
        Input(ids.SV_LINK, "n_clicks"),
        State(ids.SV_SELECTED, "data"),
        State(ids.SV_LINK_ITEM, "value"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def link(_clicks: Clicks | None, selected: Id | None, item: Name | None):
        lang = context.lang()
        if not selected or not item:
            return t("sv.link_needs", lang)
        try:
            service_items.item(context.database_url(), item)
            done = tickets.link(context.database_url(), current_actor(), selected, item_code=item)
        except Refused as error:
            return error.say(lang)
        return t("sv.linked", lang, code=done["code"], item=item)

    @app.callback(
        Output(ids.SV_INTAKE_MSG, "children"),
        Output(ids.SV_SELECTED, "data", allow_duplicate=True),
        Input(ids.SV_SUBMIT, "n_clicks"),
        State(ids.SV_CHANNEL, "value"),
        State(ids.SV_TEXT, "value"),
        State(ids.SV_ADDRESS, "value"),
        State(ids.SV_CALLER, "value"),
        State(ids.SV_PHONE, "value"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def intake(
        _clicks: Clicks | None,
        channel: Name | None,
        text: Text | None,
        address: Name | None,
        caller: Name | None,
        phone: Name | None,
    ):
        lang = context.lang()
        try:
            row = tickets.intake(
                context.database_url(),
                current_actor(),
                channel or "hotline",
                text or "",
                address=address or None,
                caller_name=caller or None,
                caller_phone=phone or None,
            )
        except Refused as error:
            return error.say(lang), no_update
        routing = row["routing"]
        lines = [
            html.B(t("sv.taken", lang, code=row["code"], status=t(f"tstatus.{row['status']}", lang))),
            html.Div(
                t(
                    "sv.routed",
                    lang,
                    category=routing["category"],
                    department=routing["department"],
                    confidence=f"{100 * routing['confidence']:.0f}",
                )
            ),
            html.Div(
                " · ".join(f"{c['category']} {100 * c['confidence']:.0f}%" for c in routing["candidates"]),
                className="note",
            ),
            html.Div(
                t("sv.placed", lang, place=row["address"] or "—") if row["lon"] is not None else t("sv.unplaced", lang),
                className="note",
            ),
        ]
        return lines, row["id"]

    @app.callback(
        Output(ids.SV_QUEUE_BOX, "className"),
        Output(ids.SV_RANKING_BOX, "className"),
        Output(ids.SV_HOT_BOX, "className"),
        Input(ids.SV_VIEW, "value"),
    )
    @guard("services.read")
    def view(chosen: Name | None):
        shown = chosen if chosen in ("queue", "ranking", "hotspots") else "queue"
        return tuple(
            ("sv-view" + (" sv-queue-view" if v == "queue" else "") + ("" if v == shown else " hidden"))
            for v in ("queue", "ranking", "hotspots")
        )

    @app.callback(
        Output(ids.SV_RANKING, "children"),
        Output(ids.SV_W_RESPONSE, "value"),
        Output(ids.SV_W_RESOLUTION, "value"),
        Output(ids.SV_W_SATISFACTION, "value"),
        Input(ids.SV_BY, "value"),
        Input(ids.SV_MONTH, "value"),
        Input(ids.SV_W_MSG, "children"),
    )
    @guard("services.read")
    def ranking(by: Name | None, month: Name | None, _msg: Shown):
        lang = context.lang()
        try:
            rows = assessment.ranking(
                context.database_url(), by or "department", None if month in (None, "all") else month
            )
        except Refused as error:
            return error.say(lang), no_update, no_update, no_update
        w = assessment.weights(context.database_url())
        note = html.Div(t("assess.weights_line", lang, **{k: f"{100 * v:.0f}" for k, v in w.items()}), className="note")
        return [note, _ranking_table(rows, lang)], w["response"], w["resolution"], w["satisfaction"]

    @app.callback(
        Output(ids.SV_W_MSG, "children"),
        Input(ids.SV_W_SAVE, "n_clicks"),
        State(ids.SV_W_RESPONSE, "value"),
        State(ids.SV_W_RESOLUTION, "value"),
        State(ids.SV_W_SATISFACTION, "value"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def save_weights(
        _clicks: Clicks | None, response: Weight | None, resolution: Weight | None, satisfaction: Weight | None
    ):
        lang = context.lang()
        given = {"response": response, "resolution": resolution, "satisfaction": satisfaction}
        if any(v is None for v in given.values()):
            return t("err.assess.bad_weights", lang)
        try:
            assessment.set_weights(context.database_url(), current_actor(), given)
        except Refused as error:
            return error.say(lang)
        return t("sv.weights_saved", lang)

    @app.callback(
        Output(ids.SV_DOWNLOAD, "data"),
        Input(ids.SV_REPORT, "n_clicks"),
        State(ids.SV_MONTH, "value"),
        prevent_initial_call=True,
    )
    @guard("export")
    def report(_clicks: Clicks | None, month: Name | None):
        lang = context.lang()
        chosen = month if month and month != "all" else assessment.recent_months()[0]
        try:
            body = assessment.monthly_pdf(
                context.database_url(), current_actor(), chosen, lang, context.settings().var_dir
            )
        except Refused:
            return no_update
        return dcc.send_bytes(body, f"12345-assessment-{chosen}.pdf")

    @app.callback(
        Output(ids.SV_HOTSPOTS, "children"),
        Input(ids.SV_HOT_MSG, "children"),
        Input(ids.SV_VIEW, "value"),
    )
    @guard("services.read")
    def hot(_msg: Shown, _view: Name | None):
        lang = context.lang()
        may = allows(current_actor().role, "case.handle")
        return [
            html.Div(
                className="rec",
                children=[
                    html.Span(t("sv.topic", lang), className="band-chip sv-topic") if h["topic"] else None,
                    html.B(f"{h['street_name']} · {h['category']} · ", className="raw"),
                    html.Span(t("sv.hot_count", lang, n=h["tickets"])),
                    html.Ul([html.Li(x, className="raw") for x in h["titles"]]),
                    html.Span(t("sv.hot_case", lang, case=h["case_id"]))
                    if h["case_id"]
                    else html.Button(
                        t("sv.to_case", lang),
                        id={"type": ids.SV_HOT_CASE, "code": h["key"]},
                        className=None if may else "hidden",
                    ),
                ],
            )
            for h in hotspots.find(context.database_url())
        ] or t("sv.no_hotspots", lang)

    @app.callback(
        Output(ids.SV_HOT_MSG, "children"),
        Input({"type": ids.SV_HOT_CASE, "code": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("services.read")
    def hot_case(_clicks: list[Clicks | None]):
        lang = context.lang()
        clicked = clicked_pattern(ByCode)
        if not clicked:
            return no_update
        try:
            found = hotspots.to_case(context.database_url(), current_actor(), clicked["code"])
        except Refused as error:
            return error.say(lang)
        return t("sv.hot_filed", lang, case=found["case_id"], n=found["tickets"])
