"""The city information model platform on the /api/v1 blueprint: the layer registry, building objects, and
spatial services (buffer, within, nearest, isochrone, coverage) answered as GeoJSON, or CSV with ?format=csv."""

from __future__ import annotations

import flask

from cockpit import auth, context
from cockpit.api import cim_scene
from cockpit.api.common import PATHS, blueprint, int_arg, operation_doc, refused_answer, run_idempotent
from cockpit.i18n import TABLE, t
from cockpit.refusal import Refused
from cockpit.services.cim import building_object, cim_layers, model_compare, simulations, spatial_requests
from cockpit.services.kernel.export import to_csv

SPATIAL = {
    "buffer": (
        "A buffer in metres around a geometry, then the places of a target within it, nearest first",
        '{"geometry": GeoJSON | "lon", "lat", "metres": 500, "target": "building"|"hospital"|…}',
        {"lon": 116.35, "lat": 40.0, "metres": 300, "target": "building"},
    ),
    "within": (
        "The places of a target whose point on surface lies in a polygon",
        '{"geometry": Polygon, "target": "building"}',
        {
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[116.34, 39.99], [116.36, 39.99], [116.36, 40.01], [116.34, 40.01], [116.34, 39.99]]],
            },
            "target": "building",
        },
    ),
    "nearest": (
        "The k nearest places of a target, with their distance in metres",
        '{"lon", "lat", "k": 5, "target": "hospital"}',
        {"lon": 116.35, "lat": 40.0, "k": 3, "target": "hospital"},
    ),
    "isochrone": (
        "Isochrones on the road network: one Feature per minute value (an estimate, with its method)",
        '{"lon", "lat", "minutes": 10 | [5, 10, 15], "mode": "walk"|"drive"}',
        {"lon": 116.35, "lat": 40.0, "minutes": [5, 10, 15], "mode": "walk"},
    ),
    "coverage": (
        "Residents within a walk or drive of the nearest facility, building by building, with the share",
        '{"facility": "hospital"|"school"|"shelter"|"metro_station", "minutes": 15, "mode": "walk"}',
        {"facility": "school", "minutes": 15, "mode": "walk"},
    ),
}
PATHS.update(
    {
        "/api/v1/cim/layers": {
            "get": operation_doc("The CIM layer registry (CJJ/T 315 levels) and the scene presets", "cim.read")
        },
        "/api/v1/cim/compare": {
            "get": operation_doc(
                "Model comparison of two vintages of the buildings (base, or version:N of an imported dataset): "
                "added, removed and changed, with why",
                "cim.read",
                ("left", "right"),
            )
        },
        "/api/v1/cim/buildings/{id}": {
            "get": operation_doc(
                "A building object with its address, community, housing, devices, alarms, cases, incidents and "
                "data conflicts around it (generated figures listed)",
                "cim.read",
            )
        },
    }
)
PATHS.update(
    {
        f"/api/v1/spatial/{name}": {"post": operation_doc(summary, "cim.read", ("format",), body=body, example=example)}
        for name, (summary, body, example) in SPATIAL.items()
    }
)


@blueprint.post(f"/spatial/<any({', '.join(SPATIAL)}):operation>")
@auth.guard("cim.read")
def spatial(operation: str) -> tuple[flask.Response, int] | flask.Response:
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict):
        return flask.jsonify(error="body must be a JSON object"), 400
    try:
        answered = spatial_requests.answer(context.database_url(), operation, body)
    except Refused as error:
        return refused_answer(error)
    if flask.request.args.get("format") == "csv":
        return flask.Response(
            to_csv(spatial_requests.rows(answered["features"])),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="spatial-{operation}.csv"'},
        )
    return flask.jsonify(answered), 200


@blueprint.get("/cim/layers")
@auth.guard("cim.read")
def cim_registry() -> flask.Response:
    layers = cim_layers.registry(context.database_url())
    scenes = {
        name: {"layers": list(keys), "pitch": pitch, "bearing": bearing}
        for name, (keys, pitch, bearing) in cim_layers.SCENES.items()
    }
    said = ("title", "department", "vintage", "licence")  # i18n keys of the registry, said in English and Chinese
    rows = [
        layer.__dict__
        | {k: t(v, "en") for k, v in layer.__dict__.items() if k in said and v in TABLE}
        | {f"{k}_zh": t(v, "zh") for k, v in layer.__dict__.items() if k in said and v in TABLE}
        for layer in layers
    ]
    return flask.jsonify(layers=rows, scenes=scenes)


