import os
import stat
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from fixtures.servers import ROOT
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from cockpit.actor import Actor
from cockpit.services.support import anchor, audit
from data_access.db import engine_for, write_transaction
from data_access.schema import upgrade

ACTOR = Actor("tester", "admin", "127.0.0.1", "req-1")


def _fill(url: str, n: int = 5) -> None:
    for i in range(n):
        audit.record_alone(url, ACTOR, "test.event", f"object:{i}", after={"i": i, "text": "<b>中文</b>"})


def test_chain_verifies(db_url):
    _fill(db_url)
    report = audit.verify(db_url)
    assert report.intact and report.rows == 5


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"])
def test_database_refuses_update_and_delete(db_url, statement):
    _fill(db_url, 2)
    with pytest.raises(DatabaseError, match="append-only"), engine_for(db_url).begin() as connection:
        connection.execute(text(statement))
    assert audit.verify(db_url).rows == 2


def test_tampering_past_the_trigger_is_detected(db_url):
    """Someone with file access drops the trigger and edits a row: verification names the row."""
    _fill(db_url)
    with engine_for(db_url).begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 3"))
    report = audit.verify(db_url)
    assert not report.intact and report.broken_at == 3 and "content" in report.reason


def test_deleted_row_breaks_the_link(db_url):
    _fill(db_url)
    with engine_for(db_url).begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        connection.execute(text("DELETE FROM audit_log WHERE id = 2"))
    report = audit.verify(db_url)
    assert report.broken_at == 3 and "prev_hash" in report.reason


def test_change_and_audit_row_commit_or_fail_together(db_url):
    with pytest.raises(RuntimeError), write_transaction(db_url) as session:
        audit.record(session, ACTOR, "test.change", "object:x")
        raise RuntimeError("the change failed after its audit row was written")
    assert audit.rows(db_url, action="test.change") == []


def test_concurrent_writers_keep_one_chain(db_url):
    errors = []

    def worker(n: int) -> None:
        try:
            for i in range(20):
                audit.record_alone(db_url, ACTOR, "test.concurrent", f"w{n}:{i}")
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit.verify(db_url)
    assert report.intact and report.rows == 80


SECRET = "anchor-test-secret"


def _without_triggers(url: str, *statements: str) -> None:
    with engine_for(url).begin() as connection:
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement in statements:
            connection.execute(text(statement))


def test_f7_cutting_rows_off_the_end_is_caught_by_the_anchor(db_url, tmp_path):
    _fill(db_url, 10)
    anchor.write(db_url, tmp_path, SECRET)
    assert audit.verify(db_url, anchor.load(tmp_path, SECRET)).intact
    _without_triggers(db_url, "DELETE FROM audit_log WHERE id > 5")
    assert audit.verify(db_url).intact  # the chain alone cannot tell
    report = audit.verify(db_url, anchor.load(tmp_path, SECRET))
    assert not report.intact and report.broken_at == 10 and "rows are missing" in report.reason


def test_f7_a_rebuilt_chain_is_caught_by_the_anchor(db_url, tmp_path):
    from data_access import support

    _fill(db_url, 8)
    anchor.write(db_url, tmp_path, SECRET)
    _without_triggers(db_url, "DELETE FROM audit_log WHERE id = 3")
    prev = support.GENESIS
    with engine_for(db_url).begin() as connection:  # re-chain every row after the deleted one
        rows = connection.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all()
        for row in rows:
            values = dict(row) | {"ts": datetime.fromisoformat(str(row["ts"]))}
            digest = support.audit_hash(prev, values)
            connection.execute(
                text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": prev, "h": digest, "i": row["id"]},
            )
            prev = digest
    assert audit.verify(db_url).intact
    report = audit.verify(db_url, anchor.load(tmp_path, SECRET))
    assert not report.intact and "rebuilt" in report.reason


