"""What the planning page shows of a scheme comparison: the indicators side by side with their deltas and each
one's verdict against the plan's limits, and the 3D massing of two schemes side by side in the CIM renderer
over the city as it stands (what stands on the site makes way)."""

from __future__ import annotations

from typing import Any

from cockpit.services.cim import cim_view
from cockpit.services.kernel.geojson import feature, feature_collection
from cockpit.services.planning import schemes
from cockpit.vocab import MASSING_COLOURS

INDICATORS = (  # key, unit, decimals
    ("far", "", 2),
    ("density", "%", 1),
    ("green_ratio", "%", 1),
    ("height_m", "m", 0),
    ("floor_area_m2", "m²", 0),
    ("residential_m2", "m²", 0),
    ("non_residential_m2", "m²", 0),
    ("population", "", 0),
    ("jobs", "", 0),
    ("trips_per_day", "", 0),
)
PERCENT = {"density", "green_ratio"}
LIMITS = {"far": "far_max", "height_m": "height_max", "green_ratio": "green_min"}


def _figure(value: float | None, key: str, decimals: int, signed: bool = False) -> str:
    if value is None:
        return "—"
    shown = value * 100 if key in PERCENT else value
    return f"{shown:+,.{decimals}f}" if signed else f"{shown:,.{decimals}f}"


def table(result: dict[str, Any]) -> dict[str, Any]:
    """Rows of indicators, each with its limit and per scheme the value, the delta against the first scheme and
    the verdict (True passes, False fails, None: the plan sets no limit)."""
    limits = result["site"]["limits"]
    rows = []
    for key, unit, decimals in INDICATORS:
        limit = limits.get(LIMITS[key]) if key in LIMITS else None
        rows.append(
            {
                "key": key,
                "unit": unit,
                "limit": _figure(limit, key, decimals) if limit is not None else "",
                "cells": [
                    {
                        "value": _figure(s["values"][key], key, decimals),
                        "delta": _figure(s["deltas"][key], key, decimals, signed=True) if n else "",
                        "verdict": s["checks"].get(key),
                    }
                    for n, s in enumerate(result["schemes"])
                ],
            }
        )
    circle = [
        {
            "key": need,
            "cells": [
                {
                    "nearby": s["life_circle"][need]["nearby"],
                    "provided": s["life_circle"][need]["provided"],
                    "verdict": s["life_circle"][need]["covered"],
                }
                for s in result["schemes"]
            ],
        }
        for need in schemes.LIFE_CIRCLE
    ]
    return {
        "names": [s["name"] for s in result["schemes"]],
        "passes": [s["passes"] for s in result["schemes"]],
        "rows": rows,
        "life_circle": circle,
        "zones": [z["code"] + " " + z["use"] for z in limits["zones"]],
        "area_m2": result["site"]["area_m2"],
        "assumptions": result["assumptions"],
    }


def _massing(scheme: dict[str, Any]) -> dict[str, Any]:
    return feature_collection([
            feature(b["geometry"], {
                    "height": b["floors"] * schemes.STOREY_M,
                    "use": b["use"],
                    "colour": MASSING_COLOURS[b["use"]],
                    "name": f"{scheme.get('name', '')} · {b['floors']}F",
                })
            for b in scheme["buildings"]
        ])


def massing_spec(url: str, body: dict[str, Any], right: int) -> dict[str, Any]:
    """The CIM renderer's spec: the first scheme on the left, scheme `right` on the right, split side by side."""
    shown = body["schemes"]
    right = right if 0 < right < len(shown) else 1
    return cim_view.massing_scene(url, body["site"], {"a": _massing(shown[0]), "b": _massing(shown[right])})
