"""What the CIM page's 3D view loads (assets/cim.js): buildings with their heights, generated pipelines and
terrain, the city's own labels, and imported CityJSON/OSM datasets as layers; gzip-compressed like the base
map's layers, read by the desk's roles."""

from __future__ import annotations

import gzip

import flask

from cockpit import auth, context
from cockpit.refusal import Refused
from cockpit.services.cim import cim_scene, simulations, terrain

blueprint = flask.Blueprint("cockpit_cim", __name__)
SCENE = {"buildings": cim_scene.buildings, "pipelines": cim_scene.pipelines, "labels": cim_scene.labels}


def _json(body: bytes) -> flask.Response:
    if "gzip" in flask.request.headers.get("Accept-Encoding", ""):
        response = flask.Response(gzip.compress(body, compresslevel=5), mimetype="application/json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = flask.Response(body, mimetype="application/json")
    response.headers["Vary"] = "Accept-Encoding"
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response


@blueprint.get("/cim/<layer>.json")
@auth.guard("cim.read")
def scene_layer(layer: str) -> flask.Response | tuple[flask.Response, int]:
    if layer not in SCENE:
        return flask.jsonify(error=f"unknown layer {layer!r}; known: {', '.join(SCENE)}"), 404
    return _json(SCENE[layer](context.database_url()))


@blueprint.get("/cim/blocks/<int:cell_m>.json")
@auth.guard("cim.read")
def blocks_layer(cell_m: int) -> flask.Response | tuple[flask.Response, int]:
    """The buildings as blocks of `cell_m`, the 3D view's far level of detail."""
    try:
        return _json(cim_scene.blocks(context.database_url(), cell_m))
    except Refused as error:
        answer, status = error.answer()
        return flask.jsonify(answer), status


@blueprint.get("/cim/devices.json")
@auth.guard("view")
def devices_layer() -> flask.Response:
    """The live devices, or as they stood `minutes` ago (the time slider, -1440..0)."""
    minutes = flask.request.args.get("minutes", "0")
    offset = int(minutes) if minutes.lstrip("-").isdecimal() and len(minutes) <= 5 else 0
    response = _json(cim_scene.devices_at(context.database_url(), max(-1440, min(0, offset))))
    response.cache_control.max_age = 5
    return response


@blueprint.get("/cim/simulations/<id:simulation_id>/frames/<int(max=100000):number>.<any(png, json):suffix>")
@auth.guard("cim.read")
def simulation_frame(simulation_id: int, number: int, suffix: str) -> flask.Response | tuple[flask.Response, int]:
    """A simulation's frame for the page's time slider (the API serves the same to bearer tokens)."""
    return frame_response(simulation_id, number)


def frame_response(simulation_id: int, number: int) -> flask.Response | tuple[flask.Response, int]:
    """A frame as an image or JSON, kept an hour by the browser (a finished run's frames never change)."""
    try:
        body, mimetype = simulations.frame(context.database_url(), simulation_id, number)
    except Refused as error:
        answer, status = error.answer()
        return flask.jsonify(answer), status
    response = flask.Response(body, mimetype=mimetype)
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response


@blueprint.get("/cim/terrain.png")
@auth.guard("cim.read")
def terrain_image() -> flask.Response:
    response = flask.Response(cim_scene.terrain_png(context.database_url()), mimetype="image/png")
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response


@blueprint.get("/cim/terrain.json")
@auth.guard("cim.read")
def terrain_extent() -> flask.Response:
    grid = terrain.grid(context.database_url())
    return flask.jsonify(
        bounds=[grid.west, grid.south, grid.east, grid.north],
        cell_m=grid.cell_m,
        low=round(float(grid.heights.min()), 2),
        high=round(float(grid.heights.max()), 2),
        generated=grid.generated,
        source=grid.source,
    )


@blueprint.get("/cim/datasets/<id:dataset_id>.json")
@auth.guard("cim.read")
def dataset_layer(dataset_id: int) -> flask.Response | tuple[flask.Response, int]:
    try:
        body = cim_scene.dataset(context.database_url(), auth.current_actor(), dataset_id)
    except Refused as error:
        answer, status = error.answer()
        return flask.jsonify(answer), status
    return _json(body)
