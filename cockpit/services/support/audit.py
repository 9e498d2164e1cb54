"""The audit trail: rows written inside the caller's transaction, and verification of the hash chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.orm import Session

from cockpit.actor import Actor
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import anchor
from cockpit.services.support.anchor import Anchor
from data_access import support
from data_access.db import transaction, write_transaction


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return orjson.dumps(value, default=str).decode()


def record(
    session: Session, actor: Actor, action: str, obj: str | None = None, before: Any = None, after: Any = None
) -> dict[str, Any]:
    """Append one row in `session`'s transaction, so the change and its audit row commit or fail together."""
    return support.append_audit(
        session,
        {
            "ts": stored_now(),
            "actor": actor.name,
            "role": actor.role,
            "action": action,
            "object": obj,
            "before": _text(before),
            "after": _text(after),
            "source_ip": actor.source_ip,
            "request_id": actor.request_id,
        },
    )


def record_alone(url: str, actor: Actor, action: str, obj: str | None = None, after: Any = None) -> None:
    """For events with no change of their own (a refusal, a login), in a transaction of their own."""
    with write_transaction(url) as session:
        record(session, actor, action, obj, after=after)


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken_at: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(url: str, anchors: Sequence[Anchor] = ()) -> ChainReport:
    """Recompute every hash oldest first; the first row whose link or content does not match is named. Each
    anchor must find its row count and head hash where it left them: rows cut off the end, or deleted and
    the chain rebuilt, do not."""
    by_id = {a.last_id: a for a in anchors if a.last_id}
    prev = support.GENESIS
    count = 0
    last_id = 0
    with transaction(url) as session:
        for row in support.audit_chain(session):
            count += 1
            last_id = row["id"]
            if row["prev_hash"] != prev:
                return ChainReport(count, row["id"], "prev_hash does not match the previous row's hash")
            if support.audit_hash(prev, row) != row["hash"]:
                return ChainReport(count, row["id"], "row content does not match its hash")
            anchor = by_id.pop(row["id"], None)
            if anchor and (anchor.head != row["hash"] or anchor.rows != count):
                return ChainReport(
                    count, row["id"], f"the chain was rebuilt: the anchor of {anchor.at} recorded another head here"
                )
            prev = row["hash"]
    if by_id:
        anchor = max(by_id.values(), key=lambda a: a.last_id)
        return ChainReport(
            count,
            anchor.last_id,
            f"rows are missing: the anchor of {anchor.at} recorded {anchor.rows} rows up to id {anchor.last_id}, "
            f"the log now ends at id {last_id} with {count}",
        )
    return ChainReport(count, None, None)


def check(url: str, var_dir: Path, secret: str, copy_dir: Path | None = None) -> tuple[ChainReport, list[Anchor]]:
    """The chain against this install's anchors (AnchorError when the anchor file or its copy was altered);
    an intact chain is then anchored as verified, so the rows since the last anchor are covered from now."""
    anchors = anchor.load(var_dir, secret, copy_dir)
    report = verify(url, anchors)
    if report.intact and anchors:  # with no anchor yet a cut cannot be ruled out: nothing to vouch for
        anchors = [*anchors, anchor.write(url, var_dir, secret, copy_dir)]
    return report, anchors


ALERT_WINDOW = timedelta(hours=24)


def alerts(url: str, now: datetime | None = None, limit: int = 20) -> list[dict]:
    """Security alerts of the last ALERT_WINDOW, newest first, for the administrator's page: when, what was
    attacked (an account, by its name's hash, or an address) and from where."""
    since = (now or stored_now()) - ALERT_WINDOW
    with transaction(url) as session:
        rows = support.audit_rows(session, action="security.alert", limit=limit)
    alerts = []
    for r in rows:
        if r["ts"] < since:
            continue
        scope, _, subject = (r["object"] or "").partition(":")
        alerts.append({"at": r["ts"], "scope": scope, "subject": subject, "from": r["source_ip"]})
    return alerts


def export(url: str, actor: Actor, action: str | None = None, actor_name: str | None = None) -> list[dict]:
    """Every matching row; the export is itself audited, in the same transaction that reads the rows."""
    with write_transaction(url) as session:
        record(session, actor, "audit.export", "audit_log", after={"action": action, "actor": actor_name})
        return support.audit_rows(session, action=action, actor=actor_name, limit=None)


def read(url: str, actor: Actor, action: str | None, actor_name: str | None, limit: int) -> list[dict]:
    """Rows read through the API: the reading is itself audited, in the transaction that reads them."""
    with write_transaction(url) as session:
        record(session, actor, "audit.read", "audit_log", after={"action": action, "actor": actor_name, "limit": limit})
        return support.audit_rows(session, action=action, actor=actor_name, limit=limit)


def rows(url: str, action: str | None = None, actor: str | None = None, limit: int | None = 500) -> list[dict]:
    with transaction(url) as session:
        return support.audit_rows(session, action=action, actor=actor, limit=limit)
