import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from cockpit.actor import Actor
from cockpit.services import audit
from data_access.db import engine_for, write_transaction

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
