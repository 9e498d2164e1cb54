"""城市信息模型平台 — the city information model: the layer registry (CJJ/T 315 levels) with scene presets,
per-layer transparency and swipe / side-by-side comparison; the city in 3D (deck.gl, offline) with tilt and
rotation; a click on a building opens its object card; spatial services (buffer, within, nearest, isochrone,
coverage) drawn on the scene and exported; flood and evacuation simulations played on one time slider."""

from __future__ import annotations

from dash import dcc, html

import callbacks.cim
from cockpit import auth, context
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.services.cim import cim_layers, cim_view, isochrones, model_compare, simulations, spatial_requests
from cockpit.services.kernel.spatial_ops import TARGETS
from cockpit.ui import cim as ids
from cockpit.ui.kit import panel, tab

HIDDEN = {"display": "none"}


def _layer_label(layer: cim_layers.Layer, lang: str) -> html.Span:
    title = t(layer.title, lang) if not layer.imported else _imported_title(layer, lang)
    department = t(layer.department, lang) if not layer.imported else _imported_department(layer, lang)
    licence = t(layer.licence, lang) if layer.licence.startswith("cim.") else layer.licence
    vintage = t(layer.vintage, lang) if layer.vintage.startswith("cim.") else layer.vintage
    return html.Span(
        className="cim-layer",
        children=[
            html.Span(f"CIM{layer.cim_level}" if layer.cim_level else t("cim.iot_level", lang), className="cim-level"),
            html.Span(title, className="cim-layer-title"),
            html.Span(t("label.generated", lang), className="tag-generated") if layer.generated else None,
            html.Span(
                [f"{department} · {vintage} · ", html.Span(licence, className="raw")], className="cim-layer-meta"
            ),
        ],
    )


def _imported_title(layer: cim_layers.Layer, lang: str) -> str:
    return layer.title_en or layer.title if lang == "en" else layer.title


def _imported_department(layer: cim_layers.Layer, lang: str) -> str:
    """A department's name is in Chinese only; the English page says where the layer came from instead."""
    return t("cim.dept.imported", lang) if lang == "en" else layer.department


def _layers(lang: str) -> list:
    registry = cim_layers.registry(context.database_url())
    return [
        dcc.RadioItems(
            id=ids.CIM_SCENE,
            value="operations",
            inline=True,
            className="toggle",
            options=[{"label": t(f"cim.scene.{s}", lang), "value": s} for s in cim_layers.SCENES],
        ),
        dcc.Checklist(
            id=ids.CIM_VISIBLE,
            value=cim_view.scene_layers("operations"),
            className="cim-layers",
            options=[{"label": _layer_label(layer, lang), "value": layer.key} for layer in registry],
        ),
        dcc.Checklist(
            id=ids.CIM_LABELS,
            value=["labels"],
            inline=True,
            className="toggle",
            options=[{"label": t("cim.labels", lang), "value": "labels"}],
        ),
        html.H3(t("cim.opacity", lang)),
        html.Div(
            className="cim-opacity",
            children=[
                html.Div(
                    className="cim-opacity-row",
                    children=[
                        html.Span(t(layer.title, lang) if not layer.imported else _imported_title(layer, lang)),
                        dcc.Slider(
                            id={"type": ids.CIM_OPACITY, "layer": layer.key},
                            min=0,
                            max=1,
                            step=0.1,
                            value=cim_view.DEFAULT_OPACITY,
                            marks=None,
                            tooltip={"placement": "bottom"},
                        ),
                    ],
                )
                for layer in registry
            ],
        ),
    ]


def _compare(lang: str) -> list:
    return [
        dcc.RadioItems(
            id=ids.CIM_COMPARE,
            value="none",
            inline=True,
            className="toggle",
            options=[{"label": t(f"cim.compare.{m}", lang), "value": m} for m in cim_view.COMPARE_MODES],
        ),
        html.Label(t("cim.compare_scene", lang)),
        dcc.Dropdown(
            id=ids.CIM_COMPARE_SCENE,
            className="type-filter",
            value="planning",
            clearable=False,
            options=[{"label": t(f"cim.scene.{s}", lang), "value": s} for s in cim_layers.SCENES],
        ),
        html.Label(t("cim.swipe", lang)),
        dcc.Slider(id=ids.CIM_SWIPE, min=5, max=95, step=5, value=50, marks=None),
        html.H3(t("cim.model", lang)),
        *_model(lang),
    ]


