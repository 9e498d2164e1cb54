"""The big-data platform's views: the catalog list, a dataset's header and tabs (record, fields, preview,
quality, lineage, quarantined rows, usage), the map's features and quality per department, built from the
catalog service's view models."""

from __future__ import annotations

import orjson
import plotly.graph_objects as go
from dash import dcc, html

from cockpit import auth, context
from cockpit.auth import current_actor
from cockpit.bidi import neutral
from cockpit.i18n import t
from cockpit.refusal import Refused
from cockpit.services.data import catalog, dataset_meta
from cockpit.services.kernel.geojson import feature, feature_collection
from cockpit.ui.kit import number, styled
from cockpit.vocab import PALETTE

PREVIEW_ROWS = 50
MAP_FEATURES = 2000
EXPORT_ROWS = 5000
KIND_COLOURS = {
    "source": PALETTE["mist"],
    "import": PALETTE["accent"],
    "transform": PALETTE["yellow"],
    "dataset": PALETTE["green"],
    "share": PALETTE["orange"],
}


def _quality(value: float | None) -> html.Span:
    if value is None:
        return html.Span("—", className="quality")
    tone = "good" if value >= 0.9 else "fair" if value >= 0.7 else "poor"
    return html.Span(f"{value:.0%}", className=f"quality quality-{tone}")


def _title(card: catalog.Card, lang: str) -> str:
    return card.title if lang == "zh" else card.title_en


def catalog_table(cards: list[catalog.Card], lang: str) -> html.Table | str:
    if not cards:
        return t("data.none_found", lang)
    head = ["data.col.title", "data.col.provider", "data.col.sharing", "data.col.frequency", "data.col.rows"]
    rows = []
    for card in cards:
        name = [dcc.Link(neutral(_title(card, lang)), href=f"/platform/data?dataset={card.id}")]
        if card.generated:
            name.append(html.Span(t("label.generated", lang), className="tag"))
        frequency = [t(f"frequency.{card.frequency}", lang)]
        if card.overdue:
            frequency.append(html.Span(t("data.overdue", lang), className="tag tag-bad"))
        rows.append(
            html.Tr(
                [
                    html.Td(name),
                    html.Td(neutral(card.provider)),
                    html.Td(t(f"sharing.{card.sharing}", lang)),
                    html.Td(frequency),
                    html.Td(number(card.rows)),
                    html.Td(_quality(card.quality)),
                ]
            )
        )
    heading = html.Tr([html.Th(t(h, lang)) for h in head] + [html.Th(t("data.col.quality", lang))])
    return html.Table([html.Thead(heading), html.Tbody(rows)], className="table table-left")


def header(found: catalog.Detail, lang: str) -> list:
    card = found.card
    facts = [
        ("data.provider", neutral(card.provider)),
        ("data.source_department", neutral(card.source_department)),
        ("data.col.sharing", t(f"sharing.{card.sharing}", lang)),
        ("data.opening", t(f"opening.{card.opening}", lang)),
        ("data.col.frequency", t(f"frequency.{card.frequency}", lang)),
        ("data.updated", context.when(card.updated_at, "full") if card.updated_at else "—"),
        ("data.col.rows", number(card.rows)),
    ]
    title = [html.H3(neutral(_title(card, lang)))]
    if card.generated:
        title.append(html.Span(t("label.generated", lang), className="tag"))
    if card.overdue:
        title.append(html.Span(t("data.overdue", lang), className="tag tag-bad"))
    return [
        html.Div(title, className="dataset-title"),
        html.Div(neutral(found.record["description"]), className="note"),
        html.Dl([item for k, v in facts for item in (html.Dt(t(k, lang)), html.Dd(v))], className="facts"),
    ]


def _table(columns: list[str], rows: list[list], lang: str, table_id: str | None = None) -> html.Table:
    extra = {"id": table_id} if table_id else {}
    head = html.Tr([html.Th(t(c, lang) if c.startswith("data.") else neutral(c)) for c in columns])
    body = [html.Tr([html.Td(c if isinstance(c, html.Span | list) else neutral(str(c))) for c in r]) for r in rows]
    return html.Table([html.Thead(head), html.Tbody(body)], className="table table-left", **extra)


