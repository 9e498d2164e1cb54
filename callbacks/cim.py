"""The CIM page's wiring: the scene's layers, transparency and comparison into the view's spec (drawn by
assets/cim.js), a picked building into its object card, and the spatial tools into a result drawn on the
scene and exported. Each callback checks its role inside."""

from __future__ import annotations

import dash
import orjson
from dash import ALL, Dash, Input, Output, State, dcc, html, no_update

from cockpit import auth, context, ids
from cockpit.auth import guard
from cockpit.bidi import neutral
from cockpit.i18n import t
from cockpit.inputs import Clicks, LonLat, Minutes, Name, PickedBuilding, Shape
from cockpit.refusal import Refused
from cockpit.services import building_object, cim_view, geocoder, spatial_requests
from cockpit.services.building_object import BuildingObject
from cockpit.services.export import to_csv
from cockpit.ui import alarm_type_label

SHOWN_LINKS = 6


def _row(label: str, value: object) -> html.Div:
    return html.Div(className="kv", children=[html.Span(label, className="k"), html.Span(neutral(str(value)))])


def _links(title: str, rows: list[dict], describe, lang: str) -> html.Section:
    items = [html.Li(f"{describe(r)} · {r['metres']} m") for r in rows[:SHOWN_LINKS]]
    more = len(rows) - SHOWN_LINKS
    return html.Section(
        className="cim-links",
        children=[
            html.H4(f"{title} ({len(rows)})"),
            html.Ul(items) if items else html.Div(t("cim.none_near", lang), className="note"),
            html.Div(t("cim.more", lang, count=more), className="note") if more > 0 else None,
        ],
    )


def _attribute(row: dict, lang: str) -> str:
    """A conflict's attribute as the data platform's queue says it."""
    if row["attribute"] in ("existence", "place"):
        return t("data.conflict_missing" if row["attribute"] == "existence" else "data.conflict_place", lang)
    return row["attribute"]


def card(found: BuildingObject, lang: str) -> html.Div:
    made = t("label.generated", lang)
    height = f"{found.height_m:.0f} m · {found.floors} " + t("cim.floors", lang)
    if found.height_source != "osm":
        height += f" ({made})"
    people = t("cim.people", lang, homes=found.homes, households=found.households, residents=found.residents)
    return html.Div(
        className="cim-card",
        id="cim-building-card",
        children=[
            html.H3(neutral(found.name or t("cim.unnamed", lang))),
            _row(
                t("cim.address", lang),
                found.address + (f" ({t('cim.number_generated', lang)})" if "house_number" in found.generated else ""),
            ),
            _row(t("cim.use", lang), found.use),
            _row(t("cim.height", lang), height),
            _row(t("cim.footprint", lang), f"{found.footprint_m2:,.0f} m²"),
            _row(t("cim.district", lang), f"{found.district_name or '—'} · {found.street_name or '—'}"),
            _row(t("cim.community", lang), f"{found.community_name or '—'} ({made})" if found.community else "—"),
            _row(t("cim.grid", lang), found.grid or "—"),
            _row(t("cim.housing", lang), f"{people} ({made})" if found.homes else t("cim.not_residential", lang)),
            _links(
                t("cim.devices", lang), found.devices, lambda r: f"{t('device.' + r['type'], lang)} {r['code']}", lang
            ),
            _links(
                t("cim.alarms", lang),
                found.alarms,
                lambda r: f"{alarm_type_label(r['alarm_type'], lang)} · {r['code']}",
                lang,
            ),
            _links(
                t("cim.cases", lang), found.cases, lambda r: f"{r['code']} · {t('cat.' + r['category'], lang)}", lang
            ),
            _links(
                t("cim.incidents", lang),
                found.incidents,
                lambda r: f"{r['code']} · {t('incident.' + r['type'], lang)}",
                lang,
            ),
            _links(t("cim.conflicts", lang), found.conflicts, lambda r: f"{r['entity']} · {_attribute(r, lang)}", lang),
            html.Div(t("cim.generated_note", lang, what=", ".join(found.generated)), className="note"),
        ],
    )


def summary(answer: dict, operation: str, lang: str) -> list:
    features = answer.get("features", [])
    if operation == "coverage":
        s = answer["summary"]
        share = "—" if s["share"] is None else f"{s['share']:.1%}"
        return [
            html.Div(
                t(
                    "cim.coverage_result",
                    lang,
                    covered=s["residents_covered"],
                    residents=s["residents"],
                    share=share,
                    minutes=s["minutes"],
                )
            ),
            html.Div(t("cim.estimate_note", lang, method=s["method"]), className="note"),
        ]
    if operation == "isochrone":
        parts = [f"{f['properties']['minutes']}′ {f['properties']['area_km2']} km²" for f in features]
        return [
            html.Div(" · ".join(parts)),
            html.Div(t("cim.estimate_note", lang, method=features[0]["properties"]["method"]), className="note"),
        ]
    places = [f for f in features if f["properties"].get("role") != "buffer"]
    items = [
        html.Li(
            neutral(
                f"{p['properties'].get('name') or p['properties']['kind'] or p['properties']['id']}"
                + (f" · {p['properties']['distance_m']:.0f} m" if "distance_m" in p["properties"] else "")
            )
        )
        for p in places[:10]
    ]
    return [html.Div(t("cim.found", lang, count=len(places))), html.Ul(items)]


