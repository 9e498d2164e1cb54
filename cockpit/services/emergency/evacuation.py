"""Evacuation simulation (疏散模拟推演): the residents of an area walk to shelters with room, over the road
network. Who goes where is a minimum-cost flow (networkx network simplex): every resident is sent to a
shelter so that the total walking time is least and no shelter takes more than its room; those no shelter
within reach can take are counted, not hidden. The streets everyone walks are loaded with the people who
pass, and the busiest, set against what a footway carries (1.3 people per metre of width per second, Fruin's
level of service E), are the bottlenecks; the area is clear when the last walker arrives or the busiest
street has let its crowd through, whichever is later. Residents per building and shelter capacities are
generated (housing service; resource register) and said so. Every figure is an estimate."""

from __future__ import annotations

import math
from itertools import pairwise

import networkx as nx
import numpy as np
import orjson
import shapely
from shapely.geometry import shape

from cockpit.refusal import Refused
from cockpit.services.cim.spatial_requests import shape_of
from cockpit.services.data import housing
from cockpit.services.kernel import routing, spatial_ops
from data_access import emergency
from data_access.db import transaction

PEOPLE_PER_M_S = 1.3
WIDTH_M = {
    "footway": 2.0,
    "path": 1.5,
    "steps": 2.0,
    "pedestrian": 6.0,
    "cycleway": 2.5,
    "service": 4.0,
    "residential": 5.0,
    "living_street": 5.0,
    "tertiary": 5.0,
    "secondary": 6.0,
    "primary": 8.0,
}
DEFAULT_WIDTH_M = 3.0
MAX_RADIUS_M = 3000
SHELTER_REACH_M = 4000  # shelters farther than this from the area are not considered
FRAME_MINUTES = 2
UNSERVED_S = 10**7  # the cost of leaving someone without a shelter: only when no shelter has room


def check(params: dict) -> dict:
    """The area: a GeoJSON polygon, or lon/lat with a radius in metres (default 500)."""
    area = shape_of(params)
    if area.geom_type == "Point":
        radius = params.get("metres", 500)
        if not isinstance(radius, int | float) or isinstance(radius, bool) or not 50 <= radius <= MAX_RADIUS_M:
            raise Refused("evacuation.bad_radius", most=MAX_RADIUS_M)
        area = spatial_ops.wgs84(spatial_ops.metric(area).buffer(float(radius)))
    if area.geom_type not in ("Polygon", "MultiPolygon") or not area.is_valid:
        raise Refused("spatial.bad_polygon")
    return {"geometry": orjson.loads(shapely.to_geojson(area))}


def _residents(url: str, area) -> list[dict]:
    out = []
    for feature in spatial_ops.within(url, "building", area):
        props = feature["properties"]
        footprint = shape(feature["geometry"])
        _, residential, _, _, homes = housing.estimate(
            props["id"], {}, props["kind"], spatial_ops.metric(footprint).area
        )
        if residential and homes:
            point = footprint.representative_point()
            out.append(
                {
                    "id": props["id"],
                    "name": props["name"],
                    "people": housing.residents(homes),
                    "lon": point.x,
                    "lat": point.y,
                }
            )
    return out


def simulate(url: str, params: dict) -> tuple[dict, list[tuple[int, dict]]]:
    area = shape(check(params)["geometry"])
    homes = _residents(url, area)
    if not homes:
        raise Refused("evacuation.nobody")
    net = routing.network(url, "walk")
    speed = routing.WALK_KMH / 3.6
    centre = area.centroid
    with transaction(url) as session:
        shelters = [
            s
            for s in emergency.resources(session, ("shelter",))
            if routing.metres(centre.x, centre.y, s["lon"], s["lat"]) <= SHELTER_REACH_M
        ]
    home_nodes, home_gaps = net.snap_many(np.array([[h["lon"], h["lat"]] for h in homes]))
    reachable = []
    for shelter in shelters:
        node, gap = net.snap(shelter["lon"], shelter["lat"])
        room = shelter["capacity"] - shelter["occupancy"]
        if node is not None and gap <= routing.SNAP_M and room > 0:
            times = nx.single_source_dijkstra_path_length(net.graph, node, weight="seconds")
            reachable.append((shelter, node, gap, room, times))
    graph = nx.DiGraph()
    graph.add_node("sink", demand=sum(h["people"] for h in homes))
    graph.add_edge("unserved", "sink", weight=0)
    for i, home in enumerate(homes):
        graph.add_node(("home", i), demand=-home["people"])
        graph.add_edge(("home", i), "unserved", weight=UNSERVED_S)
        if home_gaps[i] > routing.SNAP_M:
            continue
        for j, (_, _, gap, _, times) in enumerate(reachable):
            if home_nodes[i] in times:
                seconds = times[home_nodes[i]] + (home_gaps[i] + gap) / speed
                graph.add_edge(("home", i), ("shelter", j), weight=int(seconds))
    for j, (_, _, _, room, _) in enumerate(reachable):
        graph.add_edge(("shelter", j), "sink", weight=0, capacity=room)
    flow = nx.min_cost_flow(graph)
    return _outcome(net, homes, home_nodes, reachable, flow, graph, area)