def _cell(value: object) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else orjson.dumps(value, default=str).decode()
    return text[:120]


def record_tab(found: catalog.Detail, lang: str) -> list:
    versions = [
        [
            f"v{v['number']}",
            t(f"version.{v['status']}", lang),
            v["source_name"],
            v["format"] or "—",
            number(v["rows"]),
            number(v["quarantined"]),
            v["created_by"],
            context.when(v["created_at"], "full"),
            (v["message"] or "").split("|")[-1],
        ]
        for v in found.versions
    ]
    extent = found.extent
    said = [html.Div(t("data.extent", lang) + ": " + (", ".join(f"{x:.5f}" for x in extent) if extent else "—"))]
    if not versions:
        return [*said, html.Div(t("data.live_table", lang), className="note")]
    heads = ["data.col.version", "data.col.status", "data.col.source", "data.col.format", "data.col.rows"]
    heads += ["data.col.quarantined", "data.col.by", "data.col.at", "data.col.message"]
    return [*said, _table(heads, versions, lang, "dataset-versions")]


def fields_tab(found: catalog.Detail, lang: str) -> html.Table:
    rows = [
        [
            f["name"],
            t(f"type.{f['type']}", lang),
            f["description"] or "—",
            _n(f["nulls"]),
            _n(f["invalid"]),
            _cell(f["example"]),
        ]
        for f in found.fields
    ]
    heads = ["data.col.field", "data.col.type", "data.col.description", "data.col.nulls", "data.col.invalid"]
    return _table([*heads, "data.col.example"], rows, lang, "dataset-fields")


def _n(value: int | None) -> str:
    return "—" if value is None else number(value)


def quality_tab(found: catalog.Detail, lang: str) -> list:
    if not found.quality:
        return [t("data.no_quality", lang)]
    latest = found.quality[-1]
    tiles = [
        html.Div(
            [
                html.Div(t(f"quality.{d}", lang), className="kpi-label"),
                html.Div(_quality(latest[d]), className="kpi-value"),
            ],
            className="kpi",
        )
        for d in dataset_meta.DIMENSIONS
    ]
    tiles.insert(
        0,
        html.Div(
            [
                html.Div(t("quality.score", lang), className="kpi-label"),
                html.Div(_quality(latest["score"]), className="kpi-value"),
            ],
            className="kpi",
        ),
    )
    figure = go.Figure(
        go.Scatter(
            x=[context.local(q["measured_at"]) for q in found.quality],
            y=[q["score"] for q in found.quality],
            mode="lines+markers",
            line={"color": PALETTE["accent"]},
            name=t("quality.score", lang),
        )
    )
    styled(figure, 200, yaxis={"range": [0, 1.05], "tickformat": ".0%"}, xaxis={"tickformat": "%m-%d %H:%M"})
    return [
        html.Div(tiles, className="kpis", id="dataset-quality"),
        html.Div(t("quality.note", lang), className="note"),
        dcc.Graph(figure=figure, config={"displayModeBar": False}),
    ]


def lineage_figure(graph: dict[str, list], lang: str) -> go.Figure:
    """Nodes in columns left to right (source → import → transforms → dataset → consumers)."""
    nodes = graph["nodes"]
    by_column: dict[int, list[dict]] = {}
    for node in nodes:
        by_column.setdefault(node["column"], []).append(node)
    where = {}
    for column, members in by_column.items():
        for i, node in enumerate(members):
            where[node["id"]] = (column, (len(members) - 1) / 2 - i)
    figure = go.Figure()
    for start, end in graph["edges"]:
        (x0, y0), (x1, y1) = where[start], where[end]
        figure.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                line={"color": PALETTE["slate_blue"]},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    for kind, colour in KIND_COLOURS.items():
        chosen = [n for n in nodes if n["kind"] == kind]
        if chosen:
            figure.add_trace(
                go.Scatter(
                    x=[where[n["id"]][0] for n in chosen],
                    y=[where[n["id"]][1] for n in chosen],
                    mode="markers+text",
                    text=[n["label"][:28] for n in chosen],
                    hovertext=[n["label"] for n in chosen],
                    textposition="bottom center",
                    marker={"size": 16, "color": colour},
                    name=t(f"lineage.{kind}", lang),
                )
            )
    right = max((x for x, _ in where.values()), default=1)
    styled(
        figure,
        280,
        xaxis={"visible": False, "range": [-0.6, right + 0.6]},
        yaxis={"visible": False},
        legend={"orientation": "h", "y": 1.1},
    )
    return figure