def register(app: Dash) -> None:
    @app.callback(Output(ids.CIM_VISIBLE, "value"), Input(ids.CIM_SCENE, "value"), prevent_initial_call=True)
    @guard("cim.read")
    def scene_preset(scene: Name | None):
        return cim_view.scene_layers(scene or "operations")

    @app.callback(
        Output(ids.CIM_SPEC, "data"),
        Input(ids.CIM_VISIBLE, "value"),
        Input({"type": ids.CIM_OPACITY, "layer": ALL}, "value"),
        Input(ids.CIM_LABELS, "value"),
        Input(ids.CIM_COMPARE, "value"),
        Input(ids.CIM_COMPARE_SCENE, "value"),
        Input(ids.CIM_SWIPE, "value"),
        Input(ids.CIM_RESULT, "data"),
        Input(ids.CIM_PICKED, "data"),
        State(ids.CIM_SCENE, "value"),
    )
    @guard("cim.read")
    def describe(
        visible: list[Name] | None,
        opacity: list[float | None],
        labels: list[Name] | None,
        compare: Name | None,
        compare_scene: Name | None,
        swipe: float | None,
        result: Shape | None,
        picked: PickedBuilding | None,
        scene: Name | None,
    ):
        keys = [item["id"]["layer"] for item in dash.ctx.inputs_list[1]]
        choices = cim_view.Choices(
            scene=scene or "operations",
            visible=tuple(visible or ()),
            opacity={k: float(v) for k, v in zip(keys, opacity, strict=False) if isinstance(v, int | float)},
            labels=bool(labels),
            compare=compare or "none",
            compare_scene=compare_scene or "planning",
            swipe=int(swipe or 50),
            result=result,
            picked=picked["id"] if picked else None,
            reset=dash.ctx.triggered_id == ids.CIM_VISIBLE,
        )
        return cim_view.spec(context.settings().database_url, choices)

    app.clientside_callback(
        dash.ClientsideFunction("cim", "render"),
        Output(ids.CIM_SWIPE_LINE, "title"),
        Input(ids.CIM_SPEC, "data"),
    )
    app.clientside_callback(
        dash.ClientsideFunction("cim", "camera"),
        Output(ids.CIM_LEGEND, "title"),
        Input(ids.CIM_TILT, "n_clicks"),
        Input(ids.CIM_LEFT, "n_clicks"),
        Input(ids.CIM_RIGHT, "n_clicks"),
        Input(ids.CIM_RESET, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.CIM_CARD, "children"),
        Output(ids.CIM_TABS, "value"),
        Input(ids.CIM_PICKED, "data"),
        prevent_initial_call=True,
    )
    @guard("cim.read")
    def open_building(picked: PickedBuilding | None):
        if not picked:
            return no_update, no_update
        lang = context.lang()
        try:
            found = building_object.building(context.settings().database_url, picked["id"])
        except Refused as error:
            return html.Div(error.say(lang), className="note error"), "building"
        return card(found, lang), "building"

    @app.callback(Output(ids.CIM_PLACE, "children"), Input(ids.CIM_POINT, "data"), prevent_initial_call=True)
    @guard("cim.read")
    def show_place(point: LonLat | None):
        if not point:
            return no_update
        lang = context.lang()
        place = geocoder.reverse(context.settings().database_url, float(point[0]), float(point[1]))
        return t("cim.picked_place", lang, lon=f"{point[0]:.5f}", lat=f"{point[1]:.5f}", address=place.address)

    @app.callback(
        Output(ids.CIM_RESULT, "data"),
        Output(ids.CIM_RESULT_SUMMARY, "children"),
        Input(ids.CIM_RUN, "n_clicks"),
        State(ids.CIM_OP, "value"),
        State(ids.CIM_TARGET, "value"),
        State(ids.CIM_METRES, "value"),
        State(ids.CIM_K, "value"),
        State(ids.CIM_MINUTES, "value"),
        State(ids.CIM_MODE, "value"),
        State(ids.CIM_FACILITY, "value"),
        State(ids.CIM_POINT, "data"),
        prevent_initial_call=True,
    )
    @guard("cim.read")
    def run(
        _clicks: Clicks | None,
        operation: Name | None,
        target: Name | None,
        metres: float | None,
        k: float | None,
        minutes: Minutes | None,
        mode: Name | None,
        facility: Name | None,
        point: LonLat | None,
    ):
        lang = context.lang()
        operation = operation or "isochrone"
        body: dict = {"target": target, "mode": mode, "facility": facility}
        if operation != "coverage":
            if not point:
                return no_update, html.Div(t("cim.pick_place", lang), className="note error")
            body |= {"lon": point[0], "lat": point[1]}
        body |= {"metres": metres if metres is not None else 300, "k": k if k is not None else 5}
        body["minutes"] = (minutes or [15]) if operation == "isochrone" else max(minutes or [15])
        if operation == "within":
            body["geometry"] = spatial_requests.grid_around(context.settings().database_url, point)
        try:
            answer = spatial_requests.answer(context.settings().database_url, operation, body)
        except Refused as error:
            return no_update, html.Div(error.say(lang), className="note error")
        return answer, summary(answer, operation, lang)

    @app.callback(
        Output(ids.CIM_DOWNLOAD, "data"),
        Input(ids.CIM_EXPORT_GEOJSON, "n_clicks"),
        Input(ids.CIM_EXPORT_CSV, "n_clicks"),
        State(ids.CIM_RESULT, "data"),
        prevent_initial_call=True,
    )
    @guard("export")
    def export(_geojson: Clicks | None, _csv: Clicks | None, result: Shape | None):
        if not result or not auth.allowed("export"):
            return no_update
        if dash.ctx.triggered_id == ids.CIM_EXPORT_CSV:
            rows = spatial_requests.rows(result.get("features", []))
            return dcc.send_string(to_csv(rows), "spatial.csv")
        return dcc.send_bytes(orjson.dumps(result), "spatial.geojson")
