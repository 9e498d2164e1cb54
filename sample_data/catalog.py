"""The sample city's departmental datasets: two shelter registers (sample_data.departments) and the market
regulator's e-licence register (sample_data.licences), imported through the same pipeline as any department's
file, labelled generated, then every comparison run once so the conflict queue starts with the work a city
brain meets on its first day."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import orjson
from shapely.geometry import shape

from cockpit.actor import Actor
from cockpit.services.data import catalog, conflicts, housing
from cockpit.services.data.comparisons import COMPARISONS
from cockpit.services.data.importing.pipeline import Request, run
from cockpit.services.kernel.clock import city_now
from data_access import catalog as storage
from data_access import cim
from data_access.db import transaction
from sample_data import building_census, licences
from sample_data.departments import COLUMNS, shelter_registers

CENSUS = ("building_census_2026", "市住房城乡建设委", "建筑普查 2026（住建委）", "Building census 2026 (housing)")
LICENCES = ("e_licences", "市市场监管局", "电子证照库（市场监管局）", "E-licence register (market regulation)")
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
    with transaction(url) as session:
        present = storage.dataset_by_name(session, LICENCES[0]) is not None
    if not present:
        _import_licences(url, actor, seed)
    with transaction(url) as session:
        present = storage.dataset_by_name(session, CENSUS[0]) is not None
    if not present:
        _import_census(url, actor, seed)
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


def _import_licences(url: str, actor: Actor, seed: int) -> None:
    name, department, title, title_en = LICENCES
    with tempfile.TemporaryDirectory(prefix="cockpit-sample-") as folder:
        path = Path(folder) / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=licences.COLUMNS)
            writer.writeheader()
            writer.writerows(licences.licences(seed, city_now().date()))
        record = {
            "sharing": "unconditional",
            "opening": "open",
            "frequency": "daily",
            "title_en": title_en,
            "keywords": "电子证照 营业执照 许可证 统一社会信用代码 licence",
            "description": (
                "持证主体、注册资本、经营范围为北京注册上市公司的真实数据；"
                "证照编号、信用代码、发证机关、日期与状态为种子生成"
            ),
        }
        run(url, Request(path, name, department, title=title, record=record, generated=True), actor)


def _import_census(url: str, actor: Actor, seed: int) -> None:
    name, department, title, title_en = CENSUS
    with transaction(url) as session:
        buildings = cim.base_rows(session, "building")
        areas = [shape(f["geometry"]) for f in cim.base_features(session, "coverage")]
        obstacles = [shape(f["geometry"]) for layer in ("road", "water") for f in cim.base_features(session, layer)]
    floors = {
        b["id"]: housing.estimate(b["id"], orjson.loads(b["properties"] or "{}"), b["kind"], 0.0)[2] for b in buildings
    }
    rows = [
        b | {"geometry": orjson.loads(b["geometry"]), "osm_id": orjson.loads(b["properties"] or "{}").get("osm_id")}
        for b in buildings
    ]
    collection = building_census.census(rows, floors, areas, obstacles, seed)
    with tempfile.TemporaryDirectory(prefix="cockpit-sample-") as folder:
        path = Path(folder) / f"{name}.geojson"
        path.write_bytes(orjson.dumps(collection))
        record = {
            "sharing": "unconditional",
            "frequency": "yearly",
            "title_en": title_en,
            "keywords": "建筑普查 建筑 层数 census buildings",
            "description": "以 OpenStreetMap 建筑为底，种子生成的拆除、加层、扩建与新建：供模型对比",
        }
        run(url, Request(path, name, department, title=title, record=record, generated=True), actor)


def _dataset_id(url: str, name: str) -> int:
    with transaction(url) as session:
        return storage.dataset_by_name(session, name)["id"]
