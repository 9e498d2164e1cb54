"""Two departments' registers of the city's real emergency shelters, made by the seeded generator so the
conflict detection of the big-data platform has real work: the positions are the real shelters' (Beijing
open data), the names, types and capacities are generated (no source publishes them), and the civil-affairs
copy disagrees with the emergency-management one as departmental copies do: stale capacities, renamed
sites, positions re-geocoded elsewhere, sites it never recorded. Every row says it was generated."""

from __future__ import annotations

from typing import Any

import numpy as np

KINDS = ("公园", "广场", "绿地", "学校操场", "体育场")
SHARES = {"capacity": 0.06, "name": 0.04, "place": 0.03, "absent": 0.02}  # of the civil-affairs copy
COLUMNS = ("编号", "名称", "类型", "容纳人数", "经度", "纬度", "来源")


def shelter_registers(shelters: list[dict[str, Any]], seed: int) -> tuple[list[dict], list[dict]]:
    """(emergency management's register, civil affairs' register) of `shelters` (ref, lon, lat, district)."""
    rng = np.random.default_rng(seed + 12345)
    source = f"generated (seed {seed}) on the real shelter positions"
    emergency, civil = [], []
    for i, shelter in enumerate(shelters):
        kind = KINDS[int(rng.integers(len(KINDS)))]
        name = f"{shelter['district']}{kind}应急避难场所{i + 1:04d}号"
        capacity = int(rng.integers(5, 200)) * 100
        row = {
            "编号": shelter["ref"],
            "名称": name,
            "类型": kind,
            "容纳人数": capacity,
            "经度": round(shelter["lon"], 6),
            "纬度": round(shelter["lat"], 6),
            "来源": source,
        }
        emergency.append(row)
        draw = rng.random(4)
        if draw[3] < SHARES["absent"]:
            continue
        copy = dict(row)
        if draw[0] < SHARES["capacity"]:
            copy["容纳人数"] = int(capacity * rng.choice([0.4, 0.6, 1.5, 2.0]))
        if draw[1] < SHARES["name"]:
            copy["名称"] = f"{shelter['district']}{KINDS[(KINDS.index(kind) + 1) % len(KINDS)]}避难点"
        if draw[2] < SHARES["place"]:
            shift = rng.uniform(150, 500) / 111_320
            copy["经度"] = round(shelter["lon"] + shift, 6)
        civil.append(copy)
    return emergency, civil
