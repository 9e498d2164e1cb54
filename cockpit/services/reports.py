"""After-action report of a closed incident: timeline, each unit's delays against its ETA and the run
card's target, and a small map of the routes; as CSV and as PDF (fpdf2, with the cockpit's own CJK font)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace

from cockpit.actor import Actor
from cockpit.i18n import t
from cockpit.refusal import Refused
from cockpit.services import audit, emergency
from cockpit.services.export import to_csv
from cockpit.settings import ROOT

FONT = ROOT / "assets" / "fonts" / "NotoSansSC-Regular.woff2"


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
                "delay_min": round((travel - d["eta_s"]) / 60, 1) + 0.0 if travel is not None else None,
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


def as_csv(report: dict[str, Any]) -> str:
    rows = [
        {
            "section": "step",
            "time": s["at"],
            "what": s["what"],
            "who": s["who"],
            "eta_min": "",
            "actual_min": "",
            "delay_min": "",
        }
        for s in report["steps"]
    ]
    rows += [
        {
            "section": "unit",
            "time": u["dispatched_at"],
            "what": u["kind"],
            "who": u["unit"],
            "eta_min": u["eta_min"],
            "actual_min": u["actual_min"],
            "delay_min": u["delay_min"],
        }
        for u in report["units"]
    ]
    return to_csv(rows)


@cache
def _font_file(var_dir: Path) -> Path:
    """fpdf2 embeds OpenType, not WOFF2: unpack the served subset once per install."""
    target = var_dir / "fonts" / f"NotoSansSC-{FONT.stat().st_size}.otf"  # a rebuilt font gets a new file
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        font = TTFont(FONT)
        font.flavor = None
        font.save(target)
    return target


def as_pdf(report: dict[str, Any], lang: str, var_dir: Path) -> bytes:
    incident = report["incident"]
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cockpit", fname=str(_font_file(var_dir)))
    pdf.set_font("cockpit", size=16)
    pdf.cell(0, 10, f"{t('em.report_title', lang)} · {incident['code']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cockpit", size=10)
    facts = [
        f"{t('incident.' + incident['type'], lang)} · {t('level.' + str(incident['level']), lang)}",
        incident["description"],
        f"{incident['reported_at']:%Y-%m-%d %H:%M:%S} UTC → {incident['closed_at']:%Y-%m-%d %H:%M:%S} UTC",
    ]
    if report["response_s"] is not None and report["target_minutes"]:
        facts.append(
            t("em.response", lang, minutes=f"{report['response_s'] / 60:.1f}", target=report["target_minutes"])
        )
    for fact in facts:
        pdf.multi_cell(0, 6, fact, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    with pdf.table(
        col_widths=(40, 25, 22, 22, 22, 30), text_align="LEFT", headings_style=FontFace(emphasis="")
    ) as table:
        table.row(
            [t("col.device", lang), t("col.kind", lang), t("em.eta", lang), "actual", "delay", t("em.method", lang)]
        )
        for u in report["units"]:
            table.row(
                [
                    u["unit"],
                    t("unit." + u["kind"], lang),
                    str(u["eta_min"]),
                    str(u["actual_min"] or "—"),
                    str(u["delay_min"] if u["delay_min"] is not None else "—"),
                    t("em.method." + u["method"], lang),
                ]
            )
    pdf.ln(4)
    pdf.cell(0, 6, t("em.timeline", lang), new_x="LMARGIN", new_y="NEXT")
    for step in report["steps"]:
        pdf.cell(
            0,
            5,
            f"{step['at']:%H:%M:%S}  {t('stage.' + step['what'], lang)}  {step['who']}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    _mini_map(pdf, incident, report["units"])
    return bytes(pdf.output())


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


def export(url: str, actor: Actor, incident_id: int, fmt: str, lang: str, var_dir: Path) -> tuple[str, bytes]:
    """The report as (file name, bytes); the export is audited."""
    report = after_action(url, incident_id)
    body = as_csv(report).encode("utf-8") if fmt == "csv" else as_pdf(report, lang, var_dir)
    audit.record_alone(url, actor, "report.export", f"incident:{report['incident']['code']}", after={"format": fmt})
    return f"after_action_{report['incident']['code']}.{fmt}", body


def case_rows(url: str) -> list[dict[str, Any]]:
    from cockpit.services import operations

    return [
        {
            k: r[k]
            for k in (
                "code",
                "category",
                "status",
                "priority",
                "assignee",
                "filed_at",
                "stage_due",
                "closed_at",
                "lon",
                "lat",
            )
        }
        | {"time_left_min": None if r["time_left_s"] is None else round(r["time_left_s"] / 60, 1)}
        for r in operations.case_list(url)
    ]


def stats_rows(url: str) -> list[dict[str, Any]]:
    from cockpit.services import operations

    signs = operations.vital_signs(url)
    rows = [
        {"measure": "open", "key": "", "value": signs["open"]},
        {"measure": "overdue", "key": "", "value": signs["overdue"]},
        {"measure": "closed", "key": "", "value": signs["closed"]},
        {"measure": "on_time_rate", "key": "", "value": signs["on_time_rate"]},
    ]
    rows += [{"measure": "by_category", "key": k, "value": v} for k, v in sorted(signs["by_category"].items())]
    rows += [{"measure": "by_street", "key": k, "value": v} for k, v in sorted(signs["by_street"].items())]
    rows += [{"measure": "filed_per_hour", "key": h, "value": n} for h, n in signs["per_hour"]]
    return rows


def daily_pdf(url: str, lang: str, var_dir: Path) -> bytes:
    """The day's operations on one page: vital signs, cases by category and area, overdue cases."""
    from cockpit.services import operations

    signs = operations.vital_signs(url)
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cockpit", fname=str(_font_file(var_dir)))
    pdf.set_font("cockpit", size=16)
    pdf.cell(0, 10, t("ops.daily_title", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cockpit", size=10)
    rate = "—" if signs["on_time_rate"] is None else f"{signs['on_time_rate'] * 100:.0f}%"
    for label, value in (
        (t("ops.open", lang), signs["open"]),
        (t("ops.overdue", lang), signs["overdue"]),
        (t("ops.on_time", lang), rate),
    ):
        pdf.cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    for title, table in (
        (t("ops.by_category", lang), {t("cat." + k, lang): v for k, v in signs["by_category"].items()}),
        (t("ops.by_street", lang), signs["by_street"]),
    ):
        pdf.ln(3)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(80, 30), text_align="LEFT", headings_style=FontFace(emphasis="")) as grid:
            grid.row([title, "#"])
            for key, value in sorted(table.items(), key=lambda kv: -kv[1]):
                grid.row([str(key), str(value)])
    late = [r for r in operations.case_list(url) if (r["time_left_s"] or 0) < 0]
    pdf.ln(3)
    pdf.cell(0, 7, f"{t('ops.overdue', lang)} ({len(late)})", new_x="LMARGIN", new_y="NEXT")
    for r in late[:40]:
        pdf.cell(
            0,
            5,
            f"{r['code']}  {t('cat.' + r['category'], lang)}  {t('case.status.' + r['status'], lang)}  "
            f"{t('ops.late', lang, minutes=round(-r['time_left_s'] / 60))}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


def cases_xlsx(url: str) -> bytes:
    """The case list as an Excel workbook (openpyxl through pandas)."""
    import io

    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame(case_rows(url)).to_excel(buffer, index=False, sheet_name="cases")
    return buffer.getvalue()
