"""Industry wiring: the district drill-down (dropdown or a click on the map) drives the indicators, return to
work and the enterprises on the map; one indicator's forecast chart and back-test; a chain's graph and ranked
gaps; a node's recommended companies and the approaches (the service checks the role and audits); the zombie
flags and one step of a flag's review (likewise)."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from cockpit import context
from cockpit.auth import current_actor, guard
from cockpit.i18n import t
from cockpit.inputs import ByAction, ByCode, ByCodeAction, ByName, Clicks, Name, Names, Shape, Shown, Text
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.industry import attraction, chain_gaps, economy, industry_view, zombies
from cockpit.services.industry.chains import NODES
from cockpit.ui import industry as ids
from cockpit.ui.kit import clicked_pattern, kpi, styled
from cockpit.vocab import CHAIN_ACTION_COLOURS, LEAD_NEXT, PALETTE, PRODUCTION_COLOURS, ZOMBIE_NEXT, ZOMBIE_TIER_COLOURS

MODEL_COLOURS = {
    "naive": PALETTE["grey"],
    "snaive": PALETTE["grey_light"],
    "drift": PALETTE["grey_dark"],
    "ets": PALETTE["green"],
    "arima": PALETTE["orange"],
    "dfm": PALETTE["accent"],
}


def _district(value: str | None) -> str | None:
    return None if not value or value == "city" else value


def _kpis(rows: list[dict], lang: str) -> list:
    return [
        kpi(
            t(f"ind.ind.{r['name']}", lang),
            f"{r['year_total'] if r['year_total'] is not None else r['latest']:,.0f}",
            f"{t('ind.unit.' + r['name'], lang)} · {t('ind.yoy', lang)} {r['yoy']:+.1f}%",
        )
        for r in rows
    ]


def _production(found: dict, lang: str) -> list:
    total = max(1, sum(found["counts"].values()))
    bars = [
        html.Div(
            className="stage-bar",
            children=[
                html.Span(t(f"ind.prod.{state}", lang), className="k"),
                html.Span(
                    className="bar", style={"width": f"{100 * n / total:.0f}%", "background": PRODUCTION_COLOURS[state]}
                ),
                html.Span(str(n)),
            ],
        )
        for state, n in found["counts"].items()
    ]
    low = "、".join(f"{r['industry']} {r['rate']:.0f}%" for r in found["lowest"][:4])
    return [
        html.Div(t("ind.prod_rate", lang, rate=found["rate"], power=found["power"]), className="note"),
        html.Div(className="stage-bars", children=bars),
        html.Div(t("ind.prod_low", lang, which=low), className="note"),
    ]


def _listed(found: dict, lang: str) -> html.Table:
    first, last = found["years"][0], found["years"][-1]
    head = [
        t("ind.col.industry", lang),
        t("ind.col.firms", lang),
        f"{last}",
        t("ind.col.growth", lang, first=first),
        t("ind.col.profit", lang),
    ]
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(r["industry"], className="raw"),
                            html.Td(str(r["firms"])),
                            html.Td(f"{r['revenue'][-1]:,.0f}"),
                            html.Td(
                                f"{100 * (r['revenue'][-1] / r['revenue'][0] - 1):+.0f}%" if r["revenue"][0] else "—"
                            ),
                            html.Td(f"{r['net_profit'][-1]:,.0f}"),
                        ]
                    )
                    for r in found["rows"]
                ]
            ),
        ],
        className="table",
    )


def _forecast_figure(found: dict, lang: str) -> go.Figure:
    figure = go.Figure()
    months, values = found["months"][-48:], found["values"][-48:]
    figure.add_trace(go.Scatter(x=months, y=values, name=t("ind.actual", lang), line={"color": PALETTE["white"]}))
    test_months = found["months"][-found["horizon"] :]
    for model, colour in MODEL_COLOURS.items():
        back = found["backtest"][model]
        label = f"{t('ind.model.' + model, lang)} {back['mape']:.1f}%"
        figure.add_trace(
            go.Scatter(
                x=test_months,
                y=back["predicted"],
                mode="lines",
                name=label,
                legendgroup=model,
                line={"color": colour, "dash": "dot", "width": 1},
            )
        )
        figure.add_trace(
            go.Scatter(
                x=found["future"],
                mode="lines",
                y=found["forecast"][model],
                legendgroup=model,
                showlegend=False,
                line={"color": colour, "width": 2 if model in ("ets", "arima", "dfm") else 1},
            )
        )
    return styled(
        figure,
        None,
        legend={"orientation": "h", "y": -0.15, "font": {"size": 9}},
        margin={"l": 48, "r": 8, "t": 8, "b": 8},
    )


def _backtest(found: dict, lang: str) -> html.Table:
    rows = sorted(found["backtest"].items(), key=lambda kv: kv[1]["mape"] if kv[1]["mape"] is not None else 1e9)
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t("ind.col.model", lang)), html.Th("MAPE"), html.Th("RMSE")])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(t(f"ind.model.{m}", lang) + (" ★" if m == found["best"] else "")),
                            html.Td(f"{e['mape']:.2f}%"),
                            html.Td(f"{e['rmse']:,.1f}"),
                        ],
                        className="base" if m in ("naive", "snaive", "drift") else None,
                    )
                    for m, e in rows
                ]
            ),
        ],
        className="table",
    )


def _chain_figure(found: dict, lang: str) -> go.Figure:
    layout = industry_view.chain_layout(found)
    pos, sizes = layout["positions"], layout["sizes"]
    figure = go.Figure()
    for edge in found["edges"]:
        (x0, y0), (x1, y1) = pos[edge["from"]], pos[edge["to"]]
        figure.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line={"color": PALETTE["slate_light"], "width": 1},
            )
        )
    nodes = found["nodes"]
    name = "name" if lang == "zh" else "name_en"
    figure.add_trace(
        go.Scatter(
            x=[pos[n["key"]][0] for n in nodes],
            y=[pos[n["key"]][1] for n in nodes],
            mode="markers+text",
            text=[f"{n[name]}<br>{n['local_count']:g} · {n['score']:.2f}" for n in nodes],
            textposition="bottom center",
            marker={
                "size": [sizes[n["key"]] for n in nodes],
                "color": [CHAIN_ACTION_COLOURS[n["action"]] for n in nodes],
                "line": {"color": PALETTE["night_deep"]},
            },
            hovertext=[
                t("ind.node_hover", lang, lq=n["lq"], out=f"{n['local_output'] / 1e8:,.1f}", score=n["score"])
                for n in nodes
            ],
            hoverinfo="text",
            showlegend=False,
        )
    )
    figure.update_xaxes(visible=False, range=[-0.5, 2.5])
    heights = [y for _x, y in pos.values()]
    figure.update_yaxes(visible=False, range=[min(heights) - 0.9, max(heights) + 0.5])
    for x, tier in enumerate(("up", "mid", "down")):
        figure.add_annotation(x=x, y=1, yref="paper", text=t(f"ind.tier.{tier}", lang), showarrow=False)
    return styled(figure, None, margin={"l": 8, "r": 8, "t": 24, "b": 8})


def _targets(found: dict, selected: str | None, lang: str) -> list:
    by_key = {n["key"]: n for n in found["nodes"]}
    name = "name" if lang == "zh" else "name_en"
    return [
        html.Button(
            id={"type": ids.IND_NODE_PICK, "name": target["node"]},
            className="case-item" + (" selected" if target["node"] == selected else ""),
            children=[
                html.Span(
                    t(f"ind.action.{target['action']}", lang),
                    className="band-chip",
                    style={"background": CHAIN_ACTION_COLOURS[target["action"]]},
                ),
                html.Span(by_key[target["node"]][name]),
                html.Span(
                    t(
                        "ind.target_line",
                        lang,
                        score=target["score"],
                        lq=by_key[target["node"]]["lq"],
                        n=f"{by_key[target['node']]['local_count']:g}",
                    ),
                    className="meta",
                ),
            ],
        )
        for target in found["targets"]
    ]


def _reason(reason: dict, lang: str) -> str:
    return t(reason["key"], lang, **{k: v for k, v in reason.items() if k != "key"})


def _recs(found: list[dict], tracked: set[str], lang: str) -> list:
    may = allows(current_actor().role, "industry.attract")
    return [
        html.Div(
            className="rec",
            children=[
                html.Div(
                    [
                        html.B(r["enterprise"]),
                        f" · {r['province']} · {r['industry']} · ",
                        t("ind.score", lang, score=r["score"]),
                    ]
                ),
                html.Ul([html.Li(_reason(reason, lang)) for reason in r["reasons"]]),
                html.Button(
                    t("ind.track", lang),
                    id={"type": ids.IND_LEAD_ADD, "code": r["code"]},
                    className=None if may and r["code"] not in tracked else "hidden",
                ),
            ],
        )
        for r in found
    ] or [html.Div(t("ind.no_recs", lang), className="note")]


def _leads(rows: list[dict], lang: str) -> list:
    may = allows(current_actor().role, "industry.attract")
    return [
        html.Div(
            className="lead",
            children=[
                html.Span(r["enterprise"], className="raw"),
                html.Span(t("ind.stage." + r["stage"], lang)),
                *[
                    html.Button(
                        t(f"ind.stage.{after}", lang),
                        id={"type": ids.IND_LEAD_MOVE, "code": r["code"], "action": after},
                        className=None if may else "hidden",
                    )
                    for after in LEAD_NEXT.get(r["stage"], ())
                ],
            ],
        )
        for r in rows
    ] or [html.Div(t("ind.no_leads", lang), className="note")]


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e8:,.2f}"


def _zombie_rows(found: list[dict], selected: str | None, lang: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"ind.zcol.{c}", lang)) for c in ("firm", "tier", "loss", "debt", "state")])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(
                                html.Button(
                                    z["enterprise"],
                                    id={"type": ids.IND_ZOMBIE_PICK, "code": z["code"]},
                                    className="link raw",
                                )
                            ),
                            html.Td(
                                html.Span(
                                    "+".join(z["tiers"]),
                                    className="band-chip",
                                    style={"background": ZOMBIE_TIER_COLOURS[z["tier"]]},
                                )
                            ),
                            html.Td(" / ".join(_money(v) for v in z["evidence"]["net_profit"].values())),
                            html.Td(
                                "—"
                                if z["evidence"]["debt_ratio"]["2024"] is None
                                else f"{100 * z['evidence']['debt_ratio']['2024']:.0f}%"
                            ),
                            html.Td(t(f"zombie.{z['state']}", lang)),
                        ],
                        className="selected" if z["code"] == selected else None,
                    )
                    for z in found
                ]
            ),
        ],
        className="table",
    )


def _zombie_detail(z: dict, lang: str) -> list:
    e = z["evidence"]
    lines = [
        html.B(f"{z['enterprise']} ({z['code']}) · {z['industry']}", className="raw"),
        html.Div(t("ind.z_tier", lang, tiers="+".join(z["tiers"]))),
        html.Div(t("ind.z_profit", lang, values=" / ".join(_money(v) for v in e["net_profit"].values()))),
        html.Div(t("ind.z_operating", lang, values=" / ".join(_money(v) for v in e["operating_profit"].values()))),
        html.Div(
            t(
                "ind.z_debt",
                lang,
                values=" / ".join("—" if v is None else f"{100 * v:.0f}%" for v in e["debt_ratio"].values()),
            )
        ),
        html.Div(t("ind.z_nonop", lang, value=_money(e["non_operating_2024"]))),
        html.Div(t("ind.z_missing_a", lang), className="note"),
        html.Div(t("ind.z_missing_b", lang), className="note"),
        html.Div(t("ind.z_missing_c", lang), className="note"),
    ]
    if z["note"]:
        lines.append(html.Div(t("ind.z_last_note", lang, note=z["note"])))
    return lines


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.IND_KPIS, "children"),
        Output(ids.IND_PRODUCTION, "children"),
        Output(ids.IND_LISTED, "children"),
        Input(ids.IND_DISTRICT, "value"),
    )
    @guard("industry.read")
    def economy_panels(district: Name | None):
        lang = context.lang()
        try:
            rows = economy.indicators(context.database_url(), _district(district))
            made = economy.production(context.database_url(), _district(district))
        except Refused as error:
            return error.say(lang), no_update, no_update
        return (
            _kpis(rows, lang),
            _production(made, lang),
            _listed(economy.listed_by_industry(context.database_url()), lang),
        )

    @app.callback(
        Output(ids.IND_FORECAST, "figure"),
        Output(ids.IND_BACKTEST, "children"),
        Input(ids.IND_DISTRICT, "value"),
        Input(ids.IND_INDICATOR, "value"),
    )
    @guard("industry.read")
    def outlook(district: Name | None, indicator: Name | None):
        lang = context.lang()
        try:
            found = economy.outlook(context.database_url(), indicator or "consumption", _district(district))
        except Refused as error:
            return no_update, error.say(lang)
        return _forecast_figure(found, lang), _backtest(found, lang)

    @app.callback(
        Output(ids.IND_FIRMS, "data"),
        Output(ids.IND_MAP, "viewport"),
        Input(ids.IND_DISTRICT, "value"),
        Input(ids.IND_COLOUR, "value"),
        Input(ids.IND_SECTORS, "value"),
    )
    @guard("industry.read")
    def firms(district: Name | None, colour: Name | None, sectors: Names | None):
        chosen = _district(district)
        try:
            viewport = industry_view.district_viewport(context.database_url(), chosen) if chosen else no_update
        except Refused:
            return no_update, no_update
        return industry_view.enterprises_geojson(
            context.database_url(), chosen, colour or "sector", sectors or None, lang=context.lang()
        ), viewport

    @app.callback(
        Output(ids.IND_DISTRICT, "value"),
        Input(ids.IND_DISTRICTS, "clickData"),
        prevent_initial_call=True,
    )
    @guard("industry.read")
    def drill(feature: Shape | None):
        code = ((feature or {}).get("properties") or {}).get("adcode")
        return code if isinstance(code, str) and code.isdigit() and len(code) == 6 else no_update

    @app.callback(
        Output(ids.IND_OUTLOOK, "className"),
        Output(ids.IND_CHAIN_BOX, "className"),
        Output(ids.IND_ZOMBIE_BOX, "className"),
        Input(ids.IND_VIEW, "value"),
    )
    @guard("industry.read")
    def view(chosen: Name | None):
        shown = chosen if chosen in ("outlook", "chain", "zombies") else "outlook"
        return tuple(
            "ind-view" + ("" if v == shown else " hidden") + (" ind-zombies" if v == "zombies" else "")
            for v in ("outlook", "chain", "zombies")
        )

    @app.callback(
        Output(ids.IND_CHAIN_GRAPH, "figure"),
        Output(ids.IND_TARGETS, "children"),
        Input(ids.IND_CHAIN, "value"),
        Input(ids.IND_NODE, "data"),
    )
    @guard("industry.read")
    def chain(chosen: Name | None, node: Name | None):
        lang = context.lang()
        try:
            found = chain_gaps.analyse(context.database_url(), chosen or "ic")
        except Refused as error:
            return no_update, error.say(lang)
        return _chain_figure(found, lang), _targets(found, node, lang)

    @app.callback(
        Output(ids.IND_NODE, "data"),
        Input({"type": ids.IND_NODE_PICK, "name": ALL}, "n_clicks"),
        Input(ids.IND_CHAIN, "value"),
        prevent_initial_call=True,
    )
    @guard("industry.read")
    def pick_node(_clicks: list[Clicks | None], _chain: Name | None):
        if ctx.triggered_id == ids.IND_CHAIN:
            return None
        clicked = clicked_pattern(ByName)
        return clicked["name"] if clicked and clicked["name"] in NODES else no_update

    @app.callback(
        Output(ids.IND_RECS, "children"),
        Output(ids.IND_LEADS, "children"),
        Input(ids.IND_NODE, "data"),
        Input(ids.IND_LEAD_MSG, "children"),
    )
    @guard("industry.read")
    def recommendations(node: Name | None, _msg: Shown):
        lang = context.lang()
        if not node:
            return html.Div(t("ind.pick_node", lang), className="note"), _leads(
                attraction.leads(context.database_url()), lang
            )
        try:
            found = attraction.recommend(context.database_url(), node)
        except Refused as error:
            return error.say(lang), no_update
        leads = attraction.leads(context.database_url())
        tracked = {r["code"] for r in leads if r["node"] == node}
        return _recs(found, tracked, lang), _leads(leads, lang)

    @app.callback(
        Output(ids.IND_LEAD_MSG, "children"),
        Input({"type": ids.IND_LEAD_ADD, "code": ALL}, "n_clicks"),
        Input({"type": ids.IND_LEAD_MOVE, "code": ALL, "action": ALL}, "n_clicks"),
        State(ids.IND_NODE, "data"),
        prevent_initial_call=True,
    )
    @guard("industry.read")
    def lead(_add: list[Clicks | None], _move: list[Clicks | None], node: Name | None):
        lang = context.lang()
        if isinstance(ctx.triggered_id, dict) and ctx.triggered_id.get("type") == ids.IND_LEAD_MOVE:
            moved = clicked_pattern(ByCodeAction)
            if not moved:
                return no_update
            found = [r for r in attraction.leads(context.database_url()) if r["code"] == moved["code"]]
            target = (found[0]["node"] if found else node) or ""
            code, stage = moved["code"], moved["action"]
        else:
            added = clicked_pattern(ByCode)
            if not added:
                return no_update
            target, code, stage = node or "", added["code"], "lead"
        try:
            attraction.advance(context.database_url(), current_actor(), target, code, stage)
        except Refused as error:
            return error.say(lang)
        return t("ind.lead_done", lang, code=code, stage=t(f"ind.stage.{stage}", lang))

    @app.callback(
        Output(ids.IND_ZOMBIES, "children"),
        Output(ids.IND_ZOMBIE_DETAIL, "children"),
        Output(ids.IND_ZOMBIE_ACTIONS, "children"),
        Input(ids.IND_ZOMBIE_SEL, "data"),
        Input(ids.IND_ZOMBIE_MSG, "children"),
    )
    @guard("industry.read")
    def zombie_list(selected: Name | None, _msg: Shown):
        lang = context.lang()
        found = zombies.flags(context.database_url())
        picked = next((z for z in found if z["code"] == selected), None)
        if picked is None:
            return _zombie_rows(found, None, lang), t("ind.z_pick", lang), []
        role = current_actor().role
        buttons = [
            html.Button(
                t(f"zombie.do.{after}", lang),
                id={"type": ids.IND_ZOMBIE_MOVE, "action": after},
                className=None
                if allows(role, "industry.decide" if after in ("confirmed", "cleared") else "industry.review")
                else "hidden",
            )
            for after in ZOMBIE_NEXT.get(picked["state"], ())
        ]
        return _zombie_rows(found, selected, lang), _zombie_detail(picked, lang), buttons

    @app.callback(
        Output(ids.IND_ZOMBIE_SEL, "data"),
        Input({"type": ids.IND_ZOMBIE_PICK, "code": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard("industry.read")
    def pick_zombie(_clicks: list[Clicks | None]):
        clicked = clicked_pattern(ByCode)
        return clicked["code"] if clicked else no_update

    @app.callback(
        Output(ids.IND_ZOMBIE_MSG, "children"),
        Input({"type": ids.IND_ZOMBIE_MOVE, "action": ALL}, "n_clicks"),
        State(ids.IND_ZOMBIE_SEL, "data"),
        State(ids.IND_ZOMBIE_NOTE, "value"),
        prevent_initial_call=True,
    )
    @guard("industry.read")
    def zombie_move(_clicks: list[Clicks | None], selected: Name | None, note: Text | None):
        lang = context.lang()
        clicked = clicked_pattern(ByAction)
        if not clicked or not selected:
            return no_update
        try:
            done = zombies.move(context.database_url(), current_actor(), selected, clicked["action"], note or "")
        except Refused as error:
            return error.say(lang)
        return t("ind.z_done", lang, state=t(f"zombie.{done['state']}", lang))
