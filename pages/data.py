"""城市大数据平台 — the city big-data platform: the catalog (search ranked with quality), a dataset's page
(record, schema, preview table and map, quality trend, lineage, quarantined rows, usage register) and, for
analysts, the import wizard with its progress. `?dataset=ID` opens a dataset, so a link can be shared."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

import callbacks.data
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.services.data.conflicts import STATUSES
from cockpit.services.kernel import areas
from cockpit.ui import data as ids
from cockpit.ui.kit import panel, tab
from cockpit.vocab import FREQUENCY_DAYS, PALETTE, SHARING

TABS = ("record", "fields", "preview", "quality", "lineage", "conflicts", "problems", "usage")
CRS_CHOICES = ("", "EPSG:4326", "EPSG:4490", "EPSG:4547", "EPSG:32650", "gcj02", "bd09")
ENCODINGS = ("", "utf-8", "gb18030", "big5")


def _chosen(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdecimal() and len(raw) <= 15 else None


def _choice(id_: str, options: list[tuple[str, str]]) -> html.Select:
    """A plain select: the upload script reads it with the file, no callback needs its value."""
    return html.Select(id=id_, children=[html.Option(label, value=value) for value, label in options])


def _sharing_tab(lang: str) -> dcc.Tab:
    """Applications to decide and department keys to issue: the data stewards' (hidden from other roles)."""
    body = [
        html.Div(t("data.sharing_note", lang), className="note"),
        dcc.Input(id=ids.DATA_APPLICATION_REASON, placeholder=t("data.application_reason", lang)),
        html.Div(id=ids.DATA_APPLICATIONS, className="scroll application-list"),
        html.Div(id=ids.DATA_APPLICATION_MSG, className="note key-msg"),
        html.H3(t("data.key_issue", lang)),
        html.Div(
            className="conflict-actions",
            children=[
                dcc.Input(id=ids.DATA_KEY_DEPARTMENT, placeholder=t("data.department", lang)),
                dcc.Input(id=ids.DATA_KEY_QUOTA, type="number", min=1, value=10_000, placeholder="daily"),
                dcc.Input(id=ids.DATA_KEY_RATE, type="number", min=1, value=60, placeholder="minute"),
                html.Button(t("data.key_issue", lang), id=ids.DATA_KEY_ISSUE),
            ],
        ),
        html.Div(t("data.key_limits", lang), className="note"),
        html.Div(id=ids.DATA_KEY_MSG, className="note key-msg"),
    ]
    made = tab(t("data.sharing", lang), body, value="sharing")
    if not auth.allowed("catalog.steward"):
        made.style = {"display": "none"}
    return made


def _import_tab(lang: str) -> dcc.Tab:
    """Kept for every role, hidden from those who may not import, so every role's layout hosts its callbacks."""
    made = tab(t("data.import", lang), _wizard(lang), value="import")
    if not auth.allowed("dataset.import"):
        made.style = {"display": "none"}
    return made


def _wizard(lang: str) -> list:
    auto = t("data.auto", lang)

    def row(label: str, control) -> html.Label:
        return html.Label([html.Span(t(label, lang)), control], className="form-row")

    return [
        html.Div(t("data.import_note", lang), className="note"),
        html.Div(
            className="import-form",
            children=[
                row("data.file", html.Div(id=ids.DATA_IMPORT_FILE, className="file-slot")),
                row("data.dataset_name", dcc.Input(id=ids.DATA_IMPORT_NAME, placeholder="haidian_buildings")),
                row("data.department", dcc.Input(id=ids.DATA_IMPORT_DEPARTMENT, placeholder=t("data.dept_hint", lang))),
                row("data.dataset_title", dcc.Input(id=ids.DATA_IMPORT_TITLE)),
                row("data.crs", _choice(ids.DATA_IMPORT_CRS, [(c, c or auto) for c in CRS_CHOICES])),
                row("data.encoding", _choice(ids.DATA_IMPORT_ENCODING, [(e, e or auto) for e in ENCODINGS])),
                row(
                    "data.col.sharing",
                    _choice(ids.DATA_IMPORT_SHARING, [(v, t(f"sharing.{v}", lang)) for v in SHARING[1:] + SHARING[:1]]),
                ),
                row(
                    "data.col.frequency",
                    _choice(
                        ids.DATA_IMPORT_FREQUENCY, [(v, t(f"frequency.{v}", lang)) for v in reversed(FREQUENCY_DAYS)]
                    ),
                ),
                html.Button(t("data.start_import", lang), id=ids.DATA_IMPORT_START, className="primary"),
            ],
        ),
        dcc.Store(id=ids.DATA_IMPORT_VERSION),
        dcc.Interval(id=ids.DATA_IMPORT_POLL, interval=1000, disabled=True),
        html.Div(id=ids.DATA_IMPORT_STATE, className="import-state"),
    ]


