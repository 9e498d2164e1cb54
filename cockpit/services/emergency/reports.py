"""After-action report of a closed incident: timeline, each unit's delays against its ETA and the run
card's target, and a small map of the routes; as CSV and as PDF (fpdf2, with the cockpit's own CJK font)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from fpdf import FPDF, FontFace

from cockpit.actor import Actor
from cockpit.i18n import t
from cockpit.refusal import Refused
from cockpit.services.emergency import emergency
from cockpit.services.kernel import clock, pdf
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.export import to_csv
from cockpit.services.support import audit


class ReportError(Refused):
    pass


def after_action(url: str, incident_id: int) -> dict[str, Any]:
    incidents = {i["id"]: i for i in emergency.incidents(url)}
    incident = incidents.get(incident_id)
    if incident is None or incident["status"] != "closed":
        raise ReportError("report_not_closed", 409)
    line = emergency.timeline(url, incident_id)
    units = []
    for d in line["dispatches"]:
        travel = (d["on_scene_at"] - d["dispatched_at"]).total_seconds() if d["on_scene_at"] else None
        units.append(
            {
                "unit": d["resource_name"],
                "kind": d["resource_kind"],
                "dispatched_at": d["dispatched_at"],
                "on_scene_at": d["on_scene_at"],
                "eta_min": round(d["eta_s"] / 60, 1),
                "actual_min": round(travel / 60, 1) if travel is not None else None,
                "vs_eta_min": round((travel - d["eta_s"]) / 60, 1) + 0.0 if travel is not None else None,
                "method": d["method"],
                "dispatched_by": d["dispatched_by"],
                "route": orjson.loads(d["route"]),
            }
        )
    return {
        "incident": incident,
        "steps": line["steps"],
        "units": units,
        "response_s": line["response_s"],
        "target_minutes": line["target_minutes"],
    }


def as_csv(report: dict[str, Any], lang: str, zone: str) -> str:
    """The timeline, then one row per unit with its ETA, actual travel and the difference (negative: early)."""
    steps = [
        ("em.section.step", s["at"], t("stage." + s["what"], lang), s["who"], None, None, None) for s in report["steps"]
    ]
    units = [
        (
            "em.section.unit",
            u["dispatched_at"],
            t("unit." + u["kind"], lang),
            u["unit"],
            u["eta_min"],
            u["actual_min"],
            u["vs_eta_min"],
        )
        for u in report["units"]
    ]
    return to_csv(
        [
            {
                t("col.section", lang): t(section, lang),
                t("col.time", lang): clock.show(at, lang, zone, "full"),
                t("col.what", lang): what,
                t("col.who", lang): who,
                t("col.eta_min", lang): eta,
                t("col.actual_min", lang): actual,
                t("col.vs_eta_min", lang): vs_eta,
            }
            for section, at, what, who, eta, actual, vs_eta in steps + units
        ]
    )


def _signed(minutes: float | None) -> str:
    return "—" if minutes is None else f"{minutes:+.1f}".replace("-", "−")


def as_pdf(report: dict[str, Any], lang: str, zone: str, var_dir: Path, now: datetime) -> bytes:
    incident = report["incident"]
    made = t("report.made_at", lang, at=clock.show(now, lang, zone))
    document = pdf.document(var_dir, f"{t('em.report_title', lang)} · {incident['code']}", made)
    facts = [
        f"{t('incident.' + incident['type'], lang)} · {t('level.' + str(incident['level']), lang)}",
        incident["description"],
        f"{clock.show(incident['reported_at'], lang, zone, 'full')} → "
        f"{clock.show(incident['closed_at'], lang, zone, 'full')}",
    ]
    if report["response_s"] is not None and report["target_minutes"]:
        facts.append(
            t("em.response", lang, minutes=f"{report['response_s'] / 60:.1f}", target=report["target_minutes"])
        )
    for fact in facts:
        document.multi_cell(0, 6, fact, new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    with document.table(
        col_widths=(40, 25, 22, 22, 22, 30), text_align="LEFT", headings_style=FontFace(emphasis="")
    ) as table:
        table.row(
            [
                t("col.device", lang),
                t("col.kind", lang),
                t("em.eta", lang),
                t("col.actual_min", lang),
                t("col.vs_eta_min", lang),
                t("em.method", lang),
            ]
        )
        for u in report["units"]:
            table.row(
                [
                    u["unit"],
                    t("unit." + u["kind"], lang),
                    str(u["eta_min"]),
                    str(u["actual_min"] or "—"),
                    _signed(u["vs_eta_min"]),
                    t("em.method." + u["method"], lang),
                ]
            )
    document.ln(2)
    document.multi_cell(0, 5, t("em.vs_eta_note", lang), new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    document.cell(0, 6, t("em.timeline", lang), new_x="LMARGIN", new_y="NEXT")
    for step in report["steps"]:
        document.cell(
            0,
            5,
            f"{clock.show(step['at'], lang, zone, 'time')}  {t('stage.' + step['what'], lang)}  {step['who']}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    _mini_map(document, incident, report["units"])
    return bytes(document.output())


def _mini_map(pdf: FPDF, incident: dict[str, Any], units: list[dict[str, Any]]) -> None:
    """Routes and the incident drawn to scale in a 90 mm box."""
    points = [p for u in units for p in u["route"]] + [[incident["lon"], incident["lat"]]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    span = max(max(lons) - min(lons), max(lats) - min(lats), 0.002)
    if pdf.get_y() > 190:
        pdf.add_page()
    x0, y0, size = pdf.l_margin, pdf.get_y() + 4, 90

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return x0 + (lon - min(lons)) / span * size, y0 + size - (lat - min(lats)) / span * size

    pdf.set_draw_color(120, 140, 170)
    pdf.rect(x0, y0, size, size)
    pdf.set_draw_color(0, 150, 200)
    for u in units:
        for a, b in zip(u["route"], u["route"][1:], strict=False):
            pdf.line(*xy(*a), *xy(*b))
    pdf.set_fill_color(220, 40, 40)
    cx, cy = xy(incident["lon"], incident["lat"])
    pdf.ellipse(cx - 1.5, cy - 1.5, 3, 3, style="F")


def export(
    url: str, actor: Actor, incident_id: int, fmt: str, lang: str, zone: str, var_dir: Path
) -> tuple[str, bytes]:
    """The report as (file name, bytes); the export is audited."""
    report = after_action(url, incident_id)
    now = stored_now()
    body = as_csv(report, lang, zone).encode("utf-8") if fmt == "csv" else as_pdf(report, lang, zone, var_dir, now)
    audit.record_alone(url, actor, "report.export", f"incident:{report['incident']['code']}", after={"format": fmt})
    return f"after_action_{report['incident']['code']}.{fmt}", body
