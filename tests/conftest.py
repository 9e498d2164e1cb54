"""The suite's plugins (tests/fixtures/) and its markers. Each suite that needs more than Python is marked from
the fixtures it asks for, so `make test-fast` can leave out the browser, PostgreSQL, cluster and fuzz suites
without a list to keep up to date."""

from __future__ import annotations

import pytest

pytest_plugins = ["fixtures.servers", "fixtures.db", "fixtures.browser"]

SLOW_SUITES = {  # marker -> the fixtures that put a test in that suite
    "browser": {"browser"},
    "postgres": {"postgres_url"},
}
FILE_SUITES = {"test_cluster.py": "cluster", "test_fuzz.py": "fuzz"}
SPLIT = {"test_browser_controls.py": 3, "test_browser.py": 2, "test_browser_language.py": 2}  # the longest files


def _group(item: pytest.Item, index: int) -> str:
    """A file's tests stay together on one xdist worker (and its served city), in order, as one person would
    take them; the longest files are dealt out in parts so no worker is left with all of one."""
    parts = SPLIT.get(item.path.name, 1)
    return item.path.stem if parts == 1 else f"{item.path.stem}-{index % parts}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for index, item in enumerate(items):
        item.add_marker(pytest.mark.xdist_group(_group(item, index)))
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, needs in SLOW_SUITES.items():
            if fixtures & needs:
                item.add_marker(marker)
        suite = FILE_SUITES.get(item.path.name)
        if suite:
            item.add_marker(suite)
