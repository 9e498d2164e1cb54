"""CPM against a textbook network worked out by hand (earliest and latest times, total and free float, the
critical path), the four link types with lags, tasks held to start no earlier than a date, and networks that
cannot be scheduled refused with the reason."""

from __future__ import annotations

import pytest

from cockpit.refusal import Refused
from cockpit.services.construction.cpm import Link, Task, critical_path, schedule


def _fs(*codes: str) -> tuple[Link, ...]:
    return tuple(Link(code) for code in codes)


TEXTBOOK = [  # activity-on-node: A 3 d; B 4 and C 2 after A; D 5 after B; E 1 after C; F 2 after D and E
    Task("A", 3),
    Task("B", 4, _fs("A")),
    Task("C", 2, _fs("A")),
    Task("D", 5, _fs("B")),
    Task("E", 1, _fs("C")),
    Task("F", 2, _fs("D", "E")),
]


def test_the_textbook_network_has_the_hand_computed_times_floats_and_critical_path():
    timings = schedule(TEXTBOOK)
    by_hand = {  # es, ef, ls, lf, total float, free float
        "A": (0, 3, 0, 3, 0, 0),
        "B": (3, 7, 3, 7, 0, 0),
        "C": (3, 5, 9, 11, 6, 0),
        "D": (7, 12, 7, 12, 0, 0),
        "E": (5, 6, 11, 12, 6, 6),
        "F": (12, 14, 12, 14, 0, 0),
    }
    for code, (es, ef, ls, lf, total, free) in by_hand.items():
        got = timings[code]
        assert (got.es, got.ef, got.ls, got.lf, got.total_float, got.free_float) == (es, ef, ls, lf, total, free), code
    assert critical_path(TEXTBOOK, timings) == ["A", "B", "D", "F"]


def test_link_types_and_lags():
    tasks = [
        Task("pour", 4),
        Task("cure", 3, (Link("pour", "SS", 2),)),  # starts 2 days after pouring starts
        Task("strip", 1, (Link("cure", "FF", 1),)),  # finishes a day after curing finishes
        Task("inspect", 2, (Link("strip", "SF", 3),)),  # finishes 3 days after stripping starts
    ]
    timings = schedule(tasks)
    assert (timings["cure"].es, timings["cure"].ef) == (2, 5)
    assert (timings["strip"].es, timings["strip"].ef) == (5, 6)
    assert (timings["inspect"].es, timings["inspect"].ef) == (6, 8)
    # cure hangs on pour's start, inspect on strip's: every task drives the end at 8
    assert critical_path(tasks, timings) == ["pour", "cure", "strip", "inspect"]


def test_a_task_held_by_what_happened_moves_the_path():
    timings = schedule(TEXTBOOK, not_before={"C": 10})  # C could not start before day 10
    assert timings["E"].ef == 13 and timings["F"].ef == 15
    assert critical_path(TEXTBOOK, timings) == ["C", "E", "F"]


@pytest.mark.parametrize(
    ("tasks", "key"),
    [
        ([Task("A", 1, _fs("B")), Task("B", 1, _fs("A"))], "schedule.loop"),
        ([Task("A", 1, _fs("Z"))], "schedule.unknown_predecessor"),
        ([Task("A", 1, (Link("A0", "XX"),)), Task("A0", 1)], "schedule.bad_link"),
        ([Task("A", 1), Task("A", 2)], "schedule.duplicate_task"),
        ([Task("A", -1)], "schedule.bad_duration"),
    ],
)
def test_networks_that_cannot_be_scheduled_are_refused(tasks, key):
    with pytest.raises(Refused) as refused:
        schedule(tasks)
    assert refused.value.key == key
