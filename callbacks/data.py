"""Big-data platform wiring: catalog list, dataset header, tabs, preview map, CSV export and the import's
progress; the conflict queue and sharing are wired by their own modules. Every callback checks its
permission; records go through catalog.records, which checks the sharing attribute and writes the usage
register, so the page reads data as an API client would."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html, no_update

from callbacks import data_conflicts, data_sharing
from callbacks.data_views import (
    EXPORT_ROWS,
    catalog_table,
    departments_view,
    fields_tab,
    header,
    lineage_figure,
    mapped,
    preview,
    problems_tab,
    quality_tab,
    record_tab,
    usage_tab,
)
from cockpit import auth, context
from cockpit.auth import current_actor, guard
from cockpit.i18n import t
from cockpit.inputs import Clicks, Id, Name, Shown
from cockpit.refusal import Refused
from cockpit.services.data import catalog, catalog_measure, conflicts, import_jobs
from cockpit.services.kernel import areas
from cockpit.services.kernel.export import to_csv
from cockpit.ui import data as ids
from cockpit.ui.kit import number


def register(app: Dash) -> None:
    data_conflicts.register(app)
    data_sharing.register(app)

    @app.callback(Output(ids.DATA_DEPARTMENTS, "children"), Input(ids.DATA_SIDE_TABS, "value"))
    @guard("catalog.read")
    def show_departments(tab: Name | None):
        if tab != "departments":
            return no_update
        return departments_view(catalog.departments(context.database_url()), context.lang())

    @app.callback(
        Output(ids.DATA_CATALOG, "children"), Input(ids.DATA_SEARCH, "value"), Input(ids.DATA_IMPORT_STATE, "children")
    )
    @guard("catalog.read")
    def show_catalog(query: Name | None, _state: Shown):
        url = context.database_url()
        catalog_measure.measure_if_stale(url)
        return catalog_table(catalog.search(url, query or ""), context.lang())

    @app.callback(
        Output(ids.DATA_DETAIL, "children"),
        Output(ids.DATA_MAP, "viewport"),
        Output(ids.DATA_MAP_LAYER, "data"),
        Output("data-apply-box", "style"),
        Input(ids.DATA_DATASET, "data"),
    )
    @guard("catalog.read")
    def show_dataset(dataset_id: Id | None):
        lang = context.lang()
        found = catalog.detail(context.database_url(), dataset_id) if dataset_id else None
        hidden = {"display": "none"}
        if found is None:
            return t("data.pick", lang), no_update, None, hidden
        view = {"bounds": areas.leaflet(found.extent), "transition": "flyToBounds"} if found.extent else no_update
        may_apply = found.record["sharing"] == "conditional" and not auth.allowed("catalog.steward")
        return header(found, lang), view, mapped(dataset_id), None if may_apply else hidden

    @app.callback(
        Output(ids.DATA_TAB_BODY, "children"),
        Input(ids.DATA_TABS, "value"),
        Input(ids.DATA_DATASET, "data"),
    )
    @guard("catalog.read")
    def show_tab(tab: Name, dataset_id: Id | None):
        lang = context.lang()
        found = catalog.detail(context.database_url(), dataset_id) if dataset_id else None
        if found is None:
            return t("data.pick", lang)
        tabs = {
            "record": record_tab,
            "fields": fields_tab,
            "preview": lambda _found, lang_: preview(dataset_id, lang_),
            "quality": quality_tab,
            "lineage": lambda f, lang_: dcc.Graph(
                id="dataset-lineage", figure=lineage_figure(f.lineage, lang_), config={"displayModeBar": False}
            ),
            "conflicts": lambda f, lang_: data_conflicts.queue_table(
                conflicts.listing(context.database_url(), dataset_id=f.record["id"], limit=300),
                lang_,
                pickable=False,
            ),
            "problems": problems_tab,
            "usage": usage_tab,
        }
        return tabs.get(tab, record_tab)(found, lang)

    @app.callback(
        Output(ids.DATA_DOWNLOAD, "data"),
        Input(ids.DATA_EXPORT, "n_clicks"),
        State(ids.DATA_DATASET, "data"),
        prevent_initial_call=True,
    )
    @guard("catalog.read")
    def export(_n: Clicks | None, dataset_id: Id | None):
        if not dataset_id:
            return no_update
        url = context.database_url()
        try:
            page = catalog.records(url, current_actor(), dataset_id, limit=EXPORT_ROWS, route="page.export")
        except Refused:
            return no_update
        rows = [{k: v for k, v in r.items() if k != "_geometry"} for r in page.records]
        return dcc.send_string(to_csv(rows, ["_id", *page.fields]), f"dataset-{dataset_id}.csv")

    @app.callback(
        Output(ids.DATA_IMPORT_STATE, "children"),
        Output(ids.DATA_IMPORT_POLL, "disabled"),
        Input(ids.DATA_IMPORT_VERSION, "data"),
        Input(ids.DATA_IMPORT_POLL, "n_intervals"),
        prevent_initial_call=True,
    )
    @guard("dataset.import")
    def follow_import(version_id: Id | None, _ticks: Shown):
        lang = context.lang()
        found = import_jobs.status(context.database_url(), version_id) if version_id else None
        if found is None:
            return no_update, True
        share = f"{found['progress']:.0%}"
        bar = html.Div(html.Div(className="bar-fill", style={"width": share}), className="bar")
        if found["status"] == "loading":
            return [bar, t("data.importing", lang, share=share, rows=number(found["rows"]))], False
        if found["status"] == "failed":
            reason = (found["message"] or "").split("|")[-1]
            return html.Div(t("data.import_failed", lang, reason=reason), className="bad", id="import-failed"), True
        link = dcc.Link(t("data.open_dataset", lang), href=f"/platform/data?dataset={found['dataset_id']}")
        said = t("data.imported", lang, rows=number(found["rows"]), quarantined=number(found["quarantined"]))
        return html.Div([bar, said, " ", link], id="import-done"), True
