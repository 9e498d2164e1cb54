"""Typed columns by inference from text. A column takes the narrowest type that at least CONFIDENCE of the
non-empty values of the first batch parse as (frictionless's rule and default); values that do not parse
keep their text and are counted invalid in the report (nothing is dropped).
Codes stay text: a value with a leading zero or over 15 digits (adcodes with a zero,
ID and credit-code numbers) is an identifier, not a number."""

from __future__ import annotations

import re

import pandas as pd

CONFIDENCE = 0.9
TYPES = ("integer", "number", "boolean", "date", "datetime", "text")
BOOLEAN = {"true": True, "false": False, "是": True, "否": False}
CODE = re.compile(r"^[+-]?0\d|^\d{16,}$")
DATE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def infer(values: pd.Series) -> str:
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return "text"
    if not text.str.contains(CODE).any():
        numbers = pd.to_numeric(text, errors="coerce")
        if _enough(numbers.notna()):
            whole = text[numbers.notna()].str.fullmatch(r"[+-]?\d+").all()
            return "integer" if whole else "number"
    if _enough(text.str.lower().isin(BOOLEAN.keys())):
        return "boolean"
    if _enough(text.str.fullmatch(DATE) & _dates(text).notna()):
        return "date"
    if _enough(text.str.contains(DATETIME) & _dates(text).notna()):
        return "datetime"
    return "text"


def _enough(fits: pd.Series) -> bool:
    return bool(fits.mean() >= CONFIDENCE)


def _dates(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.str.replace("/", "-", regex=False), errors="coerce", format="ISO8601", utc=True)


def convert(values: pd.Series, kind: str) -> tuple[pd.Series, int]:
    """The column in its type (as Python objects, None for empty) and how many non-empty cells did not fit
    (they keep their text)."""
    present = values.notna()
    if kind in ("integer", "number"):
        typed = pd.to_numeric(values, errors="coerce")
        if kind == "integer":
            fits = typed.notna() & (typed % 1 == 0) & (typed.abs() < 2**53)
            typed = typed.where(fits).astype("Int64")
        bad = present & typed.isna()
    elif kind == "boolean":
        typed = values.str.lower().map(BOOLEAN)
        bad = present & typed.isna()
    elif kind in ("date", "datetime"):
        parsed = _dates(values.astype("string"))
        bad = present & parsed.isna()
        fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m-%dT%H:%M:%SZ"
        typed = parsed.dt.strftime(fmt)
    else:
        return values, 0
    out = typed.astype(object).where(typed.notna(), None)
    out[bad] = values[bad]
    return out, int(bad.sum())
