"""接诉即办 assessment: every department and street scored on its tickets.

- 响应率 response rate: tickets contacted within their contact clock ÷ tickets that were due for contact;
- 解决率 resolution rate: callbacks that said the problem was solved ÷ callbacks;
- 满意率 satisfaction rate: callbacks 满意 (1) or 基本满意 (0.8, Beijing's own weighting) ÷ callbacks;
- composite = the weighted sum, weights configurable (Beijing's practice 10 / 45 / 45, the default).
A month's figures come from the tickets taken in that month. The monthly report (PDF) ranks both."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import orjson
from fpdf.fonts import FontFace

from cockpit.actor import Actor
from cockpit.i18n import t
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel import pdf
from cockpit.services.kernel.clock import stored_now
from cockpit.services.services import tickets
from cockpit.services.support import audit
from data_access import cim, support
from data_access import services as store
from data_access.db import transaction, write_transaction

DEFAULT_WEIGHTS = {"response": 0.10, "resolution": 0.45, "satisfaction": 0.45}
SATISFIED = {"satisfied": 1.0, "basic": 0.8, "unsatisfied": 0.0}
META_KEY = "assessment_weights"
LEAST_TICKETS = 3  # fewer tickets than this, or no callback yet: not ranked (one call would decide the place)


def weights(url: str) -> dict[str, float]:
    with transaction(url) as session:
        stored = support.read_meta(session).get(META_KEY)
    return orjson.loads(stored) if stored else dict(DEFAULT_WEIGHTS)


def set_weights(url: str, actor: Actor, given: dict[str, float]) -> dict[str, float]:
    if not allows(actor.role, "services.configure"):
        raise Refused("ticket.not_allowed", http=403)
    if set(given) != set(DEFAULT_WEIGHTS) or any(not 0 <= v <= 1 for v in given.values()):
        raise Refused("assess.bad_weights")
    if abs(sum(given.values()) - 1) > 0.001:
        raise Refused("assess.bad_weights")
    clean = {k: round(float(v), 3) for k, v in given.items()}
    with write_transaction(url) as session:
        before = support.read_meta(session).get(META_KEY)
        support.write_meta(session, {META_KEY: orjson.dumps(clean).decode()})
        audit.record(session, actor, "assess.weights", None, before=before, after=clean)
    return clean


def recent_months(count: int = 3) -> list[str]:
    """This month and the ones before it, newest first (YYYY-MM)."""
    first = stored_now().date().replace(day=1)
    out = []
    for _ in range(count):
        out.append(f"{first:%Y-%m}")
        first = (first - timedelta(days=1)).replace(day=1)
    return out


def _month(month: str | None) -> tuple[datetime, datetime] | None:
    if not month:
        return None
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as error:
        raise Refused("assess.bad_month") from error
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime(first.year, first.month, 1), datetime(after.year, after.month, 1)


def _score(rows: list[dict], now: datetime, w: dict[str, float]) -> dict:
    due = [r for r in rows if r["contacted_at"] is not None or r["contact_due"] < now]
    on_time = [r for r in due if r["contacted_at"] is not None and r["contacted_at"] <= r["contact_due"]]
    called = [r for r in rows if r["satisfaction"] is not None]
    response = len(on_time) / len(due) if due else None
    resolution = sum(bool(r["resolved"]) for r in called) / len(called) if called else None
    satisfaction = sum(SATISFIED[r["satisfaction"]] for r in called) / len(called) if called else None
    parts = {"response": response, "resolution": resolution, "satisfaction": satisfaction}
    known = {k: v for k, v in parts.items() if v is not None}
    total = sum(w[k] for k in known)
    composite = sum(w[k] * v for k, v in known.items()) / total if total else None
    return {
        "tickets": len(rows),
        "returns": sum(r["returns"] for r in rows),
        **{k: None if v is None else round(100 * v, 1) for k, v in parts.items()},
        "composite": None if composite is None else round(100 * composite, 1),
    }


def ranking(url: str, by: str = "department", month: str | None = None, now: datetime | None = None) -> list[dict]:
    """Departments or streets by composite score, best first; too few tickets: listed, not ranked."""
    if by not in ("department", "street"):
        raise Refused("assess.bad_by")
    window = _month(month)
    now = now or stored_now()
    w = weights(url)
    with transaction(url) as session:
        rows = [r for r in store.tickets(session) if r["status"] != "merged"]
        names = {s["code"]: s["name"] for s in cim.street_rows(session)}
    if window:
        rows = [r for r in rows if window[0] <= r["created_at"] < window[1]]
    key = "department" if by == "department" else "street_code"
    groups: dict[str, list[dict]] = {}
    for r in rows:
        if r[key]:
            groups.setdefault(r[key], []).append(r)
    scored = [
        {"key": k, "name": names.get(k, k) if by == "street" else k} | _score(g, now, w) for k, g in groups.items()
    ]
    ranked = sorted(
        (s for s in scored if s["tickets"] >= LEAST_TICKETS and None not in (s["response"], s["satisfaction"])),
        key=lambda s: -s["composite"],
    )
    for place, s in enumerate(ranked, start=1):
        s["rank"] = place
    rest = [s | {"rank": None} for s in scored if s not in ranked]
    return ranked + sorted(rest, key=lambda s: -s["tickets"])


def overview(url: str, now: datetime | None = None) -> dict:
    """The hotline's vital signs: today's intake, open, in triage, overdue, the city's rates, the 退单 rate."""
    now = now or stored_now()
    with transaction(url) as session:
        rows = [r for r in store.tickets(session) if r["status"] != "merged"]
    today = now.date()
    dispatched = [r for r in rows if r["department"] or r["returns"]]
    city = _score(rows, now, weights(url))
    return city | {
        "today": sum(r["created_at"].date() == today for r in rows),
        "open": sum(r["status"] in ("dispatched", "contacted", "handled") for r in rows),
        "triage": sum(r["status"] == "triage" for r in rows),
        "overdue": sum(tickets.overdue(r, now) is not None for r in rows),
        "return_rate": round(100 * sum(r["returns"] > 0 for r in dispatched) / len(dispatched), 1)
        if dispatched
        else None,
        "reopen_rate": round(100 * sum(r["reopened"] > 0 for r in rows) / len(rows), 1) if rows else None,
    }