def test_f7_an_edited_anchor_file_is_caught_and_files_are_private(db_url, tmp_path):
    _fill(db_url, 3)
    anchor.write(db_url, tmp_path, SECRET)
    path = anchor.path_of(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    database = Path(db_url.removeprefix("sqlite:///"))
    for file in (database, Path(f"{database}-wal")):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    path.write_text(path.read_text().replace('"rows":3', '"rows":2'))
    with pytest.raises(anchor.AnchorError, match="line 1"):
        anchor.load(tmp_path, SECRET)


def test_f7_the_cli_verifies_against_anchors_and_keys_are_private(tmp_path):
    env = os.environ | {"COCKPIT_VAR_DIR": str(tmp_path / "var")}

    def cli(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "cockpit.cli", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    url = f"sqlite:///{tmp_path / 'var' / 'cockpit.db'}"
    upgrade(url)
    _fill(url, 6)
    assert cli("audit", "verify").returncode == 1  # no anchor yet: a cut could not be ruled out
    assert cli("audit", "anchor").returncode == 0
    verified = cli("audit", "verify")
    assert verified.returncode == 0 and "6 rows, 2 anchors" in verified.stdout  # the verification anchors too
    _without_triggers(url, "DELETE FROM audit_log WHERE id > 4")
    broken = cli("audit", "verify")
    assert broken.returncode == 1 and "rows are missing" in broken.stderr
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600


def test_f7_an_anchor_taken_out_of_the_middle_is_caught(db_url, tmp_path):
    """(c2 in part): the lines are chained, so dropping one that later lines follow breaks the next link."""
    for _ in range(3):
        _fill(db_url, 2)
        anchor.write(db_url, tmp_path, SECRET)
    path = anchor.path_of(tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[2])
    with pytest.raises(anchor.AnchorError, match="line 2"):
        anchor.load(tmp_path, SECRET)


def test_f7_cutting_the_newest_anchors_is_caught_by_the_copy(db_url, tmp_path):
    """(c) and (c2): the anchor file cut to its first line, and the rows after it deleted, passed as intact;
    with a copy kept elsewhere the cut file no longer matches it."""
    here, there = tmp_path / "var", tmp_path / "elsewhere"
    _fill(db_url, 4)
    anchor.write(db_url, here, SECRET, there)
    _fill(db_url, 4)
    anchor.write(db_url, here, SECRET, there)
    assert len(anchor.load(here, SECRET, there)) == 2
    path = anchor.path_of(here)
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    _without_triggers(db_url, "DELETE FROM audit_log WHERE id > 4")
    assert audit.verify(db_url, anchor.load(here, SECRET)).intact  # the cut file alone cannot tell
    with pytest.raises(anchor.AnchorError, match="lacks anchors"):
        audit.check(db_url, here, SECRET, there)


def test_f7_a_verification_anchors_the_tail_it_verified(db_url, tmp_path):
    """(a): rows newer than the last anchor could be cut undetected; a verification now anchors them."""
    _fill(db_url, 5)
    anchor.write(db_url, tmp_path, SECRET)
    _fill(db_url, 5)
    report, anchors = audit.check(db_url, tmp_path, SECRET)
    assert report.intact and anchors[-1].rows == report.rows == 10
    _without_triggers(db_url, "DELETE FROM audit_log WHERE id > 7")
    report, _ = audit.check(db_url, tmp_path, SECRET)
    assert not report.intact and "rows are missing" in report.reason


def test_f7_the_anchor_key_can_live_outside_the_data_directory(tmp_path, monkeypatch):
    """(e): the key that signs the anchors sat in var/ beside the database; COCKPIT_ANCHOR_KEY_FILE moves it."""
    from cockpit.settings import load_settings

    key = tmp_path / "keys" / "anchor.key"
    key.parent.mkdir()
    key.write_text("k" * 40)
    monkeypatch.setenv("COCKPIT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("COCKPIT_ANCHOR_KEY_FILE", str(key))
    monkeypatch.setenv("COCKPIT_ANCHOR_COPY_DIR", str(tmp_path / "copy"))
    settings = load_settings()
    assert settings.anchor_key == "k" * 40 != settings.secret_key and settings.anchor_copy == tmp_path / "copy"
    key.write_text("short")
    with pytest.raises(ValueError, match="at least 32"):
        load_settings()
