"""PDF building blocks for reports: the cockpit's own CJK font embedded, and bar charts drawn with fpdf2's
primitives (no image renderer, nothing fetched), so a report reads the same offline in either language."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from cockpit.settings import ROOT

FONT = ROOT / "assets" / "fonts" / "NotoSansSC-Regular.woff2"
BAR = (0, 150, 200)
INK = (40, 50, 70)


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


def document(var_dir: Path, title: str, subtitle: str) -> FPDF:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cockpit", fname=str(_font_file(var_dir)))
    pdf.set_font("cockpit", size=16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cockpit", size=9)
    pdf.set_text_color(90, 100, 120)
    pdf.cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font("cockpit", size=10)
    return pdf


def bar_chart(pdf: FPDF, title: str, items: Sequence[tuple[str, float]], height: float = 42) -> None:
    """Labelled vertical bars across the page width, values over the bars."""
    if pdf.get_y() + height + 16 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font("cockpit", size=10)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    x0, y0 = pdf.l_margin, pdf.get_y()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    top = max((v for _, v in items), default=0) or 1
    slot = width / max(len(items), 1)
    pdf.set_draw_color(160, 170, 190)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.set_fill_color(*BAR)
    pdf.set_font("cockpit", size=6 if len(items) > 12 else 7)
    for i, (label, value) in enumerate(items):
        bar = height * value / top
        x = x0 + i * slot + slot * 0.15
        if bar > 0:
            pdf.rect(x, y0 + height - bar, slot * 0.7, bar, style="F")
        pdf.set_xy(x0 + i * slot, y0 + height - bar - 4)
        pdf.cell(slot, 4, f"{value:g}", align="C")
        pdf.set_xy(x0 + i * slot, y0 + height + 1)
        pdf.cell(slot, 4, label[:12], align="C")
    pdf.set_xy(x0, y0 + height + 7)
    pdf.set_font("cockpit", size=10)