def monthly_pdf(url: str, actor: Actor, month: str, lang: str, var_dir: Path) -> bytes:
    """The month's assessment report; its export is audited here, whoever asks for it."""
    document = pdf.document(var_dir, t("assess.report_title", lang, month=month), t("assess.report_note", lang))
    w = weights(url)
    document.cell(
        0,
        6,
        t("assess.weights_line", lang, **{k: f"{100 * v:.0f}" for k, v in w.items()}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for by in ("department", "street"):
        rows = ranking(url, by, month)[:30]
        document.cell(0, 8, t(f"assess.by.{by}", lang), new_x="LMARGIN", new_y="NEXT")
        with document.table(
            col_widths=(10, 60, 18, 20, 20, 20, 22), text_align="LEFT", headings_style=FontFace(emphasis="")
        ) as table:
            table.row(
                [
                    t(f"assess.col.{c}", lang)
                    for c in ("rank", "name", "tickets", "response", "resolution", "satisfaction", "composite")
                ]
            )
            for r in rows:
                table.row(
                    [str(r["rank"] or "—"), str(r["name"]), str(r["tickets"])]
                    + [
                        "—" if r[k] is None else f"{r[k]:.1f}"
                        for k in ("response", "resolution", "satisfaction", "composite")
                    ]
                )
    body = bytes(document.output())
    audit.record_alone(url, actor, "assess.report", None, after={"month": month})
    return body
