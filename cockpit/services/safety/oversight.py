"""The monthly oversight report (监督报告) of the safety scenario: per officer, how many searches of people and
vehicles, follow-ups, lost-person searches, unmasks and refused attempts, under which legal bases and how many
cases — what a supervisor or a data-protection officer reviews. Reading and exporting it are audited too."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf.fonts import FontFace

from cockpit.actor import Actor
from cockpit.i18n import t
from cockpit.refusal import Refused
from cockpit.services.kernel import pdf
from cockpit.services.kernel.clock import stored_now
from cockpit.services.safety import safety_files
from cockpit.services.support import audit
from cockpit.vocab import LEGAL_BASES
from data_access import safety as safety_store
from data_access import support
from data_access.db import transaction, write_transaction

COLUMNS = ("officer", "searches", "follow_ups", "lost_person", "unmasks", "refused", "cases")
FOLLOW_UPS = ("trajectory", "tag", "watch", "identity")


def month_range(month: str) -> tuple[datetime, datetime]:
    try:
        start = datetime.strptime(month, "%Y-%m")
    except (TypeError, ValueError) as error:
        raise Refused("safety.bad_month") from error
    end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end


def this_month(now: datetime | None = None) -> str:
    return f"{(now or stored_now()):%Y-%m}"


def recent_months(now: datetime | None = None, count: int = 6) -> list[str]:
    now = now or stored_now()
    index = now.year * 12 + now.month - 1
    return [f"{(index - i) // 12:04d}-{(index - i) % 12 + 1:02d}" for i in range(count)]


def _build(session: Any, month: str) -> dict[str, Any]:
    start, end = month_range(month)
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(COLUMNS[1:], 0) | {"bases": Counter()})
    cases: dict[str, set[str]] = defaultdict(set)
    for s in safety_store.searches(session, start, end):
        row = rows[s["officer"]]
        column = (
            "searches"
            if s["kind"] in ("person", "vehicle")
            else "follow_ups"
            if s["kind"] in FOLLOW_UPS
            else "lost_person"
            if s["kind"] == "lost_person"
            else "unmasks"
        )
        row[column] += 1
        row["bases"][s["legal_basis"]] += 1
        cases[s["officer"]].add(s["case_no"])
    for action, column in (("safety.unmask", "unmasks"), ("safety.search.refused", "refused")):
        for a in support.audit_rows(session, action=action, actor=None, limit=None):
            if start <= a["ts"] < end and not (action == "safety.unmask" and (a["object"] or "").startswith("search:")):
                rows[a["actor"]][column] += 1
    for a in support.audit_rows(session, action="safety.unmask.denied", actor=None, limit=None):
        if start <= a["ts"] < end:
            rows[a["actor"]]["refused"] += 1
    out = []
    for officer in sorted(rows):
        row = rows[officer] | {"officer": officer, "cases": len(cases[officer])}
        row["bases"] = {b: row["bases"].get(b, 0) for b in LEGAL_BASES}
        out.append(row)
    totals = {c: sum(r[c] for r in out) for c in COLUMNS[1:]}
    return {"month": month, "rows": out, "totals": totals}


def report(url: str, actor: Actor, month: str) -> dict[str, Any]:
    safety_files.require(actor, "safety.oversight")
    month_range(month)
    with write_transaction(url) as session:
        audit.record(session, actor, "safety.oversight.read", f"oversight:{month}")
        return _build(session, month)


def export(url: str, actor: Actor, month: str, kind: str, lang: str, var_dir: Path) -> tuple[bytes, str]:
    """The report as CSV or PDF and its file name; the export is audited in the transaction that reads it."""
    safety_files.require(actor, "safety.oversight")
    if kind not in ("csv", "pdf"):
        raise Refused("safety.bad_format")
    month_range(month)
    with write_transaction(url) as session:
        audit.record(session, actor, "safety.oversight.export", f"oversight:{month}", after={"format": kind})
        found = _build(session, month)
    name = f"safety-oversight-{month}.{kind}"
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*COLUMNS, *LEGAL_BASES])
        for r in found["rows"]:
            writer.writerow([r[c] for c in COLUMNS] + [r["bases"][b] for b in LEGAL_BASES])
        return buffer.getvalue().encode("utf-8-sig"), name
    document = pdf.document(var_dir, t("sf.report_title", lang, month=month), t("sf.report_note", lang))
    with document.table(text_align="LEFT", headings_style=FontFace(emphasis="")) as table:
        table.row([t(f"sf.col.{c}", lang) for c in COLUMNS])
        for r in found["rows"]:
            table.row([str(r[c]) for c in COLUMNS])
        table.row([t("sf.total", lang)] + [str(found["totals"][c]) for c in COLUMNS[1:]])
    pdf.bar_chart(document, t("sf.col.searches", lang), [(r["officer"], r["searches"]) for r in found["rows"]])
    return bytes(document.output()), name


def searches_this_month(url: str, now: datetime | None = None) -> int:
    start, _ = month_range(this_month(now))
    with transaction(url) as session:
        return safety_store.searches_count(session, start)
