"""Anchors of the audit chain outside the database. The hash chain proves that no row was edited, but not
that none was cut off the end, nor that someone who can write the database did not rebuild the chain.
So the chain's head (its row count, last id and last hash) is written every few minutes to an append-only
file beside the database, each line signed with the install's secret key (HMAC-SHA256), and printed in the
daily report; `cockpit audit verify` checks the chain against every anchor. Rows newer than the latest
anchor are covered by the next one."""

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
    """The anchor file itself was altered: a line whose signature does not match."""


def path_of(var_dir: Path) -> Path:
    return var_dir / FILE


def _signature(secret: str, anchor: Anchor) -> str:
    return hmac.new(secret.encode(), orjson.dumps(asdict(anchor), option=orjson.OPT_SORT_KEYS), "sha256").hexdigest()


def write(url: str, var_dir: Path, secret: str) -> Anchor:
    """Append the chain's head now; the file is created readable by this account only."""
    with transaction(url) as session:
        rows, last_id, head = support.audit_head(session)
    anchor = Anchor(stored_now().isoformat(timespec="seconds"), rows, last_id, head)
    line = orjson.dumps(asdict(anchor) | {"hmac": _signature(secret, anchor)}) + b"\n"
    var_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path_of(var_dir), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return anchor


def load(var_dir: Path, secret: str) -> list[Anchor]:
    """Every anchor, oldest first; AnchorError names the first line that is not as it was written."""
    path = path_of(var_dir)
    if not path.exists():
        return []
    anchors = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            fields = orjson.loads(line)
            anchor = Anchor(fields["at"], fields["rows"], fields["last_id"], fields["head"])
            signed = hmac.compare_digest(fields["hmac"], _signature(secret, anchor))
        except (orjson.JSONDecodeError, KeyError, TypeError):
            signed = False
        if not signed:
            raise AnchorError(f"{path.name} line {number} is not as it was written")
        anchors.append(anchor)
    return anchors
