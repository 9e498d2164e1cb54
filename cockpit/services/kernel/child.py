"""Long work started from a web request runs as a `cockpit` child process: it never holds a web worker (whose
greenlets serve the open pages), its memory is returned when it ends, and it reports on its database row.
A child is bounded by the kernel (CPU seconds, address space), so a file that makes a reader run away ends
the child, not the machine; and a child that dies (bounded, killed, or refused by its own argument parser)
is reported through `on_failure` with the end of what it wrote to stderr, so nothing waits for it forever."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_bytes: int


def _bounded(limits: Limits | None) -> Callable[[], None] | None:
    if limits is None:
        return None

    def apply() -> None:  # in the child, before it runs anything of ours
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))

    return apply


def start(
    url: str,
    *arguments: str,
    limits: Limits | None = None,
    on_failure: Callable[[int, str], None] | None = None,
) -> None:
    """`python -m cockpit.cli ARGUMENTS` on the database at `url`, reaped when done so no zombie stays."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - the child writes it until `reap` reads and closes it
    child = subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", *arguments],
        env=os.environ | {"COCKPIT_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=errors,
        cwd=Path(__file__).resolve().parents[2],
        preexec_fn=_bounded(limits),
    )

    def reap() -> None:
        code = child.wait()
        errors.seek(0, os.SEEK_END)
        errors.seek(max(0, errors.tell() - 2000))
        said = errors.read().decode("utf-8", "replace").strip()
        errors.close()
        if code != 0 and on_failure is not None:
            on_failure(code, said.splitlines()[-1][:300] if said else "")

    threading.Thread(target=reap, daemon=True).start()


def run(module: str, *arguments: str, limits: Limits, timeout: float = 60.0) -> subprocess.CompletedProcess:
    """`python -m MODULE ARGUMENTS`, bounded, waited for: under gevent the wait yields to the worker's other
    requests, so work that would hold the worker's one thread for seconds holds nobody."""
    return subprocess.run(
        [sys.executable, "-m", module, *arguments],
        capture_output=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[2],
        preexec_fn=_bounded(limits),  # setrlimit only: nothing that takes a lock between fork and exec
        check=False,
    )