def _model(lang: str) -> list:
    """Model comparison: two vintages of the buildings."""
    found = model_compare.sources(context.database_url())
    options = [
        {
            "label": t("cim.model.base", lang)
            if s["key"] == "base"
            else s["title_en" if lang == "en" else "title"]
            + (f" ({t('label.generated', lang)})" if s["generated"] else ""),
            "value": s["key"],
        }
        for s in found
    ]
    return [
        dcc.Dropdown(id=ids.CIM_MODEL_LEFT, className="type-filter", value="base", clearable=False, options=options),
        dcc.Dropdown(
            id=ids.CIM_MODEL_RIGHT,
            className="type-filter",
            value=found[-1]["key"],
            clearable=False,
            options=options,
        ),
        html.Button(t("cim.model.run", lang), id=ids.CIM_MODEL_RUN),
        html.Div(id=ids.CIM_MODEL_RESULT, className="cim-summary"),
    ]


def _stage(lang: str) -> html.Div:
    return html.Div(
        className="cim-stage",
        children=[
            html.Div(id=ids.CIM_VIEW, className="cim-canvas"),
            html.Div(id=ids.CIM_VIEW_B, className="cim-canvas cim-none"),
            html.Div(id=ids.CIM_SWIPE_LINE, className="cim-swipe-line", style=HIDDEN),
            html.Div(
                className="cim-camera",
                children=[
                    html.Button(t("cim.tilt", lang), id=ids.CIM_TILT),
                    html.Button(t("cim.left", lang), id=ids.CIM_LEFT),
                    html.Button(t("cim.right", lang), id=ids.CIM_RIGHT),
                    html.Button(t("cim.reset", lang), id=ids.CIM_RESET),
                ],
            ),
            html.Div(t("cim.legend", lang), id=ids.CIM_LEGEND, className="cim-legend note"),
        ],
    )


def _timeline(lang: str) -> html.Div:
    """One time slider for every time-dependent layer: the live devices' past before now, a simulation's
    course after."""
    marks = {m: t("cim.now", lang) if m == 0 else f"{m // 60:+d}h" for m in range(-360, 481, 120)}
    return html.Div(
        className="cim-timeline",
        children=[
            html.Span(t("cim.time", lang), className="cim-time-label"),
            dcc.Slider(id=ids.CIM_TIME, min=-360, max=480, step=5, value=0, marks=marks, updatemode="mouseup"),
        ],
    )


def _simulation(lang: str) -> list:
    can_run = auth.allowed("simulation.run")
    return [
        dcc.RadioItems(
            id=ids.CIM_SIM_KIND,
            value="flood",
            inline=True,
            className="toggle",
            options=[{"label": t(f"cim.sim.{k}", lang), "value": k} for k in simulations.KINDS],
        ),
        html.Div(
            className="form-grid",
            children=[
                html.Label(t("cim.sim.storm", lang)),
                dcc.RadioItems(
                    id=ids.CIM_SIM_STORM,
                    value="design",
                    inline=True,
                    className="toggle",
                    options=[{"label": t(f"cim.sim.storm.{k}", lang), "value": k} for k in ("design", "observed")],
                ),
                html.Label(t("cim.sim.years", lang)),
                dcc.Dropdown(
                    id=ids.CIM_SIM_YEARS,
                    className="type-filter",
                    value=50,
                    clearable=False,
                    options=[
                        {"label": t("cim.sim.years_value", lang, years=y), "value": y} for y in (5, 10, 20, 50, 100)
                    ],
                ),
                html.Label(t("cim.sim.hours", lang)),
                dcc.Input(id=ids.CIM_SIM_HOURS, type="number", value=3, min=1, max=12, step=1),
                html.Label(t("cim.sim.drainage", lang)),
                dcc.Input(id=ids.CIM_SIM_DRAINAGE, type="number", value=36, min=0, max=120, step=1),
                html.Label(t("cim.sim.radius", lang)),
                dcc.Input(id=ids.CIM_SIM_RADIUS, type="number", value=500, min=50, max=3000, step=50),
            ],
        ),
        html.Div(t("cim.sim.note", lang), className="note"),
        html.Div(id=ids.CIM_SIM_PLACE, className="note", children=t("cim.pick_place", lang)),
        html.Button(t("cim.sim.run", lang), id=ids.CIM_SIM_RUN, className="primary", style=None if can_run else HIDDEN),
        dcc.Interval(id=ids.CIM_SIM_POLL, interval=1000, disabled=True),
        html.Div(id=ids.CIM_SIM_STATUS, className="cim-summary"),
    ]