@blueprint.get("/cim/compare")
@auth.guard("cim.read")
def cim_compare() -> tuple[flask.Response, int]:
    left, right = flask.request.args.get("left", "base"), flask.request.args.get("right", "")
    try:
        found = model_compare.compare(context.database_url(), left[:40], right[:40])
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(found), 200


@blueprint.get("/cim/buildings/<id:building_id>")
@auth.guard("cim.read")
def cim_building(building_id: int) -> tuple[flask.Response, int]:
    try:
        found = building_object.building(context.database_url(), building_id)
    except Refused as error:
        return refused_answer(error)
    return flask.jsonify(building=found.as_json()), 200


PATHS.update(
    {
        "/api/v1/simulations/flood": {
            "post": operation_doc(
                "Start a rainstorm flood simulation; 202 with the run to follow (an estimate, with its method)",
                "simulation.run",
                body='{"storm": "design"|"observed", "hours": 6, "return_years": 50, "drainage_mm_h": 36}; {} runs '
                "these defaults",
                example={"storm": "design", "return_years": 50, "hours": 6, "drainage_mm_h": 36},
                idempotent=True,
            )
        },
        "/api/v1/simulations/evacuation": {
            "post": operation_doc(
                "Start an evacuation of an area's residents to shelters with room; 202 with the run to follow",
                "simulation.run",
                body='{"geometry": Polygon} or {"lon", "lat", "metres": 500}',
                example={"lon": 116.3455, "lat": 40.0045, "metres": 600},
                idempotent=True,
            )
        },
        "/api/v1/simulations": {"get": operation_doc("Recent simulation runs", "cim.read", ("kind", "limit"))},
        "/api/v1/simulations/{id}": {
            "get": operation_doc("A run: status, parameters, result and its frames for the time slider", "cim.read")
        },
        "/api/v1/simulations/{id}/frames/{number}.png": {
            "get": operation_doc("A flood frame: the water depth as a PNG over the terrain's bounds", "cim.read")
        },
        "/api/v1/simulations/{id}/frames/{number}.json": {
            "get": operation_doc("An evacuation frame: who is still at home at that minute", "cim.read")
        },
    }
)


@blueprint.post(f"/simulations/<any({', '.join(simulations.KINDS)}):kind>")
@auth.guard("simulation.run")
def start_simulation(kind: str) -> tuple[flask.Response, int]:
    body = flask.request.get_json(silent=True)
    if body is None and not flask.request.get_data():
        body = {}
    if not isinstance(body, dict):
        return flask.jsonify(error="body must be a JSON object ({} runs the defaults)"), 400

    def action() -> tuple[dict, int]:
        try:
            made = simulations.start(context.database_url(), auth.current_actor(), kind, body)
        except Refused as error:
            return error.answer()
        return made | {"status_url": f"/api/v1/simulations/{made['id']}"}, 202

    return run_idempotent(action)


@blueprint.get("/simulations")
@auth.guard("cim.read")
def list_simulations() -> flask.Response:
    kind = flask.request.args.get("kind")
    rows = simulations.recent(
        context.database_url(), kind if kind in simulations.KINDS else None, int_arg("limit", 20, 1, 200)
    )
    return flask.jsonify(
        simulations=[
            {k: (v.isoformat() + "Z" if hasattr(v, "isoformat") else v) for k, v in r.items() if k != "summary"}
            for r in rows
        ]
    )


@blueprint.get("/simulations/<id:simulation_id>")
@auth.guard("cim.read")
def simulation_status(simulation_id: int) -> tuple[flask.Response, int]:
    try:
        return flask.jsonify(simulations.status(context.database_url(), simulation_id)), 200
    except Refused as error:
        return refused_answer(error)


@blueprint.get("/simulations/<id:simulation_id>/frames/<int(max=100000):number>.<any(png, json):suffix>")
@auth.guard("cim.read")
def simulation_frame(simulation_id: int, number: int, suffix: str) -> flask.Response | tuple[flask.Response, int]:
    return cim_scene.frame_response(simulation_id, number)
