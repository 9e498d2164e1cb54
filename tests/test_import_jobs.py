"""Import jobs as child processes: a child that dies (killed, bounded by the kernel) fails its version and
removes its partial rows; a version left loading after its worker is gone is swept before the next import."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from fixtures.db import TEST_ACTOR

from cockpit.services.data import import_jobs
from cockpit.services.data.importing import pipeline
from cockpit.services.kernel.clock import stored_now
from data_access import catalog
from data_access.db import transaction, write_transaction


def _loading(url: str, folder: Path) -> dict:
    path = folder / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    request = pipeline.Request(path, "jobs_test", "市大数据中心", source_name="x.csv")
    return pipeline.prepare(url, request, TEST_ACTOR)


def test_a_version_with_partial_rows_whose_child_died_is_failed_and_emptied(db_url, tmp_path):
    """N5 (b): a killed child left 18,371 partial rows and a version loading for ever."""
    made = _loading(db_url, tmp_path)
    with write_transaction(db_url) as session:
        catalog.add_records(session, [(made["id"], '["a"]', None, None, None, None, None, None, None)] * 3)
        assert len(catalog.records(session, made["id"], 0, 10, None)) == 3
    assert pipeline.abandon(db_url, made["id"], TEST_ACTOR, "exit -9")
    with transaction(db_url) as session:
        version = catalog.version(session, made["id"])
        rows = catalog.records(session, made["id"], 0, 10, None)
    assert version["status"] == "failed" and version["message"].startswith("import.stopped|")
    assert rows == [] and not pipeline.abandon(db_url, made["id"], TEST_ACTOR, "again")


def test_a_child_the_kernel_ends_fails_its_version_with_the_reason(db_url, tmp_path, monkeypatch):
    """N5 (c) / N6: a child past its bounds (here a memory ceiling it cannot even start under) ends, and its
    version says so instead of loading for ever."""
    from cockpit.services.kernel import child

    monkeypatch.setattr(import_jobs, "IMPORT_LIMITS", child.Limits(cpu_seconds=30, memory_bytes=64 * 1024**2))
    path = tmp_path / "small.csv"
    path.write_text("编号,名称\n1,甲\n", encoding="utf-8")
    request = pipeline.Request(path, "bounded_import", "市大数据中心", source_name="small.csv")
    made = import_jobs.start(db_url, path, request, TEST_ACTOR)
    deadline = time.monotonic() + 60
    while import_jobs.status(db_url, made["id"])["status"] == "loading" and time.monotonic() < deadline:
        time.sleep(0.2)
    version = import_jobs.status(db_url, made["id"])
    assert version["status"] == "failed" and version["message"].startswith("import.stopped|the import stopped (exit")


def test_versions_loading_past_any_import_are_swept(db_url, tmp_path):
    made = _loading(db_url, tmp_path)
    assert import_jobs.abandon_stale(db_url, TEST_ACTOR) == 0
    later = stored_now() + import_jobs.STALE_AFTER + timedelta(minutes=1)
    assert import_jobs.abandon_stale(db_url, TEST_ACTOR, later) == 1
    with transaction(db_url) as session:
        assert catalog.version(session, made["id"])["status"] == "failed"
