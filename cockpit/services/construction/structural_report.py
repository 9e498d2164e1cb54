"""The daily monitoring report (监测日报表) in the layout GB 50497's report forms use: the project, report number,
observation time and working condition at the head; a line per monitoring point with its initial, previous and
current value, this time's change, the cumulative change, the daily rate, the control values and the band;
then the assessment (stability test, forecast, open warnings) and the lines the monitoring unit signs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fpdf.fonts import FontFace

from cockpit.actor import Actor
from cockpit.i18n import t
from cockpit.refusal import Refused
from cockpit.services.construction import projects, structural, structural_view
from cockpit.services.kernel import clock, pdf
from cockpit.services.support import audit
from cockpit.vocab import STRUCTURE_BAND_COLOURS

WIDTHS = (30, 22, 15, 15, 15, 14, 16, 16, 27, 12)


def _in_hand(url: str, project_id: int, lang: str) -> str:
    """The working condition (工况): the stage, and the tasks under way today."""
    schedule = projects.schedule_view(url, project_id)
    doing = [task["name"] for task in schedule["tasks"] if 0 < task["percent"] < 1]
    return "、".join(doing) if doing and lang == "zh" else ", ".join(doing) if doing else "—"


def daily_pdf(url: str, actor: Actor, project_id: int, lang: str, zone: str, var_dir: Path, now: datetime) -> bytes:
    view = structural.project_view(url, project_id)
    project = view["project"]
    rows = structural_view.rows(view)
    observed = max((r["at"] for r in rows if r["at"] is not None), default=None)
    if not rows:
        raise Refused("struct.no_monitoring", http=404, project=project["code"])
    number = f"{project['code']}-{clock.to_city(observed or now, zone):%Y%m%d}"
    document = pdf.document(
        var_dir,
        t("mon.report_title", lang),
        t("report.made_at", lang, at=clock.show(now, lang, zone)) + " · " + t("label.generated", lang),
    )
    head = [
        (t("mon.project", lang), project["name"]),
        (t("mon.number", lang), number),
        (t("mon.observed", lang), clock.show(observed, lang, zone, "full")),
        (t("mon.stage", lang), t(f"con.stage.{project['stage']}", lang)),
        (t("mon.condition", lang), _in_hand(url, project_id, lang)),
        (t("con.contractor", lang), project["contractor"]),
    ]
    document.set_font("cockpit", size=9)
    for label, value in head:
        document.multi_cell(
            0, 5, f"{label}：{value}" if lang == "zh" else f"{label}: {value}", new_x="LMARGIN", new_y="NEXT"
        )
    document.ln(2)
    document.set_font("cockpit", size=7)
    by_code = {s["code"]: s for s in view["sensors"]}
    with document.table(col_widths=WIDTHS, text_align="LEFT", headings_style=FontFace(emphasis="")) as table:
        table.row([t(f"mon.col.{c}", lang) for c in structural_view.REPORT_COLUMNS])
        for r in rows:
            sensor = by_code[r["code"]]
            controls = structural_view.shown(r["control"]) + (
                f" / {structural_view.shown(r['rate_control'])}" if r["rate_control"] else ""
            )
            cells = table.row()
            for text in (
                r["code"].rsplit("-", 1)[-1],
                t(f"metric.{r['metric']}", lang),
                structural_view.shown(sensor["first"]),
                structural_view.shown(sensor["previous"]),
                structural_view.shown(r["latest"]),
                structural_view.shown(r["change"]),
                structural_view.shown(
                    None if r["latest"] is None or sensor["first"] is None else round(r["latest"] - sensor["first"], 3)
                ),
                structural_view.shown(r["rate"]),
                controls + (f" ({t('mon.design', lang)})" if r["design"] else ""),
            ):
                cells.cell(text)
            colour = STRUCTURE_BAND_COLOURS[r["band"]].lstrip("#")
            fill = tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))
            cells.cell(t(f"band.{r['band']}", lang), style=FontFace(fill_color=fill))
    document.ln(3)
    document.set_font("cockpit", size=9)
    document.cell(0, 6, t("mon.assessment", lang), new_x="LMARGIN", new_y="NEXT")
    for line in structural_view.assessment(rows, view["alarms"], lang):
        document.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    document.ln(6)
    document.cell(0, 6, t("mon.signatures", lang), new_x="LMARGIN", new_y="NEXT")
    body = bytes(document.output())
    audit.record_alone(url, actor, "structure.report", f"project:{project_id}", after={"format": "pdf"})
    return body
