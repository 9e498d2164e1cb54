"""The city profile: what the core must know of the city it runs in and no general rule gives: which
department answers for each 12345 category, the service channels and the halls' queue threshold, the plan types
with their departments, the land-use codes that count as construction, the utilities that own each meter, the
industrial parks, the districts' GDP shares and the economic indicators reported. The sample city (Beijing)
fills it; the sample loaders read it from here, the core never reads the sample city."""

from __future__ import annotations

from dataclasses import dataclass

# first-level category -> the Beijing department that answers for it
DEPARTMENTS = {
    "城乡建设": "市住房城乡建设委",
    "劳动和社会保障": "市人力资源社会保障局",
    "教育文体": "市教委",
    "卫生计生": "市卫生健康委",
    "交通运输": "市交通委",
    "商贸旅游": "市商务局",
    "环境保护": "市生态环境局",
}


CHANNELS = ("window", "website", "app", "kiosk", "hotline")  # 窗口 网站 “北京通”APP 自助终端 12345


QUEUE_WARNING_MINUTES = 20.0


# key -> (Chinese title, English title, department that keeps it, approving authority, vintage, legal status)
PLAN_TYPES = {
    "development": (
        "国民经济和社会发展规划（重点项目）",
        "Economic and social development plan (key projects)",
        "市发展改革委",
        "北京市人民代表大会",
        "2021–2025",
        "in_force",
    ),
    "regulatory": (
        "控制性详细规划",
        "Regulatory detailed plan",
        "市规划自然资源委海淀分局",
        "北京市人民政府",
        "2020",
        "in_force",
    ),
    "land_use": (
        "土地利用总体规划",
        "Land-use master plan",
        "市规划自然资源委",
        "北京市人民政府",
        "2006–2020 / 2017",
        "in_force",
    ),
    "red_line": ("生态保护红线", "Ecological protection red line", "市生态环境局", "国务院", "2018", "in_force"),
    "transport": (
        "综合交通专项规划",
        "Transport sector plan",
        "市交通委",
        "北京市人民政府",
        "2035",
        "under_review",
    ),
}


CONSTRUCTION_USES = ("R2", "B1", "A33", "A5")


# utility meters read remotely (NB-IoT smart meters) -> (Chinese name, the utility that owns them)
METER_TYPES = {
    "water_meter": ("智能水表", "北京市自来水集团"),
    "power_meter": ("智能电表", "国网北京市电力公司"),
    "gas_meter": ("智能燃气表", "北京市燃气集团"),
}


# 2023 GDP shares of Beijing's districts (Beijing Statistical Yearbook 2024, rounded; 大兴 includes 亦庄)
GDP_SHARES = {
    "110108": 0.247,
    "110105": 0.193,
    "110102": 0.136,
    "110101": 0.072,
    "110115": 0.061,
    "110113": 0.054,
    "110106": 0.050,
    "110114": 0.035,
    "110112": 0.031,
    "110107": 0.023,
    "110111": 0.021,
    "110116": 0.010,
    "110118": 0.009,
    "110117": 0.008,
    "110109": 0.007,
    "110119": 0.005,
}


@dataclass(frozen=True)
class Park:
    code: str
    name: str
    district: str
    lon: float
    lat: float
    industries: tuple[str, ...]  # Tushare classes whose companies cluster here


# real parks; centres approximate (±1 km), the 1.5 km disc is the generator's, not the park's boundary
PARKS = (
    Park("zgc-soft", "中关村软件园", "110108", 116.298, 40.047, ("软件服务", "互联网", "IT设备")),
    Park("zgc-core", "中关村科学城", "110108", 116.316, 39.983, ("软件服务", "互联网", "半导体", "通信设备")),
    Park("life", "中关村生命科学园", "110114", 116.292, 40.093, ("生物制药", "化学制药", "医疗保健")),
    Park("future", "未来科学城", "110114", 116.440, 40.105, ("新型电力", "电气设备", "石油开采")),
    Park("bda", "北京经济技术开发区", "110115", 116.508, 39.792, ("半导体", "元器件", "汽车配件", "专用机械")),
    Park("daxing-bio", "大兴生物医药基地", "110115", 116.330, 39.682, ("生物制药", "化学制药", "中成药")),
    Park("wangjing", "望京—电子城", "110105", 116.481, 39.992, ("通信设备", "互联网", "电器仪表")),
    Park("jinrongjie", "金融街", "110102", 116.357, 39.916, ("银行", "证券", "保险", "多元金融")),
    Park("airport", "顺义临空经济区", "110113", 116.598, 40.078, ("航空", "运输设备", "仓储物流")),
    Park("huairou", "怀柔科学城", "110116", 116.676, 40.398, ("电器仪表", "专用机械")),
)


PARK_RADIUS_DEG = 0.0135  # ≈1.5 km


# indicator -> (Chinese, unit, city 2023 level per month, yearly growth, flow or stock, seasonal shape Jan..Dec)
INDICATORS: dict[str, tuple[str, str, float, float, str, tuple[float, ...]]] = {
    "investment": (
        "固定资产投资",
        "亿元",
        650.0,
        0.030,
        "flow",
        (0.45, 0.55, 0.95, 1.0, 1.05, 1.15, 1.0, 1.0, 1.1, 1.05, 1.15, 1.55),
    ),
    "consumption": (
        "社会消费品零售总额",
        "亿元",
        1205.0,
        0.045,
        "flow",
        (1.12, 0.92, 0.95, 0.95, 1.0, 1.05, 0.95, 0.95, 0.98, 1.03, 1.05, 1.15),
    ),
    "employment": ("城镇就业人员", "万人", 1180.0, 0.008, "stock", (1.0,) * 12),
    "tax": (
        "税收收入",
        "亿元",
        470.0,
        0.050,
        "flow",
        (1.35, 0.9, 0.95, 1.25, 1.05, 1.0, 1.05, 0.85, 0.9, 1.1, 0.85, 0.8),
    ),
    "fiscal": (
        "一般公共预算收入",
        "亿元",
        515.0,
        0.050,
        "flow",
        (1.3, 0.9, 0.95, 1.2, 1.05, 1.0, 1.05, 0.85, 0.9, 1.1, 0.85, 0.85),
    ),
    "credit": ("人民币贷款余额", "亿元", 114_000.0, 0.080, "stock", (1.0,) * 12),
    "power": (
        "全社会用电量",
        "亿千瓦时",
        112.0,
        0.035,
        "flow",
        (1.15, 0.95, 0.92, 0.85, 0.88, 1.05, 1.25, 1.25, 0.95, 0.85, 0.9, 1.0),
    ),
}


INDICATOR_SOURCE = "generated: 2023 city level × district GDP share × trend × season × epidemic shocks × 3 % noise"
