"""Imports started from the page or the API run as a `cockpit import` child process: a large file's parsing
never holds a web worker (whose greenlets serve the open pages), its memory is returned when it ends, and
the page and the API follow its progress on the version row. The uploaded file is kept under var/uploads
as the version's source, for lineage and to import it again."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from cockpit.actor import Actor
from cockpit.services.data.importing import pipeline, sources
from cockpit.services.data.importing.errors import ImportFailed
from cockpit.services.data.importing.pipeline import Request, prepare
from cockpit.services.data.importing.sources import Declared
from cockpit.services.kernel import child
from cockpit.services.kernel.clock import stored_now
from data_access import catalog
from data_access.db import transaction

SAFE_NAME = re.compile(r"[^\w.\-]+")
ATTRIBUTES = ("sharing", "opening", "frequency", "description", "source_department")
# an import child is ended by the kernel past these, whatever the file makes its reader do (a recursive view,
# a CityJSON that takes 22 times its size in memory)
IMPORT_LIMITS = child.Limits(cpu_seconds=1800, memory_bytes=3 * 1024**3)
STALE_AFTER = timedelta(hours=2)  # well past the CPU limit: a version loading longer has no child left


def store_upload(var_dir: Path, name: str, stream: IO[bytes]) -> Path:
    """Copy the upload under a fresh name (the client's name is kept only as text, never as a path)."""
    folder = var_dir / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = "".join(Path(SAFE_NAME.sub("_", name)).suffixes[-2:])[:16]
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as sink:
        while chunk := stream.read(1 << 20):
            sink.write(chunk)
    return target


def start(url: str, path: Path, request: Request, actor: Actor) -> dict:
    """Check the file can be read at all (format, archive), prepare the version and start the import."""
    try:
        sources.sniff(path)
    except ImportFailed:
        path.unlink(missing_ok=True)
        raise
    abandon_stale(url, actor)
    made = prepare(url, request, actor)
    options = {
        "dataset": request.dataset,
        "department": request.department,
        "version-id": str(made["id"]),
        "actor": f"{actor.name}|{actor.role}",
        "source-name": request.source_name or path.name,
        **{key.replace("_", "-"): value for key, value in request.record.items()},
        "crs": request.declared.crs,
        "encoding": request.declared.encoding,
    }
    # --name=value: a value that starts with "-" (a file called -evil.csv) is a value, never an option
    command = ["import", *(f"--{k}={v}" for k, v in options.items() if v), "--quiet", "--", str(path)]

    def failed(code: int, said: str) -> None:
        pipeline.abandon(url, made["id"], actor, f"exit {code}" + (f": {said}" if said else ""))

    child.start(url, *command, limits=IMPORT_LIMITS, on_failure=failed)
    return made


def abandon_stale(url: str, actor: Actor, now: datetime | None = None) -> int:
    """Versions still loading long after any import could have ended (its web worker was restarted while the
    child was killed): failed, their partial rows removed. Run before every new import."""
    now = now or stored_now()
    with transaction(url) as session:
        stale = catalog.loading_since(session, now - STALE_AFTER)
    for version in stale:
        pipeline.abandon(
            url,
            version["id"],
            actor,
            "no import has been writing it since " + f"{version['created_at']:%Y-%m-%d %H:%M} UTC",
        )
    return len(stale)


def submit(url: str, var_dir: Path, form: Mapping[str, str], name: str, stream: IO[bytes], actor: Actor) -> dict:
    """An upload from the page or the API: checked, stored, started; the version to follow."""
    dataset, department = form.get("dataset", "").strip()[:64], form.get("department", "").strip()[:64]
    if not name:
        raise ImportFailed("import.no_file")
    if not dataset or not department:
        raise ImportFailed("import.no_dataset")
    path = store_upload(var_dir, name, stream)
    declared = Declared(
        crs=form.get("crs", "").strip()[:100] or None, encoding=form.get("encoding", "").strip()[:32] or None
    )
    title = form.get("title", "").strip()[:200] or None
    record = {k: form.get(k, "").strip() for k in ATTRIBUTES if form.get(k, "").strip()}
    request = Request(path, dataset, department, title=title, record=record, declared=declared, source_name=name[:255])
    return start(url, path, request, actor)


def status(url: str, version_id: int) -> dict | None:
    with transaction(url) as session:
        return catalog.version(session, version_id)
