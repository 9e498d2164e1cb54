"""Travel times for emergency units. On the imported road network (networkx, speeds by road class) where it
covers both ends; elsewhere the straight line times a detour factor at a stated speed. Every ETA says which."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import networkx as nx
import numpy as np

from data_access import cim
from data_access.db import transaction

# km/h an emergency vehicle keeps on each road class in Beijing traffic
SPEEDS = {
    "motorway": 60,
    "motorway_link": 40,
    "trunk": 50,
    "trunk_link": 35,
    "primary": 40,
    "primary_link": 30,
    "secondary": 35,
    "secondary_link": 25,
    "tertiary": 30,
    "tertiary_link": 25,
    "unclassified": 25,
    "residential": 20,
    "living_street": 10,
    "service": 15,
}
WALK_KMH = 4.8  # an adult's walking pace, on every way but motorways and trunk roads
NOT_WALKED = {"motorway", "motorway_link", "trunk", "trunk_link"}
WALKED = ("footway", "path", "pedestrian", "steps", "cycleway", "track", "corridor")
ACCESS_KMH = 15  # from a point to the nearest road node and back off it
SNAP_M = 300  # a point farther than this from the network is not covered by it
DETOUR = 1.4
STRAIGHT_KMH = 40
EARTH_M = 6_371_000


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def squared_metres(coords: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """Squared distance in metres from (lon, lat) to each row of an (n, 2) lon/lat array: the flat-earth
    approximation, exact enough within a city and cheap enough for every node at once."""
    dx = (coords[:, 0] - lon) * math.cos(math.radians(lat)) * 111_320
    dy = (coords[:, 1] - lat) * 110_540
    return dx * dx + dy * dy


@dataclass(frozen=True)
class Eta:
    seconds: float
    method: str  # "network" | "straight"
    route: list[tuple[float, float]]


def speeds(mode: str) -> dict[str, float]:
    """km/h by road class: an emergency vehicle's (drive), or a walker's on every walkable way (walk)."""
    if mode == "walk":
        return {kind: WALK_KMH for kind in (*SPEEDS, *WALKED) if kind not in NOT_WALKED}
    return SPEEDS


class RoadNetwork:
    def __init__(self, roads: list[dict], mode: str = "drive") -> None:
        self.graph = nx.Graph()
        by_kind = speeds(mode)
        for road in roads:
            kind = road["properties"].get("kind") or ""
            speed = by_kind.get(kind)
            if speed is None:
                continue
            coords = [tuple(c) for c in road["geometry"]["coordinates"]]
            for a, b in pairwise(coords):
                length = metres(a[0], a[1], b[0], b[1])
                seconds = length / (speed / 3.6)
                if not self.graph.has_edge(a, b) or self.graph[a][b]["seconds"] > seconds:
                    self.graph.add_edge(a, b, seconds=seconds, kind=kind, name=road["properties"].get("name"))
        self.nodes = list(self.graph.nodes)
        self.coords = np.array(self.nodes) if self.nodes else np.zeros((0, 2))

    def snap(self, lon: float, lat: float) -> tuple[tuple[float, float] | None, float]:
        """Nearest node and its distance in metres (None when the network is empty)."""
        if not self.nodes:
            return None, math.inf
        i = int(np.argmin(squared_metres(self.coords, lon, lat)))
        node = self.nodes[i]
        return node, metres(lon, lat, node[0], node[1])

    def snap_many(self, points: np.ndarray) -> tuple[list[tuple[float, float]], np.ndarray]:
        """Vectorised snap for many points: nearest nodes and distances in metres."""
        if not self.nodes or len(points) == 0:
            return [], np.full(len(points), math.inf)
        lat0 = math.radians(float(points[:, 1].mean()))
        scale = np.array([math.cos(lat0) * 111_320, 110_540])
        nodes = self.coords * scale
        out_nodes, out_dist = [], np.empty(len(points))
        for start in range(0, len(points), 256):
            chunk = points[start : start + 256] * scale
            d2 = ((chunk[:, None, :] - nodes[None, :, :]) ** 2).sum(axis=2)
            best = d2.argmin(axis=1)
            out_nodes.extend(self.nodes[j] for j in best)
            out_dist[start : start + len(chunk)] = np.sqrt(d2[np.arange(len(chunk)), best])
        return out_nodes, out_dist

    def times_to(self, node: tuple[float, float]) -> dict[tuple[float, float], float]:
        return nx.single_source_dijkstra_path_length(self.graph, node, weight="seconds")

    def path(self, a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
        return nx.shortest_path(self.graph, a, b, weight="seconds")


@cache
def network(url: str, mode: str = "drive") -> RoadNetwork:
    """Built once per process and mode from the imported roads."""
    with transaction(url) as session:
        return RoadNetwork(cim.base_features(session, "road"), mode)


def straight(lon1: float, lat1: float, lon2: float, lat2: float) -> Eta:
    seconds = metres(lon1, lat1, lon2, lat2) * DETOUR / (STRAIGHT_KMH / 3.6)
    return Eta(seconds, "straight", [(lon1, lat1), (lon2, lat2)])


def etas_to(url: str, lon: float, lat: float, origins: list[tuple[float, float]]) -> list[Eta]:
    """ETA from each origin to (lon, lat): one Dijkstra from the target, then a look-up per origin."""
    net = network(url)
    target, target_gap = net.snap(lon, lat)
    covered = target is not None and target_gap <= SNAP_M
    times = net.times_to(target) if covered else {}
    points = np.array(origins, dtype=float).reshape(-1, 2)
    nodes, gaps = net.snap_many(points) if covered else ([], np.full(len(points), math.inf))
    out = []
    for i, (olon, olat) in enumerate(origins):
        if covered and gaps[i] <= SNAP_M and nodes[i] in times:
            access = (gaps[i] + target_gap) / (ACCESS_KMH / 3.6)
            out.append(Eta(times[nodes[i]] + access, "network", [(olon, olat), (lon, lat)]))
        else:
            out.append(straight(olon, olat, lon, lat))
    return out


def route(url: str, origin: tuple[float, float], target: tuple[float, float], method: str) -> list[list[float]]:
    """The polyline a unit drives: along the roads for a network ETA, else the straight line."""
    if method != "network":
        return [list(origin), list(target)]
    net = network(url)
    a, _ = net.snap(*origin)
    b, _ = net.snap(*target)
    try:
        nodes = net.path(a, b)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return [list(origin), list(target)]
    return [list(origin), *[list(n) for n in nodes], list(target)]


def multi_source_times(net: RoadNetwork, sources: set, cutoff_s: float) -> dict[tuple[float, float], float]:
    """Seconds from the nearest source to every node reachable within the cutoff."""
    return nx.multi_source_dijkstra_path_length(net.graph, sources, cutoff=cutoff_s, weight="seconds")
