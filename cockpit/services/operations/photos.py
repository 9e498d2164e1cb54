"""Photos from the field, taken in with care: a phone's upload is untrusted bytes. Each person uploads at most
UPLOADS_PER_MINUTE a minute and size is limited before anything is read; the pixels are handled by a bounded
child process (photo_clean: type by content, pixel count and shape from the header before decoding, so a
decompression bomb costs nothing, then re-encoded as JPEG without any metadata), so the web worker serves
its other pages meanwhile. The GPS position and time the phone wrote are kept in the database as evidence;
a thumbnail is made for the desk."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import orjson

from cockpit.actor import Actor
from cockpit.services.kernel import child
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations.photo_clean import MAX_BYTES, PhotoError
from cockpit.services.support import audit, rate
from data_access import field
from data_access.db import transaction, write_transaction

UPLOADS_PER_MINUTE = 20  # a worker photographs a scene, not a film: a burst is refused with the wait
# the child that decodes is ended past these, whatever the file makes the decoder do
CLEANING = child.Limits(cpu_seconds=30, memory_bytes=2 * 1024**3)


def folder(var_dir: Path) -> Path:
    return var_dir / "photos"


def _write(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _cleaned(source: Path, kept: Path, thumb: Path) -> dict[str, Any]:
    """photo_clean in a bounded child: the web worker waits on it without holding its thread (gevent)."""
    try:
        done = child.run("cockpit.services.operations.photo_clean", str(source), str(kept), str(thumb), limits=CLEANING)
    except subprocess.TimeoutExpired:
        raise PhotoError("photo_not_image") from None
    answer = orjson.loads(done.stdout) if done.returncode == 0 and done.stdout else {"refused": "photo_not_image"}
    if "refused" in answer:
        raise PhotoError(answer["refused"], **answer.get("values", {}))
    return answer


def store(url: str, var_dir: Path, actor: Actor, data: bytes) -> dict[str, Any]:
    """Check, clean and keep one photo; returns its row. PhotoError says what was wrong with it."""
    rate.take(url, actor, "photo_upload", UPLOADS_PER_MINUTE)
    if not data:
        raise PhotoError("photo_empty")
    if len(data) > MAX_BYTES:
        raise PhotoError("photo_too_big", mb=MAX_BYTES // (1024 * 1024))
    target = folder(var_dir)
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target) as work:
        source, kept_path, thumb_path = (Path(work) / name for name in ("upload", "kept.jpg", "thumb.jpg"))
        _write(source, data)
        meta = _cleaned(source, kept_path, thumb_path)
        body = kept_path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()
        os.replace(kept_path, target / f"{digest}.jpg")
        os.replace(thumb_path, target / f"{digest}.thumb.jpg")
    kept = {k: meta[k] for k in ("gps_lon", "gps_lat", "taken_at")}
    with write_transaction(url) as session:
        row = field.add_photo(
            session,
            {
                "sha256": digest,
                "case_id": None,
                "uploaded_by": actor.name,
                "uploaded_at": stored_now(),
                "width": meta["width"],
                "height": meta["height"],
                "size": len(body),
                **kept,
            },
        )
        audit.record(session, actor, "photo.upload", f"photo:{row['id']}", after=kept | {"size": row["size"]})
    return row


def readable(url: str, var_dir: Path, actor: Actor, photo_id: int, thumb: bool) -> Path | None:
    """The file of a photo this actor may see: the desk sees every photo, a field worker their own."""
    with transaction(url) as session:
        row = field.photo(session, photo_id)
    if row is None or (actor.role == "field_worker" and row["uploaded_by"] != actor.name):
        return None
    path = folder(var_dir) / f"{row['sha256']}{'.thumb' if thumb else ''}.jpg"
    return path if path.exists() else None
