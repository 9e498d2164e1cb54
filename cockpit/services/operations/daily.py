"""City operations exports for leaders: the cases (CSV and Excel), the statistics (CSV) and the dated daily
report (PDF with charts). Headers, values and times are in the viewer's language and the city's time zone,
so what a leader forwards reads the same as the screen."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from cockpit.actor import Actor
from cockpit.i18n import t
from cockpit.services.kernel import clock, pdf
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.export import safe_cell, to_csv
from cockpit.services.operations import operations
from cockpit.services.support import anchor, audit

CASE_COLUMNS = (
    "code",
    "category",
    "status",
    "priority",
    "assignee",
    "filed_at",
    "stage_due",
    "closed_at",
    "time_left_min",
    "lon",
    "lat",
)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def case_rows(url: str, lang: str, zone: str, now: datetime | None = None) -> list[dict[str, Any]]:
    """Overdue first, as on the page; a negative time left is how late the case is."""
    rows = []
    for r in operations.case_list(url, now):
        row = {
            "code": r["code"],
            "category": t("cat." + r["category"], lang),
            "status": t("case.status." + r["status"], lang),
            "priority": r["priority"],
            "assignee": r["assignee"] or "",
        }
        row |= {k: clock.show(r[k], lang, zone, "full") if r[k] else "" for k in ("filed_at", "stage_due", "closed_at")}
        row |= {"time_left_min": _minutes(r["time_left_s"]), "lon": r["lon"], "lat": r["lat"]}
        rows.append(row)
    return [{t("col." + k, lang): v for k, v in row.items()} for row in rows]


def per_hour(signs: dict[str, Any], lang: str, zone: str, now: datetime) -> list[tuple[str, int]]:
    """The last 24 city hours, each with its count (an hour without filings shows as 0)."""
    counts = {clock.to_city(h, zone).replace(minute=0): n for h, n in signs["per_hour"]}
    end = clock.to_city(now, zone).replace(minute=0, second=0, microsecond=0)
    hours = [end - timedelta(hours=i) for i in range(23, -1, -1)]
    return [(h.strftime("%H"), counts.get(h, 0)) for h in hours]


def stats_rows(url: str, lang: str, zone: str, now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or stored_now()
    signs = operations.vital_signs(url, now)
    rate = None if signs["on_time_rate"] is None else round(signs["on_time_rate"] * 100, 1)
    rows = [
        (t("ops.open", lang), "", signs["open"]),
        (t("ops.overdue", lang), "", signs["overdue"]),
        (t("ops.closed", lang), "", signs["closed"]),
        (t("ops.on_time", lang), "%", rate),
    ]
    rows += [(t("ops.by_category", lang), t("cat." + k, lang), v) for k, v in sorted(signs["by_category"].items())]
    rows += [(t("ops.by_street", lang), k, v) for k, v in sorted(signs["by_street"].items())]
    rows += [(t("ops.trend", lang), h, n) for h, n in per_hour(signs, lang, zone, now)]
    return [{t("col.measure", lang): m, t("col.key", lang): k, t("col.value", lang): v} for m, k, v in rows]


def case_columns(lang: str) -> list[str]:
    return [t("col." + c, lang) for c in CASE_COLUMNS]


def cases_xlsx(url: str, lang: str, zone: str) -> bytes:
    """The case list as an Excel workbook (openpyxl through pandas), formula-like cells neutralised."""
    frame = pd.DataFrame(case_rows(url, lang, zone), columns=case_columns(lang)).map(safe_cell)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=t("ops.cases_sheet", lang))
    return buffer.getvalue()


def cases_csv(url: str, lang: str, zone: str) -> str:
    return to_csv(case_rows(url, lang, zone), case_columns(lang))


def stats_csv(url: str, lang: str, zone: str) -> str:
    return to_csv(stats_rows(url, lang, zone))


def daily_pdf(
    url: str,
    lang: str,
    zone: str,
    var_dir: Path,
    secret: str,
    now: datetime | None = None,
    copy_dir: Path | None = None,
) -> tuple[str, bytes]:
    """The day's operations: vital signs, charts by category, area and hour, and the overdue cases, and an
    anchor of the audit chain (a printed copy outside the database). Returns (file name with the city date,
    bytes)."""
    now = now or stored_now()
    signs = operations.vital_signs(url, now)
    day = clock.show(now, lang, zone, "date")
    document = pdf.document(
        var_dir, f"{t('ops.daily_title', lang)} · {day}", t("report.made_at", lang, at=clock.show(now, lang, zone))
    )
    rate = "—" if signs["on_time_rate"] is None else f"{signs['on_time_rate'] * 100:.0f}%"
    for label, value in (
        (t("ops.open", lang), signs["open"]),
        (t("ops.overdue", lang), signs["overdue"]),
        (t("ops.closed", lang), signs["closed"]),
        (t("ops.on_time", lang), rate),
    ):
        document.cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    by_category = sorted(((t("cat." + k, lang), v) for k, v in signs["by_category"].items()), key=lambda kv: -kv[1])
    pdf.bar_chart(document, t("ops.by_category", lang), by_category)
    pdf.bar_chart(document, t("ops.by_street", lang), sorted(signs["by_street"].items(), key=lambda kv: -kv[1]))
    pdf.bar_chart(document, t("ops.trend", lang), per_hour(signs, lang, zone, now))
    late = [r for r in operations.case_list(url, now) if (r["time_left_s"] or 0) < 0]
    document.ln(2)
    document.cell(0, 7, f"{t('ops.overdue', lang)} ({len(late)})", new_x="LMARGIN", new_y="NEXT")
    for r in late[:40]:
        document.cell(
            0,
            5,
            f"{r['code']}  {t('cat.' + r['category'], lang)}  {t('case.status.' + r['status'], lang)}  "
            f"{t('ops.late', lang, minutes=round(-r['time_left_s'] / 60))}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    held = anchor.write(url, var_dir, secret, copy_dir)
    document.ln(2)
    document.cell(
        0,
        5,
        t("ops.audit_anchor", lang, rows=held.rows, last=held.last_id, head=held.head[:16]),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    stamp = clock.to_city(now, zone).strftime("%Y-%m-%d")
    return f"daily_operations_{stamp}.pdf", bytes(document.output())


EXPORTS = ("cases_csv", "cases_xlsx", "stats_csv", "daily_pdf")


def export(
    url: str,
    actor: Actor,
    kind: str,
    lang: str,
    zone: str,
    var_dir: Path,
    secret: str,
    copy_dir: Path | None = None,
) -> tuple[str, bytes]:
    """One of the desk's exports as (file name, bytes), audited here whoever asks for it."""
    if kind not in EXPORTS:
        raise ValueError(f"unknown export {kind!r}")
    audit.record_alone(url, actor, "ops.export", kind)
    if kind == "cases_csv":
        return "cases.csv", cases_csv(url, lang, zone).encode("utf-8")
    if kind == "cases_xlsx":
        return "cases.xlsx", cases_xlsx(url, lang, zone)
    if kind == "stats_csv":
        return "case_statistics.csv", stats_csv(url, lang, zone).encode("utf-8")
    return daily_pdf(url, lang, zone, var_dir, secret, copy_dir=copy_dir)