def _outcome(net, homes, home_nodes, reachable, flow, graph, area) -> tuple[dict, list[tuple[int, dict]]]:
    walks, loads, unserved = [], {}, 0
    for i in range(len(homes)):
        for target, people in flow[("home", i)].items():
            if people <= 0:
                continue
            if target == "unserved":
                unserved += people
                continue
            j = target[1]
            seconds = graph[("home", i)][target]["weight"]
            walks.append((i, j, people, seconds))
            path = nx.shortest_path(net.graph, home_nodes[i], reachable[j][1], weight="seconds")
            for a, b in pairwise(path):
                key = (a, b) if a < b else (b, a)
                loads[key] = loads.get(key, 0) + people
    bottlenecks = _bottlenecks(net, loads)
    longest = max((s for *_, s in walks), default=0)
    queue = max((b["minutes_to_pass"] * 60 for b in bottlenecks), default=0)
    clear = max(longest, queue)
    per_shelter = {}
    for _, j, people, _ in walks:
        per_shelter[j] = per_shelter.get(j, 0) + people
    shelters = [
        {
            "id": reachable[j][0]["id"],
            "name": reachable[j][0]["name"],
            "lon": reachable[j][0]["lon"],
            "lat": reachable[j][0]["lat"],
            "room": reachable[j][3],
            "assigned": people,
            "full": people >= reachable[j][3],
        }
        for j, people in sorted(per_shelter.items(), key=lambda pair: -pair[1])
    ]
    total = sum(h["people"] for h in homes)
    summary = {
        "residents": total,
        "buildings": len(homes),
        "assigned": total - unserved,
        "unserved": unserved,
        "shelters": shelters,
        "shelters_considered": len(reachable),
        "bottlenecks": bottlenecks[:8],
        "longest_walk_min": round(longest / 60, 1),
        "time_to_clear_min": round(clear / 60, 1),
        "area": orjson.loads(shapely.to_geojson(area)),
        "method": (
            "minimum-cost flow (networkx network simplex) of residents to shelters with room over the walking "
            f"network at {routing.WALK_KMH} km/h; streets pass {PEOPLE_PER_M_S} people per metre of width per "
            "second"
        ),
        "generated": ["residents", "shelter_capacity"],
        "estimate": True,
    }
    frames = []
    last = math.ceil(clear / 60 / FRAME_MINUTES) * FRAME_MINUTES
    for minute in range(0, int(last) + FRAME_MINUTES, FRAME_MINUTES):
        left: dict[str, int] = {}
        arrived = 0
        for i, _, people, seconds in walks:
            if seconds <= minute * 60:
                arrived += people
            else:
                key = str(homes[i]["id"])
                left[key] = left.get(key, 0) + people
        frames.append((minute, {"minute": minute, "arrived": arrived, "still_home": left}))
    summary["homes"] = [{k: h[k] for k in ("id", "name", "people", "lon", "lat")} for h in homes]
    return summary, frames


def _bottlenecks(net, loads: dict) -> list[dict]:
    out = []
    for (a, b), people in loads.items():
        edge = net.graph[a][b]
        width = WIDTH_M.get(edge.get("kind") or "", DEFAULT_WIDTH_M)
        per_minute = width * PEOPLE_PER_M_S * 60
        out.append(
            {
                "lon": round((a[0] + b[0]) / 2, 6),
                "lat": round((a[1] + b[1]) / 2, 6),
                "people": people,
                "per_minute": round(per_minute),
                "minutes_to_pass": round(people / per_minute, 1),
                "kind": edge.get("kind"),
                "road": edge.get("name"),
            }
        )
    out.sort(key=lambda b: -b["minutes_to_pass"])
    return out
