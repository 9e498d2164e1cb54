"""Spreadsheet exports: any cell a spreadsheet could read as a formula is neutralised (OWASP CSV injection),
whatever comes before the formula's first character; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from cockpit.services.kernel.export import safe_cell, to_csv


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-cmd", "@SUM(A1)", "\t=1", "\r=1", " =1+1", "＝1+1", "\n=1+1", "\u3000=1", "  @x", "－1"]
)
def test_a_cell_that_could_be_a_formula_is_neutralised(cell):
    """N18: a leading space, a full-width ＝ and a leading line feed went out as they came."""
    assert safe_cell(cell) == "'" + cell
    (row,) = list(csv.DictReader(io.StringIO(to_csv([{"v": cell}]).lstrip("\ufeff"))))
    assert row["v"] == "'" + cell


@pytest.mark.parametrize("cell", ["路灯不亮", "a=b", "1+1", " 中关村", ""])
def test_plain_text_and_numbers_are_kept(cell):
    assert safe_cell(cell) == cell
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5
