"""City vital signs for the overview: totals and per-district counts from the sample city."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data_access import cim, iot, support
from data_access.db import transaction


@dataclass(frozen=True)
class VitalSigns:
    totals: dict[str, int]
    by_district: list[dict[str, Any]]
    meta: dict[str, str]


def vital_signs(url: str) -> VitalSigns:
    with transaction(url) as session:
        district_rows = cim.districts(session)
        facility = cim.facility_counts_by_district(session)
        devices = iot.device_counts_by_district(session)
        totals = iot.totals(session)
        meta = support.read_meta(session)
    rows = []
    for d in district_rows:
        rows.append(
            {
                "adcode": d["adcode"],
                "name": d["name"],
                "devices": devices.get(d["adcode"], 0),
                "shelters": facility.get((d["adcode"], "shelter"), 0),
                "hospitals": facility.get((d["adcode"], "hospital"), 0),
                "metro": facility.get((d["adcode"], "metro_station"), 0),
            }
        )
    for kind in ("shelter", "hospital", "metro_station"):
        totals[kind] = sum(n for (_a, k), n in facility.items() if k == kind)
    rows.sort(key=lambda r: (-r["devices"], -r["shelters"], r["adcode"]))
    return VitalSigns(totals=totals, by_district=rows, meta=meta)
