"""Typed JSON records from Arrow text columns, by Arrow's kernels: each column is typed and written as JSON text
column-wise, then the columns are joined into one JSON array per row. Cells the kernels do not take (numbers
written with a plus sign or an exponent, dates not zero-padded, date-times) go through the same pandas rules as
row batches (cockpit.services.data.importing.columns.convert), so both ways store the same values."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cockpit.services.data.importing.columns import BOOLEAN, convert

INTEGER = r"^-?\d{1,15}$"  # below 2**53, so exact as a JSON number
NUMBER = r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$"
CONTROL = r"[\x00-\x1f]"
TRUE = [word for word, value in BOOLEAN.items() if value]
FALSE = [word for word, value in BOOLEAN.items() if not value]


def json_text(values: pa.Array) -> pa.Array:
    """Each text cell as a JSON string; a cell with control characters is left to orjson."""
    quoted = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    quoted = pc.binary_join_element_wise('"', quoted, '"', "")
    odd = pc.fill_null(pc.match_substring_regex(values, CONTROL), False)
    if not pc.any(odd).as_py():
        return quoted
    cells = quoted.to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(odd.to_numpy(zero_copy_only=False)):
        cells[i] = orjson.dumps(values[i].as_py()).decode()
    return pa.array(cells, type=pa.string())


def _taken(values: pa.Array, kind: str) -> pa.Array:
    """JSON literals of the cells the kernels type; null where they do not."""
    if kind == "integer":
        fits = pc.fill_null(pc.match_substring_regex(values, INTEGER), False)
        return pc.cast(pc.cast(pc.if_else(fits, values, None), pa.int64()), pa.string())
    if kind == "number":
        fits = pc.fill_null(pc.match_substring_regex(values, NUMBER), False)
        numbers = pc.cast(pc.if_else(fits, values, None), pa.float64())
        text = pc.cast(numbers, pa.string())
        whole = pc.fill_null(pc.match_substring_regex(text, r"^-?\d+$"), False)
        text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)  # 3.0 stays a float, as orjson
        return pc.if_else(pc.is_finite(numbers), text, None)
    if kind == "boolean":
        lower = pc.utf8_lower(values)
        truth = pc.if_else(pc.is_in(lower, pa.array(TRUE)), "true", None)
        return pc.if_else(pc.is_in(lower, pa.array(FALSE)), "false", truth)
    if kind == "date":
        dashed = pc.replace_substring(values, "/", "-")
        days = pc.strftime(pc.strptime(dashed, format="%Y-%m-%d", unit="s", error_is_null=True), format="%Y-%m-%d")
        same = pc.fill_null(pc.equal(days, dashed), False)  # strptime rolls 02-30 over to March: not a date
        return pc.if_else(same, pc.binary_join_element_wise('"', days, '"', ""), None)
    return pa.nulls(len(values), pa.string())


def column_json(values: pa.Array, kind: str) -> tuple[pa.Array, int]:
    """The column's cells as JSON literals (null cells as JSON null) and how many non-empty cells did not fit
    the type (they keep their text)."""
    if kind == "text":
        return pc.fill_null(json_text(values), "null"), 0
    taken = _taken(values, kind)
    left = pc.and_(pc.is_valid(values), pc.is_null(taken))
    bad = 0
    if pc.any(left).as_py():
        where = np.flatnonzero(left.to_numpy(zero_copy_only=False))
        typed, bad = convert(pd.Series(values.take(where).to_pylist(), dtype=object), kind)
        cells = taken.to_numpy(zero_copy_only=False)
        cells[where] = [orjson.dumps(v).decode() for v in typed]
        taken = pa.array(cells, type=pa.string())
    return pc.fill_null(taken, "null"), bad


def rows_json(literals: list[pa.Array]) -> pa.Array:
    """One JSON array per row from the columns' literals."""
    return pc.binary_join_element_wise("[", pc.binary_join_element_wise(*literals, ","), "]", "")
