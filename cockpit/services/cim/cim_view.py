"""The 3D view's description, decided on the server: which layers of the registry are drawn, how opaque, from
which camera, what the comparison side shows (卷帘 swipe or 多屏 side by side), the picked building and a
spatial result to draw. assets/cim.js only draws what this says."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import shapely
from shapely.geometry import shape

from cockpit.services.cim import cim_layers
from cockpit.services.kernel import areas, spatial_ops
from data_access import cim
from data_access.db import transaction

COMPARE_MODES = ("none", "swipe", "split")
ZOOM = 15.2
DEFAULT_OPACITY = 0.9
# most buildings (or blocks) the 3D view draws in one frame: past it a coarser level stands in, as a 3D Tiles
# viewer trades detail for frame rate by screen-space error
FRAME_BUDGET = 12_000


@dataclass(frozen=True)
class Choices:
    scene: str = "operations"
    visible: tuple[str, ...] = ()
    opacity: dict[str, float] = field(default_factory=dict)
    labels: bool = True
    compare: str = "none"
    compare_scene: str = "planning"
    swipe: int = 50
    result: dict | None = None
    picked: int | None = None
    reset: bool = False
    minutes: int = 0  # the time slider: minutes from now (history of live layers before, simulations after)
    simulation: dict | None = None  # a finished run (simulations.status)
    model: dict | None = None  # a model comparison: added, removed and changed buildings


def scene_layers(scene: str) -> list[str]:
    return list(cim_layers.SCENES.get(scene, cim_layers.SCENES["operations"])[0])


def camera(url: str, scene: str) -> dict:
    lon, lat = _centre(url)
    _, pitch, bearing = cim_layers.SCENES.get(scene, cim_layers.SCENES["operations"])
    return {
        "longitude": lon,
        "latitude": lat,
        "zoom": ZOOM,
        "pitch": pitch,
        "bearing": bearing,
        "maxPitch": 85,
    }


@cache
def _centre(url: str) -> tuple[float, float]:
    """The middle of the detail zone's box with the most buildings: the zone's boxes lie kilometres apart, and
    the middle of all of them is empty ground."""
    found = spatial_ops.places(url, "building")
    with transaction(url) as session:
        boxes = [shape(f["geometry"]) for f in cim.base_features(session, "coverage")]
    if not boxes or not len(found.points):
        (south, west), (north, east) = areas.detail_bounds(url)
        return round((west + east) / 2, 6), round((south + north) / 2, 6)
    busiest = max(boxes, key=lambda box: int(shapely.contains(box, found.points).sum()))
    middle = busiest.centroid
    return round(middle.x, 6), round(middle.y, 6)


def layer_spec(layer: cim_layers.Layer, visible: bool, opacity: float, minutes: int = 0) -> dict:
    url = f"{layer.url}?minutes={min(0, minutes)}" if layer.kind == "live" else layer.url
    return {
        "key": layer.key,
        "kind": layer.kind,
        "url": url,
        "colour": list(layer.colour),
        "opacity": max(0.0, min(1.0, opacity)),
        "visible": visible,
        "levels": list(layer.levels),
    }


def spec(url: str, choices: Choices) -> dict:
    registry = cim_layers.registry(url)
    shown = set(choices.visible)
    layers = [
        layer_spec(r, r.key in shown, choices.opacity.get(r.key, DEFAULT_OPACITY), choices.minutes) for r in registry
    ]
    compare = choices.compare if choices.compare in COMPARE_MODES else "none"
    camera_at = camera(url, choices.scene) | {"reset": choices.reset}
    away = _elsewhere(url, [r for r in registry if r.key in shown and r.bounds])
    if away and choices.reset:  # an imported model of another place (a CityJSON of Delft…): go and look at it
        west, south, east, north = away
        camera_at |= {"longitude": (west + east) / 2, "latitude": (south + north) / 2, "zoom": 15.5}
    other = set(scene_layers(choices.compare_scene))
    return {
        "camera": camera_at,
        "layers": layers,
        "budget": FRAME_BUDGET,
        "labels": choices.labels,
        "compare": {
            "mode": compare,
            "position": max(5, min(95, int(choices.swipe))),
            "layers": [layer_spec(r, r.key in other, DEFAULT_OPACITY) for r in registry] if compare != "none" else [],
        },
        "result": choices.result,
        "picked": choices.picked,
        "minutes": choices.minutes,
        "model": choices.model,
    } | _simulated(choices.simulation, choices.minutes)


def _elsewhere(url: str, imported: list[cim_layers.Layer]) -> tuple[float, float, float, float] | None:
    """The extent of the first shown imported layer that lies outside the city's detail zone."""
    (south, west), (north, east) = areas.detail_bounds(url)
    for layer in imported:
        w, s, e, n = layer.bounds
        if e < west or w > east or n < south or s > north:
            return layer.bounds
    return None


def frame_at(run: dict, minutes: int) -> dict | None:
    """The run's last frame at or before the slider's time (None before the run's first frame)."""
    before = [f for f in run["frames"] if f["minute"] <= minutes]
    return before[-1] if before else None


def _simulated(run: dict | None, minutes: int) -> dict:
    """What a finished simulation draws at the slider's time: the flood's depth image, or who is still at
    home and how full each shelter is."""
    if not run or run["status"] != "done" or minutes < 0:
        return {"flood": None, "evacuation": None}
    shown = frame_at(run, minutes)
    if shown:  # the page reads frames through its own session route, not the bearer-token API
        shown = shown | {"url": shown["url"].replace("/api/v1/simulations/", "/cim/simulations/")}
    result = run["result"]
    if run["kind"] == "flood":
        return {"flood": {"image": shown["url"], "bounds": result["bounds"]} if shown else None, "evacuation": None}
    return {
        "flood": None,
        "evacuation": {
            "state": shown["url"] if shown else None,
            "homes": result["homes"],
            "shelters": result["shelters"],
            "area": result["area"],
        },
    }


MASSING_CONTEXT = ("green", "road", "building")  # the city a massing stands in
MASSING_CAMERA = {"zoom": 16.4, "pitch": 55, "bearing": -25, "maxPitch": 85}


def massing_scene(url: str, site: dict, massing: dict[str, dict], reset: bool = True) -> dict:
    """A spec for buildings not yet built (a scheme, a project on a date) on their site in the standing city:
    side "a" alone, or "a" and "b" side by side; what stands on the site makes way, nothing is picked."""
    centre = shape(site).centroid
    registry = {layer.key: layer for layer in cim_layers.registry(url)}
    context = [layer_spec(registry[k], True, DEFAULT_OPACITY) for k in MASSING_CONTEXT]
    split = "b" in massing
    return {
        "camera": MASSING_CAMERA | {"longitude": centre.x, "latitude": centre.y, "reset": reset},
        "layers": context,
        "budget": FRAME_BUDGET,
        "labels": False,
        "compare": {"mode": "split" if split else "none", "position": 50, "layers": context if split else []},
        "pickable": False,
        "clear": list(shapely.bounds(shape(site))),
        "site": site,
        "massing": massing,
        "result": None,
        "picked": None,
        "minutes": 0,
        "model": None,
    }
