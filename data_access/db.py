"""Engines and transactions; SQLite gets WAL so readers never block the writer."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def sqlite_pragmas(dbapi_connection, _record=None) -> None:
    """Every cockpit SQLite connection's settings; public so benchmarks measure the same database."""
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin hook below decides how a transaction starts
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # a burst of writers queues rather than fails
    cursor.close()


def _sqlite_begin(connection) -> None:
    """Writers BEGIN IMMEDIATE: they take the write lock up front, so read-then-write races cannot happen."""
    immediate = connection.get_execution_options().get("immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_engines: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per database and process."""
    if url not in _engines:
        _engines.setdefault(url, _make_engine(url))
    return _engines[url]


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _private_file(path: Path) -> None:
    """The database (and so its WAL and shared-memory files, which SQLite creates with the database's mode)
    is readable by the cockpit's account only: it holds personal data and the audit log."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))


@cache
def _sessions(url: str, immediate: bool) -> sessionmaker[Session]:
    engine = engine_for(url)
    return sessionmaker(engine.execution_options(immediate=True) if immediate else engine, expire_on_commit=False)


_open: ContextVar[dict[str, Session] | None] = ContextVar("open_write_transaction", default=None)
_after: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_commit", default=None)


@contextmanager
def transaction(url: str) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error. Inside an `atomic` block it is a
    savepoint of that block's transaction, so it sees and joins the block's changes."""
    outer = (_open.get() or {}).get(url)
    if outer is not None:
        with outer.begin_nested():
            yield outer
        return
    with _sessions(url, immediate=False)() as session, session.begin():
        yield session


@contextmanager
def write_transaction(url: str) -> Iterator[Session]:
    """A unit of work that must not interleave with other writers (audit chain, dispatch): on SQLite it
    begins IMMEDIATE; on PostgreSQL the code inside takes the row or advisory locks it needs. Inside an
    `atomic` block it is a savepoint of that block's transaction."""
    outer = (_open.get() or {}).get(url)
    if outer is not None:
        with outer.begin_nested():
            yield outer
        return
    with _writers_queue(url), _sessions(url, immediate=True)() as session, session.begin():
        yield session


@contextmanager
def atomic(url: str) -> Iterator[Session]:
    """One write transaction around several services' work: each of their transactions becomes a savepoint
    of this one, so all of it commits together or none does (an idempotency key and the change it guards).
    Work queued with `after_commit` runs once this commits."""
    pending: list[Callable[[], None]] = []
    with write_transaction(url) as session:
        opened = _open.set((_open.get() or {}) | {url: session})
        queued = _after.set(pending)
        try:
            yield session
        finally:
            _open.reset(opened)
            _after.reset(queued)
    for call in pending:
        call()


def after_commit(call: Callable[[], None]) -> None:
    """Run `call` now, or when the enclosing `atomic` block commits (never if it rolls back)."""
    pending = _after.get()
    if pending is None:
        call()
    else:
        pending.append(call)


@contextmanager
def _writers_queue(url: str) -> Iterator[None]:
    """SQLite writers wait their turn on a file lock beside the database. Without it a waiting writer sleeps
    in SQLite's busy handler (1, 2, 5, 10 … ms) and can keep losing the race to a busy ingestion process;
    the kernel wakes a flock waiter the moment the lock is free. PostgreSQL needs nothing of the kind."""
    lock_path = _writer_lock_path(url)
    held = _held.get()
    if lock_path is None or lock_path in held:  # a writer nested in this one's own: SQLite will refuse it
        yield
        return
    with _process_lock(lock_path), os.fdopen(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600), "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        token = _held.set(held | {lock_path})
        try:
            yield
        finally:
            _held.reset(token)
            fcntl.flock(handle, fcntl.LOCK_UN)


# the locks this thread (or greenlet: each has its own context) holds; a ContextVar, because a threading.local
# made before gevent patches the worker would be shared by every greenlet of it
_held: ContextVar[frozenset[str]] = ContextVar("writer_locks_held", default=frozenset())


@cache
def _process_lock(lock_path: str) -> threading.Lock:
    """Writers of one process queue here before the file lock: under gevent they are greenlets of one thread,
    and a greenlet blocked in flock would stop the one holding it from ever finishing."""
    return threading.Lock()


def _forget_after_fork() -> None:
    """A forked worker makes its own engines and locks: pooled connections must not cross a fork, and gevent
    patches threading after the fork, so locks made before it would block every greenlet of the worker."""
    for url in list(_engines):
        _engines.pop(url).dispose(close=False)
    _sessions.cache_clear()
    _process_lock.cache_clear()


os.register_at_fork(after_in_child=_forget_after_fork)


@cache
def _writer_lock_path(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return f"{parsed.database}-writers"
