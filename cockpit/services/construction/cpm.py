"""The critical path method (CPM) over a schedule's task network, on networkx: a forward pass for the earliest
start and finish, a backward pass for the latest, total and free float, and the critical tasks (no float). All
four link types of MS Project (finish-to-start, start-to-start, finish-to-finish, start-to-finish) with lags;
a task may be held to start no earlier than a date (what has already happened: actual starts, the status date).
Days are working days counted as a plain number line from the project's start; the calendar is the caller's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from cockpit.refusal import Refused

LINK_TYPES = ("FS", "SS", "FF", "SF")
EPSILON = 1e-9


@dataclass(frozen=True)
class Link:
    predecessor: str
    kind: str = "FS"
    lag: float = 0.0


@dataclass(frozen=True)
class Task:
    code: str
    duration: float  # working days
    links: tuple[Link, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Timing:
    es: float
    ef: float
    ls: float
    lf: float
    total_float: float
    free_float: float
    critical: bool


def _earliest_start(link: Link, before: tuple[float, float], duration: float) -> float:
    """The earliest this task may start under one link, from its predecessor's (start, finish)."""
    start, finish = before
    return {
        "FS": finish + link.lag,
        "SS": start + link.lag,
        "FF": finish + link.lag - duration,
        "SF": start + link.lag - duration,
    }[link.kind]


def _latest_finish(link: Link, after: tuple[float, float], duration: float) -> float:
    """The latest the predecessor may finish under one link, from its successor's latest (start, finish)."""
    start, finish = after
    return {
        "FS": start - link.lag,
        "SS": start - link.lag + duration,
        "FF": finish - link.lag,
        "SF": finish - link.lag + duration,
    }[link.kind]


def network(tasks: Sequence[Task]) -> nx.DiGraph:
    """The tasks as a graph (edges predecessor → successor carrying their links), refused when a link names a
    task that is not there, a type that is not one of the four, or closes a loop."""
    graph = nx.DiGraph()
    known = {task.code: task for task in tasks}
    if len(known) != len(tasks):
        raise Refused("schedule.duplicate_task")
    for task in tasks:
        if task.duration < 0:
            raise Refused("schedule.bad_duration", task=task.code)
        graph.add_node(task.code)
    for task in tasks:
        for link in task.links:
            if link.predecessor not in known:
                raise Refused("schedule.unknown_predecessor", task=task.code, predecessor=link.predecessor)
            if link.kind not in LINK_TYPES:
                raise Refused("schedule.bad_link", task=task.code, allowed=", ".join(LINK_TYPES))
            graph.add_edge(link.predecessor, task.code)
            graph.edges[link.predecessor, task.code].setdefault("links", []).append(link)
    if not nx.is_directed_acyclic_graph(graph):
        loop = " → ".join(a for a, _b in nx.find_cycle(graph))
        raise Refused("schedule.loop", loop=loop[:200])
    return graph


def schedule(tasks: Sequence[Task], not_before: Mapping[str, float] | None = None) -> dict[str, Timing]:
    """Each task's timing; the project finishes at the latest early finish."""
    graph = network(tasks)
    duration = {task.code: task.duration for task in tasks}
    held = not_before or {}
    order = list(nx.topological_sort(graph))
    early: dict[str, tuple[float, float]] = {}
    for code in order:
        start = max(
            [held.get(code, 0.0)]
            + [
                _earliest_start(link, early[pred], duration[code])
                for pred in graph.predecessors(code)
                for link in graph.edges[pred, code]["links"]
            ]
        )
        early[code] = (start, start + duration[code])
    finish = max((ef for _es, ef in early.values()), default=0.0)
    late: dict[str, tuple[float, float]] = {}
    for code in reversed(order):
        latest = min(
            [finish]
            + [
                _latest_finish(link, late[succ], duration[code])
                for succ in graph.successors(code)
                for link in graph.edges[code, succ]["links"]
            ]
        )
        late[code] = (latest - duration[code], latest)
    timings = {}
    for code in order:
        (es, ef), (ls, lf) = early[code], late[code]
        room = [
            early[succ][0] - _earliest_start(link, early[code], duration[succ])
            for succ in graph.successors(code)
            for link in graph.edges[code, succ]["links"]
        ]
        free = min(room) if room else finish - ef
        total = ls - es
        timings[code] = Timing(es, ef, ls, lf, total, max(0.0, free), total <= EPSILON)
    return timings


def critical_path(tasks: Sequence[Task], timings: Mapping[str, Timing]) -> list[str]:
    """The critical tasks in the order they run (earliest start, then code)."""
    return sorted((t.code for t in tasks if timings[t.code].critical), key=lambda c: (timings[c].es, c))
