"""Anchors of the audit chain outside the database. The hash chain proves that no row was edited, but not
that none was cut off the end, nor that someone who can write the database did not rebuild the chain.
So the chain's head (its row count, last id and last hash) is written every few minutes to an append-only
file beside the database, each line signed (HMAC-SHA256) and chained to the line before it, so no line can be
taken out of the middle; `cockpit audit verify` checks the chain against every anchor and then anchors the
head it has just verified, so the rows since the last anchor are covered from that moment.

What the database's writer can reach, it can rewrite: set `COCKPIT_ANCHOR_KEY_FILE` to a key that account
cannot read (the anchors are then signed by a helper running as another account) and
`COCKPIT_ANCHOR_COPY_DIR` to a second, append-only place (another disk, a mounted remote folder): every
anchor is written to both, and verification fails when either holds a line the other lacks, so cutting the
newest anchors off the file is caught."""

from __future__ import annotations

import hmac
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from cockpit.services.kernel.clock import stored_now
from data_access import support
from data_access.db import transaction

FILE = "audit-anchors.jsonl"
EVERY_S = 300.0


@dataclass(frozen=True)
class Anchor:
    at: str
    rows: int
    last_id: int
    head: str


class AnchorError(ValueError):
    """The anchor file itself was altered: a line whose signature or link does not match, or a line one copy
    holds and the other lacks."""


def path_of(var_dir: Path) -> Path:
    return var_dir / FILE


def _signature(secret: str, anchor: Anchor, prev: str | None) -> str:
    signed = asdict(anchor) | ({"prev": prev} if prev is not None else {})  # lines before chaining had no prev
    return hmac.new(secret.encode(), orjson.dumps(signed, option=orjson.OPT_SORT_KEYS), "sha256").hexdigest()


def _last_signature(path: Path) -> str:
    lines = path.read_bytes().splitlines() if path.exists() else []
    return orjson.loads(lines[-1])["hmac"] if lines else ""


def _append(path: Path, line: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write(url: str, var_dir: Path, secret: str, copy_dir: Path | None = None) -> Anchor:
    """Append the chain's head now, to the file and to its copy; the files are readable by this account only."""
    with transaction(url) as session:
        rows, last_id, head = support.audit_head(session)
    anchor = Anchor(stored_now().isoformat(timespec="seconds"), rows, last_id, head)
    prev = _last_signature(path_of(var_dir))
    line = orjson.dumps(asdict(anchor) | {"prev": prev, "hmac": _signature(secret, anchor, prev)}) + b"\n"
    for folder in (var_dir, *([copy_dir] if copy_dir else [])):
        _append(path_of(folder), line)
    return anchor


def _read(path: Path, secret: str) -> list[tuple[Anchor, bytes]]:
    out: list[tuple[Anchor, bytes]] = []
    prev = ""
    for number, line in enumerate(path.read_bytes().splitlines() if path.exists() else [], start=1):
        try:
            fields = orjson.loads(line)
            anchor = Anchor(fields["at"], fields["rows"], fields["last_id"], fields["head"])
            linked = "prev" not in fields or fields["prev"] == prev
            signed = linked and hmac.compare_digest(fields["hmac"], _signature(secret, anchor, fields.get("prev")))
        except (orjson.JSONDecodeError, KeyError, TypeError):
            signed = False
        if not signed:
            raise AnchorError(f"{path} line {number} is not as it was written")
        prev = fields["hmac"]
        out.append((anchor, line))
    return out


def load(var_dir: Path, secret: str, copy_dir: Path | None = None) -> list[Anchor]:
    """Every anchor, oldest first; AnchorError names the first line that is not as it was written, or says
    which copy lost lines."""
    here = _read(path_of(var_dir), secret)
    if copy_dir is not None:
        there = _read(path_of(copy_dir), secret)
        if [line for _, line in here] != [line for _, line in there]:
            shorter = path_of(var_dir) if len(here) < len(there) else path_of(copy_dir)
            raise AnchorError(f"{shorter} lacks anchors its copy holds ({len(here)} against {len(there)} lines)")
    return [anchor for anchor, _ in here]
