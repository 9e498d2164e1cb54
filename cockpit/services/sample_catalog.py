"""The sample city's departmental datasets: two shelter registers (sample_data.departments) imported through
the same pipeline as any department's file, labelled generated, then every comparison run once so the
conflict queue starts with the work a city brain meets on its first day."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from cockpit.actor import Actor
from cockpit.services import catalog, conflicts
from cockpit.services.comparisons import COMPARISONS
from cockpit.services.importing.pipeline import Request, run
from data_access import catalog as storage
from data_access.db import transaction
from sample_data.departments import COLUMNS, shelter_registers

REGISTERS = (
    ("shelters_emergency", "市应急管理局", "应急避难场所名录（应急管理局）", "Shelter register (emergency management)"),
    ("shelters_civil", "市民政局", "避难场所统计（民政局）", "Shelter register (civil affairs)"),
)


def load(url: str, actor: Actor, seed: int) -> int:
    """Import the registers unless they are there; run the comparisons. Returns the conflicts found."""
    with transaction(url) as session:
        present = storage.dataset_by_name(session, REGISTERS[0][0]) is not None
    if not present:
        _import_registers(url, actor, seed)
    return sum(conflicts.detect(url, comparison, actor).found for comparison in COMPARISONS)


def _import_registers(url: str, actor: Actor, seed: int) -> None:
    names = {}
    for district in catalog.every_record(url, _dataset_id(url, "districts")):
        names[district["adcode"]] = district["name"]
    shelters = [
        {"ref": s["ref"], "lon": s["lon"], "lat": s["lat"], "district": names.get(s["district_adcode"], "北京市")}
        for s in catalog.every_record(url, _dataset_id(url, "shelters"))
    ]
    registers = shelter_registers(shelters, seed)
    with tempfile.TemporaryDirectory(prefix="cockpit-sample-") as folder:
        for (name, department, title, title_en), rows in zip(REGISTERS, registers, strict=True):
            path = Path(folder) / f"{name}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=COLUMNS)
                writer.writeheader()
                writer.writerows(rows)
            record = {
                "sharing": "unconditional",
                "frequency": "quarterly",
                "title_en": title_en,
                "description": "名称、类型、容纳人数为种子生成数据，位置为真实避难场所坐标",
            }
            run(url, Request(path, name, department, title=title, record=record, generated=True), actor)


def _dataset_id(url: str, name: str) -> int:
    with transaction(url) as session:
        return storage.dataset_by_name(session, name)["id"]
