"""What every reader yields: batches of source rows, still in the source's CRS, with the rows it could not
read kept as problems (row number, reason, the row as read)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

BATCH_ROWS = 20_000


@dataclass(frozen=True)
class Problem:
    row: int
    reason: str
    raw: str


@dataclass
class Batch:
    columns: list[str]
    rows: list[list[object]]  # text (text-first readers) or typed values (GDAL readers), one list per row
    numbers: list[int]  # source row (or feature) numbers, for problems found later
    geometry: np.ndarray | None = None  # shapely geometries or None, one per row
    problems: list[Problem] = field(default_factory=list)
    progress: float = 0.0  # share of the source read so far
    types: dict[str, str] | None = None  # declared by the source (GDAL field types); None: infer from text
    absent: frozenset[str] = frozenset()  # fields this batch's layer does not have: empty by design, not missing
    table: pa.RecordBatch | None = None  # the rows as Arrow text columns instead of `rows` (the fast CSV path)

    def __len__(self) -> int:
        return self.table.num_rows if self.table is not None else len(self.rows)


def unique_names(names: list[object]) -> list[str]:
    """Header cells as field names: blanks named by position, repeats numbered, so no value is lost."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names, start=1):
        name = str(raw).strip() if raw is not None and str(raw).strip() else f"column_{i}"
        name = name[:128]
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 1)
        out.append(name)
    return out
