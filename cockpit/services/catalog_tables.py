"""The cockpit's own tables as catalog datasets: who provides each, how it is shared and how often it is
renewed, and the columns it never shares (people's names: who reported, who handled). Field descriptions
come from one glossary of column names, so a column means the same in every table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from data_access import catalog


@dataclass(frozen=True)
class TableDataset:
    name: str
    table: str
    title: str
    title_en: str
    description: str
    provider: str
    sharing: str = "unconditional"
    opening: str = "closed"
    frequency: str = "irregular"
    where: dict[str, str] = field(default_factory=dict)
    stamp: str | None = None  # the column that says how fresh the table is
    withheld: tuple[str, ...] = ()
    generated: bool = False
    keywords: str = ""


OPS = "城市运行管理中心"
TABLES = (
    TableDataset(
        "districts",
        "district",
        "行政区划（区）",
        "Districts",
        "北京市 16 区边界与代码",
        "市规划和自然资源委",
        opening="open",
        frequency="yearly",
        keywords="区 行政区划 adcode boundary",
    ),
    TableDataset(
        "streets",
        "street",
        "街道（乡镇）",
        "Streets",
        "街道乡镇名称、代码与范围",
        "市民政局",
        opening="open",
        frequency="yearly",
        keywords="街道 乡镇 street township",
    ),
    TableDataset(
        "grids",
        "grid",
        "网格",
        "Grids",
        "网格化管理单元（生成）",
        OPS,
        frequency="yearly",
        generated=True,
        keywords="网格 grid",
    ),
    TableDataset(
        "base_features",
        "base_feature",
        "海淀详细区底图要素",
        "Haidian base-map features",
        "OpenStreetMap 道路、建筑、水系、绿地与兴趣点",
        "市规划和自然资源委",
        opening="open",
        frequency="yearly",
        keywords="osm 道路 建筑 水系 绿地 road building water green poi",
    ),
    TableDataset(
        "hospitals",
        "facility",
        "医院名录",
        "Hospitals",
        "主要医院位置与等级（参考名录）",
        "市卫生健康委",
        opening="open",
        frequency="yearly",
        where={"kind": "hospital"},
        keywords="医院 hospital 医疗",
    ),
    TableDataset(
        "shelters",
        "facility",
        "应急避难场所",
        "Emergency shelters",
        "应急避难场所位置（参考名录）",
        "市应急管理局",
        opening="open",
        frequency="yearly",
        where={"kind": "shelter"},
        keywords="避难场所 shelter 应急",
    ),
    TableDataset(
        "metro_stations",
        "facility",
        "地铁站",
        "Metro stations",
        "北京地铁车站位置（OpenStreetMap）",
        "市交通委",
        opening="open",
        frequency="yearly",
        where={"kind": "metro_station"},
        keywords="地铁 metro subway station",
    ),
    TableDataset(
        "air_stations",
        "station",
        "空气质量监测站",
        "Air-quality stations",
        "12 个国控空气质量监测站",
        "市生态环境局",
        opening="open",
        frequency="yearly",
        keywords="空气 监测站 air station",
    ),
    TableDataset(
        "air_quality",
        "air_quality_hour",
        "空气质量小时数据",
        "Hourly air quality",
        "2013–2017 年逐小时 PM2.5、PM10 等六项污染物与气象（历史序列）",
        "市生态环境局",
        opening="open",
        stamp="ts",
        keywords="空气质量 pm2.5 aqi air quality hourly",
    ),
    TableDataset(
        "devices",
        "device",
        "物联感知设备",
        "IoT devices",
        "城域物联感知设备台账与在线状态（生成）",
        OPS,
        frequency="realtime",
        stamp="last_seen",
        generated=True,
        keywords="物联网 设备 传感器 iot device sensor",
    ),
    TableDataset(
        "readings",
        "reading",
        "监测数据",
        "Readings",
        "物联设备上报的监测数据",
        OPS,
        frequency="realtime",
        stamp="received_at",
        generated=True,
        keywords="监测 读数 telemetry reading",
    ),
    TableDataset(
        "components",
        "component",
        "城市部件",
        "City components",
        "GB/T 30428 编码的城市部件（生成）",
        "市城市管理委",
        frequency="monthly",
        generated=True,
        keywords="部件 井盖 路灯 component",
    ),
    TableDataset(
        "alarms",
        "alarm",
        "告警",
        "Alarms",
        "物联告警及其处置状态",
        OPS,
        frequency="realtime",
        stamp="raised_at",
        withheld=("acknowledged_by", "resolved_by", "closed_by"),
        keywords="告警 alarm",
    ),
    TableDataset(
        "events",
        "event",
        "视频识别事件",
        "Camera events",
        "摄像头智能识别事件（生成）",
        OPS,
        frequency="realtime",
        stamp="received_at",
        generated=True,
        keywords="事件 摄像头 event camera",
    ),
    TableDataset(
        "cases",
        "case_file",
        "城市管理案件",
        "Cases",
        "立案、派遣、处置、核查、结案全流程案件",
        OPS,
        sharing="conditional",
        frequency="realtime",
        stamp="filed_at",
        withheld=("assignee",),
        keywords="案件 城管 case",
    ),
    TableDataset(
        "incidents",
        "incident",
        "突发事件",
        "Incidents",
        "突发事件接报与处置",
        "市应急管理局",
        sharing="conditional",
        frequency="realtime",
        stamp="reported_at",
        withheld=("reporter",),
        keywords="突发事件 应急 incident emergency",
    ),
    TableDataset(
        "plan_zones",
        "plan_zone",
        "规划地块（多规合一）",
        "Plan zones (multi-plan integration)",
        "控规、土地利用规划、生态保护红线、交通专项与重点项目的地块及管控指标（生成）",
        "市规划自然资源委",
        frequency="irregular",
        generated=True,
        keywords="规划 控规 红线 多规合一 plan zoning red line",
    ),
    TableDataset(
        "plan_conflicts",
        "plan_conflict",
        "规划冲突图斑",
        "Plan conflict patches",
        "多规合一冲突图斑、协调状态与裁定（由生成的规划检测）",
        "市规划自然资源委",
        sharing="conditional",
        frequency="daily",
        stamp="detected_at",
        withheld=("decided_by",),
        generated=True,
        keywords="冲突图斑 多规合一 plan conflict patch",
    ),
    TableDataset(
        "resources",
        "resource",
        "应急资源",
        "Emergency resources",
        "应急队伍、车辆与物资及其状态（生成）",
        "市应急管理局",
        sharing="conditional",
        frequency="realtime",
        generated=True,
        keywords="应急资源 救援 resource",
    ),
)

GLOSSARY = {
    "id": "编号",
    "code": "编码",
    "name": "名称",
    "lon": "经度（WGS-84）",
    "lat": "纬度（WGS-84）",
    "geometry": "几何（GeoJSON，WGS-84）",
    "district_adcode": "所属区行政区划代码",
    "street_code": "所属街道代码",
    "street_id": "所属街道",
    "grid_id": "所属网格",
    "source": "数据来源",
    "generated": "是否为种子生成数据",
    "kind": "类别",
    "type": "类型",
    "status": "状态",
    "level": "级别",
    "ts": "时间（UTC）",
    "properties": "属性（JSON）",
    "values": "数值（JSON）",
    "capacity": "容量",
    "owner_department": "权属部门",
    "online": "是否在线",
    "last_seen": "最近上报时间",
    "severity": "严重程度",
    "priority": "优先级",
    "category": "类别",
    "description": "描述",
    "use": "用地性质或分类",
    "far_max": "容积率上限",
    "height_max": "建筑高度上限（米）",
    "green_min": "绿地率下限",
    "area_m2": "面积（平方米）",
    "department": "部门",
    "rule": "规则",
    "deadline": "期限",
}

TABLE_TYPES = {"INTEGER": "integer", "FLOAT": "number", "BOOLEAN": "boolean", "DATETIME": "datetime", "DATE": "date"}


def fields_of(spec: TableDataset) -> list[dict[str, Any]]:
    shown = [c for c in catalog.table_columns(spec.table) if c[0] not in spec.withheld]
    return [
        {
            "position": i,
            "name": name,
            "type": TABLE_TYPES.get(kind.split("(")[0], "text"),
            "description": GLOSSARY.get(name, ""),
            "nulls": None,
            "invalid": None,
            "example": None,
        }
        for i, (name, kind, _nullable) in enumerate(shown)
    ]
