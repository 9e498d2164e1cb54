"""Conflict patches (冲突图斑) of multi-plan integration: each rule of the matrix overlays two layers (two plans,
or a plan and the current state) in EPSG:4547 metres, keeps the pairs of zones the rule forbids together, and
cuts their intersection into patches. Geometry is repaired before the overlay (make_valid: the self-touching
rings and bow-ties that break overlays in desktop GIS), and slivers — pieces under MIN_AREA_M2 or narrower
than MIN_WIDTH_M, what two plans drawn on different lattices leave along every shared edge — are dropped and
counted. Pairs come from an STRtree, intersections from shapely's vectorised kernels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import shapely

from cockpit.profile import CONSTRUCTION_USES
from cockpit.services.kernel.spatial_ops import metric, wgs84

MIN_AREA_M2 = 50.0
MIN_WIDTH_M = 3.0
POLYGON = 3  # shapely's type id


@dataclass(frozen=True)
class Rule:
    key: str
    left: str  # a plan's key, or "building" for the standing buildings (现状)
    right: str
    forbids: Callable[[str, str], bool]  # on the two zones' uses
    department: str  # who is asked to settle it


RULES: tuple[Rule, ...] = (
    Rule(
        "construction_on_protected",
        "regulatory",
        "land_use",
        lambda a, b: a in CONSTRUCTION_USES and b != "construction",
        "市规划自然资源委",
    ),
    Rule("construction_in_red_line", "regulatory", "red_line", lambda a, _b: a in CONSTRUCTION_USES, "市生态环境局"),
    Rule("project_in_red_line", "development", "red_line", lambda _a, _b: True, "市生态环境局"),
    Rule("project_against_zoning", "development", "regulatory", lambda a, b: a != b, "市发展改革委"),
    Rule("road_through_building", "transport", "building", lambda _a, _b: True, "市交通委"),
)


@dataclass(frozen=True)
class Layer:
    """One plan's zones (or the buildings) ready to overlay: codes, uses and valid metric polygons."""

    name: str
    codes: np.ndarray
    uses: np.ndarray
    shapes: np.ndarray
    repaired: int  # zones whose geometry was invalid as given


@dataclass(frozen=True)
class Patch:
    rule: str
    left: str
    left_code: str
    right: str
    right_code: str
    area_m2: float
    department: str
    geometry: shapely.Geometry  # WGS-84


@dataclass(frozen=True)
class Detection:
    patches: list[Patch]
    slivers: int  # pieces dropped as too small or too thin
    repaired: int  # zones repaired before the overlay


def _polygonal(shape: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(shape) if shapely.get_type_id(p) in (POLYGON, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def layer(name: str, zones: Sequence[tuple[str, str, shapely.Geometry]]) -> Layer:
    """Zones as (code, use, WGS-84 geometry); invalid ones are repaired and only their areas kept."""
    shapes = metric(np.array([z[2] for z in zones], dtype=object)) if zones else np.array([], dtype=object)
    invalid = ~shapely.is_valid(shapes)
    if invalid.any():
        shapes = shapes.copy()
        shapes[invalid] = [_polygonal(s) for s in shapely.make_valid(shapes[invalid])]
    return Layer(
        name,
        np.array([z[0] for z in zones], dtype=object),
        np.array([z[1] for z in zones], dtype=object),
        shapes,
        int(invalid.sum()),
    )


def overlay(left: Layer, right: Layer, rule: Rule) -> tuple[list[Patch], int]:
    """The rule's patches between two layers, and how many slivers it dropped."""
    if not len(left.shapes) or not len(right.shapes):
        return [], 0
    li, ri = shapely.STRtree(right.shapes).query(left.shapes, predicate="intersects")
    forbidden = np.fromiter(
        (rule.forbids(left.uses[i], right.uses[j]) for i, j in zip(li, ri, strict=True)), dtype=bool, count=len(li)
    )
    li, ri = li[forbidden], ri[forbidden]
    pieces, which = shapely.get_parts(shapely.intersection(left.shapes[li], right.shapes[ri]), return_index=True)
    areal = shapely.get_type_id(pieces) == POLYGON
    pieces, which = pieces[areal], which[areal]
    big = shapely.area(pieces) >= MIN_AREA_M2
    wide = np.zeros(len(pieces), dtype=bool)
    wide[big] = ~shapely.is_empty(shapely.buffer(pieces[big], -MIN_WIDTH_M / 2))
    kept = np.flatnonzero(wide)
    shapes = wgs84(pieces[kept]) if len(kept) else []
    patches = [
        Patch(
            rule.key,
            left.name,
            str(left.codes[li[which[k]]]),
            right.name,
            str(right.codes[ri[which[k]]]),
            round(float(shapely.area(pieces[k])), 1),
            rule.department,
            shape,
        )
        for k, shape in zip(kept, shapes, strict=True)
    ]
    return patches, int(len(pieces) - len(kept))


@dataclass(frozen=True)
class Meeting:
    """Where three or more plans disagree on the same ground (多规交叠): the overlapping patches of different
    rules, reported once, with the ground they share."""

    members: tuple[int, ...]  # indexes into the patches
    plans: tuple[str, ...]
    rules: tuple[str, ...]
    area_m2: float


def meetings(patches: Sequence[Patch]) -> list[Meeting]:
    """The multi-way overlay of the pairwise patches: patches of different rules that share more than a sliver
    are joined, and each joined group that spans three or more layers is a meeting."""
    if not patches:
        return []
    shapes = metric(np.array([p.geometry for p in patches], dtype=object))
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    pairs = (left < right) & np.array([patches[a].rule != patches[b].rule for a, b in zip(left, right, strict=True)])
    left, right = left[pairs], right[pairs]
    shared = shapely.intersection(shapes[left], shapes[right])
    big = shapely.area(shared) >= MIN_AREA_M2
    graph = nx.Graph()
    graph.add_edges_from(zip(left[big].tolist(), right[big].tolist(), strict=True))
    out = []
    for group in nx.connected_components(graph):
        members = tuple(sorted(group))
        plans = {layer for m in members for layer in (patches[m].left, patches[m].right)}
        if len(plans) < 3:
            continue
        ground = shapely.union_all(shared[big][np.isin(left[big], members) & np.isin(right[big], members)])
        out.append(
            Meeting(
                members,
                tuple(sorted(plans)),
                tuple(sorted({patches[m].rule for m in members})),
                round(float(ground.area), 1),
            )
        )
    return sorted(out, key=lambda m: m.members)


def detect(layers: dict[str, Layer], rules: Sequence[Rule] = RULES) -> Detection:
    """Every rule of the matrix over the layers it names; a rule whose layers are absent finds nothing."""
    patches: list[Patch] = []
    slivers = 0
    for rule in rules:
        if rule.left in layers and rule.right in layers:
            found, dropped = overlay(layers[rule.left], layers[rule.right], rule)
            patches += found
            slivers += dropped
    return Detection(patches, slivers, sum(x.repaired for x in layers.values()))