def _tools(lang: str) -> list:
    can_export = auth.allowed("export")
    return [
        dcc.RadioItems(
            id=ids.CIM_OP,
            value="isochrone",
            className="toggle",
            inline=True,
            options=[{"label": t(f"cim.op.{op}", lang), "value": op} for op in spatial_requests.OPERATIONS],
        ),
        html.Div(id=ids.CIM_PLACE, className="note", children=t("cim.pick_place", lang)),
        html.Div(
            className="form-grid",
            children=[
                html.Label(t("cim.target", lang)),
                dcc.Dropdown(
                    id=ids.CIM_TARGET,
                    className="type-filter",
                    value="building",
                    clearable=False,
                    options=[{"label": t(f"cim.target.{k}", lang), "value": k} for k in TARGETS],
                ),
                html.Label(t("cim.metres", lang)),
                dcc.Input(id=ids.CIM_METRES, type="number", value=300, min=10, max=20000, step=10),
                html.Label(t("cim.k", lang)),
                dcc.Input(id=ids.CIM_K, type="number", value=5, min=1, max=100, step=1),
                html.Label(t("cim.minutes", lang)),
                dcc.Checklist(
                    id=ids.CIM_MINUTES,
                    value=[5, 10, 15],
                    inline=True,
                    className="toggle",
                    options=[{"label": f"{m}′", "value": m} for m in (5, 10, 15, 30)],
                ),
                html.Label(t("cim.mode", lang)),
                dcc.RadioItems(
                    id=ids.CIM_MODE,
                    value="walk",
                    inline=True,
                    className="toggle",
                    options=[{"label": t(f"cim.mode.{m}", lang), "value": m} for m in isochrones.MODES],
                ),
                html.Label(t("cim.facility", lang)),
                dcc.Dropdown(
                    id=ids.CIM_FACILITY,
                    className="type-filter",
                    value="school",
                    clearable=False,
                    options=[{"label": t(f"cim.facility.{f}", lang), "value": f} for f in isochrones.FACILITIES],
                ),
            ],
        ),
        html.Button(t("cim.run", lang), id=ids.CIM_RUN, className="primary"),
        html.Div(id=ids.CIM_RESULT_SUMMARY, className="cim-summary"),
        html.Div(
            className="dispatch-actions",
            style=None if can_export else HIDDEN,
            children=[
                html.Button(t("cim.export_geojson", lang), id=ids.CIM_EXPORT_GEOJSON),
                html.Button(t("cim.export_csv", lang), id=ids.CIM_EXPORT_CSV),
            ],
        ),
        dcc.Download(id=ids.CIM_DOWNLOAD),
    ]


def layout(**_query: str) -> html.Div:
    lang = context.lang()
    return html.Div(
        className="page page-cim",
        children=[
            dcc.Store(id=ids.CIM_SPEC),
            dcc.Store(id=ids.CIM_PICKED),
            dcc.Store(id=ids.CIM_POINT),
            dcc.Store(id=ids.CIM_RESULT),
            dcc.Store(id=ids.CIM_SIM),
            dcc.Store(id=ids.CIM_SIM_DONE),
            dcc.Store(id=ids.CIM_MODEL),
            html.Div(
                className="col col-left",
                children=[
                    panel(t("cim.layers", lang), *_layers(lang), class_name="grow"),
                    panel(t("cim.compare", lang), *_compare(lang), class_name="fixed"),
                ],
            ),
            html.Div(className="col col-center", children=[_stage(lang), _timeline(lang)]),
            html.Div(
                className="col col-right",
                children=[
                    dcc.Tabs(
                        id=ids.CIM_TABS,
                        value="building",
                        className="tabs",
                        content_className="tab-content",
                        children=[
                            tab(
                                t("cim.building", lang),
                                html.Div(id=ids.CIM_CARD, children=t("cim.pick_building", lang)),
                                value="building",
                            ),
                            tab(t("cim.tools", lang), _tools(lang), value="tools"),
                            tab(t("cim.simulation", lang), _simulation(lang), value="simulation"),
                        ],
                    ),
                ],
            ),
        ],
    )


PAGE = Page(
    path="/platform/cim",
    nav="nav.cim",
    title="cim.title",
    permission="cim.read",
    layout=layout,
    callbacks=callbacks.cim.register,
    ready="#cim-view[data-ready='1']",
)
