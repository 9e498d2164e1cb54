"""Long work started from a web request runs as a `cockpit` child process: it never holds a web worker (whose
greenlets serve the open pages), its memory is returned when it ends, and it reports on its database row."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path


def start(url: str, *arguments: str) -> None:
    """`python -m cockpit.cli ARGUMENTS` on the database at `url`, reaped when done so no zombie stays."""
    child = subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", *arguments],
        env=os.environ | {"COCKPIT_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2],
    )
    threading.Thread(target=child.wait, daemon=True).start()
