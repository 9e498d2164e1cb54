"""Language in Chromium: the Chinese UI shows no English the UI made up (names of real things, codes, units
and format names excepted), and the English UI's headings, labels and column names hold no Chinese."""

from __future__ import annotations

import re

import pytest
from fixtures.browser import close, open_page
from fixtures.helpers import role_for

from pages import PAGES

pytestmark = pytest.mark.browser
ALLOWED = {
    "AQI",
    "UCI",
    "CSV",
    "Excel",
    "PDF",
    "MS",
    "Project",
    "XML",
    "OpenStreetMap",
    "ODbL",
    "Leaflet",
    "Noto",
    "Sans",
    "OFL",
    "SIL",
    "Ctrl",
    "GeoJSON",
    "GeoPackage",
    "JGJ",
    "ETS",
    "ARIMA",
    "MAPE",
    "RMSE",
    "GDP",
    "EDA",
    "LQ",
}
WORD = re.compile(r"(?<![\w.\-/@])[A-Za-z]{3,}(?![\w.\-/@])")
CJK = re.compile(r"[\u3400-\u9fff]")
UI_MADE = "h1, h2, h3, th, label, .kpi-label, .wall-kpi .label, .alarm-mute, .tab, .drill-bar .note"


@pytest.mark.parametrize("path", [p.path for p in PAGES])
def test_chinese_ui_has_no_english_leftovers(browser, served, path):
    context, page, watch = open_page(browser, served, path, role=role_for(path))
    page.wait_for_selector(next(p.ready for p in PAGES if p.path == path))
    page.wait_for_timeout(800)
    text = page.evaluate(  # what the UI says; recorded data and identifiers (.raw, code) are shown as they are
        """() => { const copy = document.body.cloneNode(true);
                   copy.querySelectorAll('.raw, code, script, style').forEach(e => e.remove());
                   document.body.appendChild(copy); copy.style.position = 'absolute';
                   const text = copy.innerText; copy.remove(); return text; }"""
    )
    leftovers = sorted({w for w in WORD.findall(text) if w not in ALLOWED})
    close(context, watch)
    assert leftovers == [], f"{path}: {leftovers}"


@pytest.mark.parametrize("path", [p.path for p in PAGES])
def test_english_ui_labels_hold_no_chinese(browser, served, path):
    context, page, watch = open_page(browser, served, path, role=role_for(path), lang="en")
    page.wait_for_selector(next(p.ready for p in PAGES if p.path == path))
    page.wait_for_timeout(800)
    labels = page.eval_on_selector_all(UI_MADE, "els => els.filter(e => e.offsetParent).map(e => e.innerText)")
    chinese = sorted({label for label in labels if CJK.search(label)})
    close(context, watch)
    assert chinese == [], f"{path}: {chinese}"
