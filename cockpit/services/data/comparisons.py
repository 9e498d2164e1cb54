"""The comparisons the platform runs (cockpit conflicts detect): which departments' datasets describe the
same entities, how to tell the same entity, what must agree and whose word stands. The sample city's two
are real work: the health commission's hospital list against the hospitals mapped in OpenStreetMap, and two
departments' shelter registers (generated on the real shelter positions)."""

from __future__ import annotations

from cockpit.services.data.conflicts import Attribute, Comparison

PLACE = "place"
COMPARISONS = (
    Comparison(
        name="shelter_registers",
        left="shelters_emergency",
        right="shelters_civil",
        key=("编号", "编号"),
        names=("名称", "名称"),
        attributes=(
            Attribute("名称", "名称", "name", 0.8),
            Attribute("容纳人数", "容纳人数", "number", 0.1),
            Attribute(PLACE, PLACE, "place", 100.0),
        ),
        authority="left",  # 市应急管理局 is the source department of shelters
        missing_in_right=True,
    ),
    Comparison(
        name="hospitals_reference_osm",
        left="hospitals",
        right="base_features",
        names=("name", "name"),
        within_m=500.0,
        least_similarity=0.45,
        attributes=(Attribute("name", "name", "name", 0.75), Attribute(PLACE, PLACE, "place", 150.0)),
        authority="left",  # 市卫生健康委's list is the authority on hospitals; the map follows it
        missing_in_right=True,
        right_where={"kind": "hospital"},
    ),
)
BY_NAME = {c.name: c for c in COMPARISONS}
