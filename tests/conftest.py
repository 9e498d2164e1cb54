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


def _group(item: pytest.Item) -> str:
    """The xdist group: every browser test on one worker, in order, with the one served city and Chromium (two
    Chromiums on two cores each take twice as long and time out); any other file's tests together on the
    worker that is free."""
    return "browser" if item.get_closest_marker("browser") else item.path.stem


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups off the items
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, needs in SLOW_SUITES.items():
            if fixtures & needs:
                item.add_marker(marker)
        suite = FILE_SUITES.get(item.path.name)
        if suite:
            item.add_marker(suite)
        item.add_marker(pytest.mark.xdist_group(_group(item)))