def problems_tab(found: catalog.Detail, lang: str) -> html.Table | str:
    if not auth.allowed("catalog.steward"):
        return t("data.stewards_only", lang)
    if not found.problems:
        return t("data.no_problems", lang)
    rows = [[p["row"], p["reason"], p["raw"][:200]] for p in found.problems]
    return _table(["data.col.row", "data.col.reason", "data.col.raw"], rows, lang, "dataset-problems")


def usage_tab(found: catalog.Detail, lang: str) -> html.Table | str:
    if not auth.allowed("catalog.steward"):
        return t("data.stewards_only", lang)
    if not found.usage:
        return t("data.no_usage", lang)
    rows = [
        [
            context.when(u["at"], "full"),
            u["actor"],
            t(f"role.{u['role']}", lang) if u["role"] else "—",
            u["route"],
            u["records"],
            u["purpose"] or "—",
        ]
        for u in found.usage
    ]
    heads = ["data.col.at", "data.col.by", "col.role", "data.col.route", "data.col.rows", "data.col.purpose"]
    return _table(heads, rows, lang, "dataset-usage")


def preview(dataset_id: int, lang: str) -> list | str:
    url = context.database_url()
    try:
        page = catalog.records(url, current_actor(), dataset_id, limit=PREVIEW_ROWS, route="page.preview")
    except Refused as error:
        return error.say(lang)
    rows = [[r["_id"], *(_cell(r.get(f)) for f in page.fields)] for r in page.records]
    note = html.Div(t("data.preview_note", lang, shown=len(rows)), className="note")
    return [note, _table(["#", *page.fields], rows, lang, "dataset-preview")]


def mapped(dataset_id: int) -> dict | None:
    """The first MAP_FEATURES records with a place, for the map under the tabs (a read like any other)."""
    url = context.database_url()
    try:
        page = catalog.records(url, current_actor(), dataset_id, limit=MAP_FEATURES, route="page.map")
    except Refused:
        return None
    features = [
        feature(g, {"id": r["_id"]})
        for r in page.records
        if (g := r.get("_geometry") or r.get("geometry") or _point(r))
    ]
    return feature_collection(features)


def _point(record: dict) -> dict | None:
    lon, lat = record.get("lon"), record.get("lat")
    if isinstance(lon, int | float) and isinstance(lat, int | float):
        return {"type": "Point", "coordinates": [lon, lat]}
    return None


def departments_view(rows: list[catalog.Department], lang: str) -> list:
    heads = [
        "data.col.provider",
        "data.col.datasets",
        "data.col.quality",
        "data.col.overdue",
        "data.col.open_conflicts",
    ]
    body = [
        html.Tr(
            [
                html.Td(neutral(d.name)),
                html.Td(number(d.datasets)),
                html.Td(_quality(d.quality)),
                html.Td(number(d.overdue)),
                html.Td(number(d.open_conflicts)),
            ]
        )
        for d in rows
    ]
    table = html.Table(
        [html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(body)],
        className="table table-left",
        id="department-quality",
    )
    figure = go.Figure(
        [
            go.Scatter(x=[day for day, _ in d.trend], y=[v for _, v in d.trend], mode="lines+markers", name=d.name)
            for d in rows
        ]
    )
    styled(
        figure,
        220,
        yaxis={"range": [0, 1.05], "tickformat": ".0%"},
        xaxis={"type": "category"},
        legend={"font": {"size": 9}},
    )
    return [
        table,
        html.Div(t("data.department_trend", lang), className="note"),
        dcc.Graph(figure=figure, config={"displayModeBar": False}),
    ]
