"""The CIM page's wiring: the scene's layers, transparency and comparison into the view's spec (drawn by
assets/cim.js), a picked building into its object card, and the spatial tools into a result drawn on the
scene and exported. Each callback checks its role inside."""

from __future__ import annotations

import dash
import orjson
from dash import ALL, Dash, Input, Output, State, dcc, html, no_update

from cockpit import auth, context
from cockpit.auth import guard
from cockpit.bidi import neutral
from cockpit.i18n import TABLE, t
from cockpit.inputs import Clicks, Count, LonLat, Minute, Minutes, Name, PickedBuilding, RunRef, Shape
from cockpit.refusal import Refused
from cockpit.services.cim import building_object, cim_view, isochrones, model_compare, simulations, spatial_requests
from cockpit.services.cim.building_object import BuildingObject
from cockpit.services.data import geocoder
from cockpit.services.kernel.export import to_csv
from cockpit.ui import cim as ids
from cockpit.ui.kit import alarm_type_label

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


def _meters(rows: list[dict], lang: str) -> html.Section:
    """Each meter with its last readings, as the utility's remote reading shows them."""

    def reading(row: dict) -> str:
        values = " · ".join(f"{t('metric.' + k, lang)} {v:,.2f}" for k, v in row["readings"].items())
        state = values or t("cim.no_reading", lang)
        return f"{t('device.' + row['type'], lang)} {row['code']} · {state}"

    return html.Section(
        className="cim-links",
        id="cim-meters",
        children=[
            html.H4(t("cim.meters", lang, count=len(rows))),
            html.Ul([html.Li(reading(r)) for r in rows])
            if rows
            else html.Div(t("cim.no_meters", lang), className="note"),
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
    made_list = t("cim.list_separator", lang).join(t("cim.made." + k, lang) for k in found.generated)
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
            _meters(found.meters, lang),
            _links(
                t("cim.projects", lang),
                found.projects,
                lambda r: (
                    f"{r['name']} · {t('con.stage.' + r['stage'], lang)}"
                    + (
                        t("cim.project_sensors", lang, n=r["sensors"], band=t("band." + r["band"], lang))
                        if r["sensors"]
                        else ""
                    )
                ),
                lang,
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
            html.Section(
                className="cim-links",
                children=[
                    html.H4(t("cim.enterprises", lang, count=len(found.enterprises))),
                    html.Ul([html.Li(neutral(f"{e['name']} · {e['why']}")) for e in found.enterprises[:SHOWN_LINKS]])
                    if found.enterprises
                    else html.Div(t("cim.none_here", lang), className="note"),
                ],
            ),
            html.Div(t("cim.generated_note", lang, what=made_list), className="note"),
        ],
    )


def _reach(mode: str) -> int:
    return int(isochrones.REACH_M.get(mode, 40))


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
            html.Div(
                t("cim.estimate_note", lang, method=t("cim.coverage_method", lang, reach=_reach(s["mode"]))),
                className="note",
            ),
        ]
    if operation == "isochrone":
        parts = [f"{f['properties']['minutes']}′ {f['properties']['area_km2']} km²" for f in features]
        return [
            html.Div(" · ".join(parts)),
            html.Div(
                t(
                    "cim.estimate_note",
                    lang,
                    method=t("cim.coverage_method", lang, reach=_reach(features[0]["properties"]["mode"])),
                ),
                className="note",
            ),
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


def _finished(done: dict | None) -> dict | None:
    if not done:
        return None
    try:
        return simulations.status(context.database_url(), done["id"])
    except Refused:
        return None


def _road(name: str | None, kind: str | None, lang: str) -> str:
    """A road by its name, or by its class where OpenStreetMap gives none."""
    if name:
        return name
    return t(f"way.{kind}", lang) if f"way.{kind}" in TABLE else (kind or "—")


def _items(rows: list, describe) -> html.Ul:
    return html.Ul([html.Li(neutral(describe(r))) for r in rows])


def simulation_view(run: dict, lang: str) -> list:
    """A run's state, and when done what it found, in the words a duty officer reads."""
    if run["status"] == "running":
        return [html.Div(t("cim.sim.running", lang, id=run["id"]), className="note")]
    if run["status"] == "failed":
        return [html.Div(t("cim.sim.failed", lang, reason=run["message"] or ""), className="note error")]
    r = run["result"]
    made = t("label.generated", lang)
    if run["kind"] == "flood":
        storm = r["storm"]
        return [
            html.Div(
                t(
                    "cim.sim.flood_head",
                    lang,
                    label=_storm(storm, lang),
                    total=storm["total_mm"],
                    peak=storm["peak_mm_h"],
                    drainage=r["drainage_mm_h"],
                ),
                id="cim-sim-result",
            ),
            html.Div(
                t(
                    "cim.sim.flood_found",
                    lang,
                    area=r["flooded_km2"],
                    depth=r["max_depth_m"],
                    underpasses=r["underpasses_flooded"],
                    buildings=len(r["buildings"]),
                    residents=r["residents_affected"],
                )
            ),
            html.H4(t("cim.sim.closures", lang, count=len(r["closures"]))),
            _items(
                r["closures"][:8],
                lambda c: (
                    f"{_road(c['road'], c['kind'], lang)} · {c['depth_m']} m"
                    + (f" · {t('cim.sim.underpass', lang)}" if c["underpass"] else "")
                ),
            ),
            html.H4(t("cim.sim.dispatches", lang)),
            _items(
                r["dispatches"],
                lambda d: t(
                    "cim.sim.dispatch",
                    lang,
                    unit=d["unit"] or "—",
                    lon=d["lon"],
                    lat=d["lat"],
                    depth=d["depth_m"],
                    volume=d["volume_m3"],
                ),
            ),
            html.Div(
                t(
                    "cim.estimate_note",
                    lang,
                    method=t(
                        "cim.sim.flood_method",
                        lang,
                        cell=r["terrain"]["cell_m"],
                        step=r["step_s"],
                        drainage=r["drainage_mm_h"],
                        soak=r["soak_mm_h"],
                    ),
                ),
                className="note",
            ),
            html.Div(t("cim.sim.terrain", lang, what=made), className="note"),
        ]
    return [
        html.Div(
            t(
                "cim.sim.evac_head",
                lang,
                residents=r["residents"],
                buildings=r["buildings"],
                assigned=r["assigned"],
                unserved=r["unserved"],
                clear=r["time_to_clear_min"],
                walk=r["longest_walk_min"],
            ),
            id="cim-sim-result",
        ),
        html.H4(t("cim.sim.shelters", lang, count=len(r["shelters"]))),
        _items(
            r["shelters"][:6],
            lambda s: (
                f"{s['name']} · {s['assigned']} / {s['room']}" + (f" · {t('cim.sim.full', lang)}" if s["full"] else "")
            ),
        ),
        html.H4(t("cim.sim.bottlenecks", lang)),
        _items(
            r["bottlenecks"][:5],
            lambda b: t(
                "cim.sim.bottleneck",
                lang,
                road=_road(b["road"], b["kind"], lang),
                people=b["people"],
                minutes=b["minutes_to_pass"],
            ),
        ),
        html.Div(t("cim.estimate_note", lang, method=t("cim.sim.evac_method", lang)), className="note"),
        html.Div(t("cim.sim.evac_generated", lang, what=made), className="note"),
    ]


def _storm(storm: dict, lang: str) -> str:
    if storm["kind"] == "design":
        return t("cim.sim.storm_design", lang, years=f"{storm['return_years']:g}", hours=storm["hours"])
    return t("cim.sim.storm_observed", lang, start=(storm["start"] or "")[:13].replace("T", " "), hours=storm["hours"])


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
        Input(ids.CIM_TIME, "value"),
        Input(ids.CIM_SIM_DONE, "data"),
        Input(ids.CIM_MODEL, "data"),
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
        minutes: Minute | None,
        done: RunRef | None,
        model: Shape | None,
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
            minutes=int(minutes or 0),
            simulation=_finished(done),
            model=model,
        )
        return cim_view.spec(context.database_url(), choices)

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
        State(ids.CIM_TABS, "value"),
        prevent_initial_call=True,
    )
    @guard("cim.read")
    def open_building(picked: PickedBuilding | None, showing: Name | None):
        """The card is drawn wherever the viewer is; the tab turns to it only from the card's own tab, so a
        building clicked as a place for the tools or a simulation does not pull the viewer away."""
        if not picked:
            return no_update, no_update
        lang = context.lang()
        turn = "building" if showing in (None, "building") else no_update
        try:
            found = building_object.building(context.database_url(), picked["id"])
        except Refused as error:
            return html.Div(error.say(lang), className="note error"), turn
        return card(found, lang), turn

    @app.callback(
        Output(ids.CIM_PLACE, "children"),
        Output(ids.CIM_SIM_PLACE, "children"),
        Input(ids.CIM_POINT, "data"),
        prevent_initial_call=True,
    )
    @guard("cim.read")
    def show_place(point: LonLat | None):
        if not point:
            return no_update, no_update
        lang = context.lang()
        place = geocoder.reverse(context.database_url(), float(point[0]), float(point[1]))
        said = t("cim.picked_place", lang, lon=f"{point[0]:.5f}", lat=f"{point[1]:.5f}", address=place.address)
        return said, said

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
            body["geometry"] = spatial_requests.grid_around(context.database_url(), point)
        try:
            answer = spatial_requests.answer(context.database_url(), operation, body)
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
            features = result.get("features")
            try:
                rows = spatial_requests.rows(features if isinstance(features, list) else [])
            except Refused:
                return no_update
            return dcc.send_string(to_csv(rows), "spatial.csv")
        try:
            body = orjson.dumps(result)
        except TypeError:  # what no JSON holds (an integer past 64 bits) came from the client, not from a search
            return no_update
        return dcc.send_bytes(body, "spatial.geojson")

    @app.callback(
        Output(ids.CIM_SIM, "data"),
        Output(ids.CIM_SIM_POLL, "disabled"),
        Output(ids.CIM_SIM_STATUS, "children"),
        Input(ids.CIM_SIM_RUN, "n_clicks"),
        State(ids.CIM_SIM_KIND, "value"),
        State(ids.CIM_SIM_STORM, "value"),
        State(ids.CIM_SIM_YEARS, "value"),
        State(ids.CIM_SIM_HOURS, "value"),
        State(ids.CIM_SIM_DRAINAGE, "value"),
        State(ids.CIM_SIM_RADIUS, "value"),
        State(ids.CIM_POINT, "data"),
        prevent_initial_call=True,
    )
    @guard("simulation.run")
    def start_simulation(
        _clicks: Clicks | None,
        kind: Name | None,
        storm: Name | None,
        years: float | None,
        hours: float | None,
        drainage: float | None,
        radius: float | None,
        point: LonLat | None,
    ):
        lang = context.lang()
        if kind == "evacuation":
            if not point:
                return no_update, no_update, html.Div(t("cim.pick_place", lang), className="note error")
            params = {"lon": point[0], "lat": point[1], "metres": radius if radius is not None else 500}
        else:
            params = {
                "storm": storm or "design",
                "return_years": years if years is not None else 50,
                "hours": hours if hours is not None else 6,
                "drainage_mm_h": drainage if drainage is not None else 36,
            }
        try:
            run = simulations.start(context.database_url(), auth.current_actor(), kind or "flood", params)
        except Refused as error:
            return no_update, no_update, html.Div(error.say(lang), className="note error")
        return {"id": run["id"]}, False, simulation_view(run, lang)

    @app.callback(
        Output(ids.CIM_SIM_STATUS, "children", allow_duplicate=True),
        Output(ids.CIM_SIM_POLL, "disabled", allow_duplicate=True),
        Output(ids.CIM_SIM_DONE, "data"),
        Output(ids.CIM_TIME, "value"),
        Input(ids.CIM_SIM_POLL, "n_intervals"),
        State(ids.CIM_SIM, "data"),
        prevent_initial_call=True,
    )
    @guard("cim.read")
    def follow_simulation(_ticks: Count | None, following: RunRef | None):
        if not following:
            return no_update, True, no_update, no_update
        try:
            run = simulations.status(context.database_url(), following["id"])
        except Refused as error:
            return html.Div(error.say(context.lang()), className="note error"), True, no_update, no_update
        view = simulation_view(run, context.lang())
        if run["status"] == "running":
            return view, False, no_update, no_update
        first = run["frames"][len(run["frames"]) // 2]["minute"] if run["frames"] else no_update
        return view, True, ({"id": run["id"]} if run["status"] == "done" else no_update), first

    @app.callback(
        Output(ids.CIM_MODEL, "data"),
        Output(ids.CIM_MODEL_RESULT, "children"),
        Input(ids.CIM_MODEL_RUN, "n_clicks"),
        State(ids.CIM_MODEL_LEFT, "value"),
        State(ids.CIM_MODEL_RIGHT, "value"),
        prevent_initial_call=True,
    )
    @guard("cim.read")
    def compare_models(_clicks: Clicks | None, left: Name | None, right: Name | None):
        lang = context.lang()
        try:
            found = model_compare.compare(context.database_url(), left or "base", right or "base")
        except Refused as error:
            return no_update, html.Div(error.say(lang), className="note error")
        counts = found["counts"]
        why = {w: t(f"cim.model.why.{w}", lang) for w in ("height", "footprint", "name")}
        changed = [
            html.Li(
                neutral(
                    f"{f['properties']['name'] or f['properties']['osm_id'] or '—'} · "
                    + "、".join(why[w] for w in f["properties"]["why"])
                )
            )
            for f in found["changed"][:6]
        ]
        return (
            {k: found[k] for k in ("added", "removed", "changed")},
            [
                html.Div(t("cim.model.counts", lang, **counts), id="cim-model-counts"),
                html.Ul(changed),
                html.Div(t("cim.model.legend", lang), className="note"),
            ],
        )
