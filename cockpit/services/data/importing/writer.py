"""Writes an import's batches in a thread of its own while the next batch is parsed: SQLite and psycopg release
the interpreter while they work, so reading and writing overlap. Each batch is one short transaction, so live
ingestion keeps writing alongside a long import."""

from __future__ import annotations

import queue
import threading

from data_access import catalog
from data_access.db import write_transaction


class Writer:
    def __init__(self, url: str, version_id: int) -> None:
        self.url, self.version_id = url, version_id
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue
            records, problems, counts = item
            try:
                with write_transaction(self.url) as session:
                    catalog.add_records(session, records)
                    catalog.add_problems(session, self.version_id, problems)
                    catalog.update_version(session, self.version_id, counts)
            except BaseException as error:  # handed to the reading thread, which fails the version
                self.error = error

    def put(self, records: list, problems: list, counts: dict) -> None:
        self._raise()
        self.queue.put((records, problems, counts))

    def finish(self) -> None:
        self.stop()
        self._raise()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error
