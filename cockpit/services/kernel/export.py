"""Exports for leaders and auditors. Spreadsheet programs run cells that start with = + - @ as formulas,
so such cells are prefixed with an apostrophe (the OWASP advice for CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cockpit.bidi import neutral

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
BLANK = " \t\r\n\u3000"  # a spreadsheet may trim these before it reads the first character


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a negative number is a number, not a formula
    text = value.isoformat() if isinstance(value, datetime) else neutral(str(value))
    return "'" + text if text.lstrip(BLANK).startswith(FORMULA_START) or text.startswith(FORMULA_START) else text


def safe_cell(value: Any) -> Any:
    """A value for a spreadsheet: numbers stay numbers, text that looks like a formula is neutralised, and so
    are direction controls that would make it read as something else (cockpit.bidi)."""
    return _cell(value) if isinstance(value, str) else value


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """UTF-8 CSV with a BOM so Excel opens Chinese text correctly; the header row even when there is no row."""
    buffer = io.StringIO()
    columns = list(columns or (rows[0] if rows else []))
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return "\ufeff" + buffer.getvalue()