def _conflict_queue(lang: str) -> list:
    actions = html.Div(
        id=ids.DATA_CONFLICT_ACTIONS,
        className="conflict-actions",
        style=None if auth.allowed("catalog.steward") else {"display": "none"},
        children=[
            dcc.Input(id=ids.DATA_CONFLICT_DEPARTMENT, placeholder=t("data.conflict_department", lang)),
            dcc.Input(id=ids.DATA_CONFLICT_REASON, placeholder=t("data.conflict_reason", lang)),
            html.Button(t("data.conflict_assign", lang), id=ids.DATA_CONFLICT_ASSIGN),
            html.Button(t("data.conflict_left", lang), id=ids.DATA_CONFLICT_LEFT),
            html.Button(t("data.conflict_right", lang), id=ids.DATA_CONFLICT_RIGHT),
            html.Button(t("data.conflict_dismiss", lang), id=ids.DATA_CONFLICT_DISMISS),
        ],
    )
    return [
        html.Div(t("data.conflict_note", lang), className="note"),
        html.Div(id=ids.DATA_CONFLICT_COUNTS, className="conflict-counts"),
        dcc.RadioItems(
            id=ids.DATA_CONFLICT_STATUS,
            options=[{"label": t(f"conflict.status.{s}", lang), "value": s} for s in STATUSES],
            value="open",
            inline=True,
            className="radio",
        ),
        html.Div(id=ids.DATA_CONFLICTS, className="scroll conflict-list"),
        dcc.Store(id=ids.DATA_CONFLICT_SELECTED),
        html.Div(id=ids.DATA_CONFLICT_DETAIL, className="conflict-detail"),
        actions,
        html.Div(id=ids.DATA_CONFLICT_MSG, className="note"),
    ]


def layout(dataset: str | None = None, **_query: str) -> html.Div:
    lang = context.lang()
    chosen = _chosen(dataset)
    catalog_tab = [
        dcc.Input(id=ids.DATA_SEARCH, placeholder=t("data.search", lang), debounce=0.3, type="search"),
        html.Div(id=ids.DATA_CATALOG, className="scroll catalog-list"),
    ]
    side_tabs = dcc.Tabs(
        id=ids.DATA_SIDE_TABS,
        value="catalog",
        className="tabs",
        children=[
            tab(t("data.catalog", lang), catalog_tab, value="catalog"),
            tab(t("data.conflicts", lang), _conflict_queue(lang), value="conflicts"),
            tab(
                t("data.departments", lang),
                html.Div(id=ids.DATA_DEPARTMENTS, className="departments"),
                value="departments",
            ),
            _sharing_tab(lang),
            _import_tab(lang),
        ],
    )
    side = [panel(t("data.title", lang), side_tabs, class_name="grow")]
    tabs = dcc.Tabs(
        id=ids.DATA_TABS,
        value="record",
        className="tabs",
        children=[tab(t(f"data.tab.{name}", lang), [], value=name) for name in TABS],
    )
    preview_map = dl.Map(
        id=ids.DATA_MAP,
        bounds=areas.detail_bounds(context.database_url()),
        maxZoom=20,
        trackViewport=False,
        className="cockpit-map data-map",
        children=[
            dl.GeoJSON(url="/geo/districts.json", style={"color": PALETTE["sky"], "weight": 1, "fillOpacity": 0.05}),
            dl.GeoJSON(url="/geo/roads.json", style={"variable": "cockpitMap.road"}),
            dl.GeoJSON(id=ids.DATA_MAP_LAYER, pointToLayer={"variable": "cockpitMap.point"}),
            dl.ScaleControl(),
        ],
    )
    main = panel(
        t("data.dataset", lang),
        dcc.Store(id=ids.DATA_DATASET, data=chosen),
        html.Div(
            className="toolbar",
            children=[
                html.Div(id=ids.DATA_DETAIL, className="dataset-head"),
                html.Button(t("data.export", lang), id=ids.DATA_EXPORT),
                dcc.Download(id=ids.DATA_DOWNLOAD),
            ],
        ),
        html.Div(
            id="data-apply-box",
            className="conflict-actions",
            children=[
                dcc.Input(id=ids.DATA_APPLY_DEPARTMENT, placeholder=t("data.apply_department", lang)),
                dcc.Input(id=ids.DATA_APPLY_PURPOSE, placeholder=t("data.apply_purpose", lang)),
                html.Button(t("data.apply", lang), id=ids.DATA_APPLY),
                html.Span(id=ids.DATA_APPLY_MSG, className="note"),
            ],
        ),
        tabs,
        html.Div(id=ids.DATA_TAB_BODY, className="scroll tab-body"),
        html.Div(preview_map, className="map-box"),
        class_name="grow",
    )
    return html.Div(className="page page-data", children=[html.Div(side, className="data-side"), main])


PAGE = Page(
    path="/platform/data",
    nav="nav.data",
    title="data.title",
    permission="catalog.read",
    layout=layout,
    callbacks=callbacks.data.register,
    ready="#data-catalog table",
)
