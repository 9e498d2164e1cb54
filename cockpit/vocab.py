"""Each vocabulary the cockpit shows, declared once: alarm severities and their colours (incident levels use
the same scale), the alarm lifecycle, incident types and device-status colours. Services decide with these;
the browser gets the same colours as CSS variables (/vocab.css) and as data for map drawing (/vocab.js)."""

from __future__ import annotations

# what video analytics reports is the wire contract's (data_access.ingest), shown from here
from data_access.ingest import AGE_BANDS, CLOTHING_COLOURS, SIGHTING_KINDS, VEHICLE_COLOURS, VEHICLE_TYPES  # noqa: F401

# severity -> (key, colour); incident levels 1-4 are drawn on the same scale
PALETTE = {  # every colour the cockpit draws with outside a vocabulary below: one theme, changed here
    "accent": "#00d2ff",
    "amber": "#f5a623",
    "amber_bright": "#ffc400",
    "aqi_excellent": "#00e400",
    "aqi_good": "#ffff00",
    "aqi_heavy": "#99004c",
    "aqi_light": "#ff7e00",
    "aqi_moderate": "#ff0000",
    "aqi_severe": "#7e0023",
    "blue": "#40a9ff",
    "blue_strong": "#1890ff",
    "cyan": "#13c2c2",
    "cyan_light": "#36cfc9",
    "earth": "#8c6d46",
    "forest": "#1f6b3f",
    "forest_dark": "#17442b",
    "geekblue": "#597ef7",
    "gold": "#faad14",
    "green": "#52c41a",
    "green_light": "#95de64",
    "grey": "#8c8c8c",
    "grey_dark": "#595959",
    "grey_light": "#bfbfbf",
    "ice": "#d8e6f5",
    "magenta": "#e6007e",
    "mist": "#8c9db5",
    "mist_light": "#a0a8b8",
    "navy": "#0e2a47",
    "night": "#07111f",
    "night_blue": "#0c1b2e",
    "night_deep": "#0a1628",
    "ocean": "#2c7fc9",
    "ocean_dark": "#174a78",
    "orange": "#fa8c16",
    "purple": "#b37feb",
    "red": "#ff4d4f",
    "red_light": "#ff7875",
    "sky": "#3fa9f5",
    "slate": "#22324a",
    "slate_blue": "#3d5577",
    "slate_grey": "#5b6b82",
    "slate_light": "#3a4a66",
    "steel": "#7f97b2",
    "steel_light": "#7eaade",
    "violet": "#8c6ad1",
    "volcano": "#fa541c",
    "white": "#ffffff",
    "yellow": "#fadb14",
}
SEVERITIES = {1: ("critical", "#ff4d4f"), 2: ("major", "#fa8c16"), 3: ("minor", "#fadb14"), 4: ("info", "#40a9ff")}
# alarm lifecycle: action -> (statuses it may start from, status it leads to)
ALARM_STATUSES = ("new", "acknowledged", "resolved", "closed")
ALARM_TRANSITIONS = {
    "acknowledge": (("new",), "acknowledged"),
    "resolve": (("new", "acknowledged"), "resolved"),
    "close": (("resolved",), "closed"),
}
# a plan conflict patch: action -> (statuses it may start from, status it leads to); a patch the next detection no
# longer finds is "settled", whatever its status
PLAN_CONFLICT_STATUSES = ("open", "assigned", "decided", "settled")
PLAN_CONFLICT_TRANSITIONS = {
    "assign": (("open",), "assigned"),
    "opine": (("assigned",), "assigned"),
    "decide": (("assigned",), "decided"),
}
PROJECT_STAGES = (  # 立项 → 规划许可 → 施工许可 → 施工 → 竣工验收 → 运维
    "approval",
    "planning_permit",
    "construction_permit",
    "construction",
    "acceptance",
    "operation",
)
PROJECT_STAGE_COLOURS = {
    "approval": "#8c8c8c",
    "planning_permit": "#40a9ff",
    "construction_permit": "#36cfc9",
    "construction": "#fa8c16",
    "acceptance": "#b37feb",
    "operation": "#52c41a",
}
PROJECT_KINDS = ("residential", "commercial", "school")
SCREENING_STATUSES = ("open", "concluded")
SCREENING_ANSWERS = ("agree", "conditional", "disagree")  # mildest first: the strictest answer concludes
SCREENING_RESULTS = ("pass", "warn", "fail")
SCREENING_COLOURS = {"pass": "#52c41a", "warn": "#faad14", "fail": "#ff4d4f"}
MASSING_COLOURS = {  # a scheme building's use in the 3D massing
    "residential": "#7eaade",
    "commercial": "#f0a35e",
    "office": "#b48ee6",
    "school": "#6fd19a",
    "clinic": "#ff7b7b",
}
PLAN_RULE_COLOURS = {  # a conflict patch's rule (cockpit.services.planning.plan_overlay.RULES) -> its colour on the map
    "construction_on_protected": "#ff4d4f",
    "construction_in_red_line": "#ff85c0",
    "project_in_red_line": "#f759ab",
    "project_against_zoning": "#ffa940",
    "road_through_building": "#b37feb",
}
PLAN_USE_COLOURS = {  # a plan zone's use -> its colour (GB 50137 land-use colours, darkened for the dark map)
    "R2": "#d4b106",
    "B1": "#cf1322",
    "A33": "#d46b08",
    "A5": "#c41d7f",
    "G1": "#389e0d",
    "E1": "#1d39c4",
    "S1": "#8c8c8c",
    "construction": "#8c6d3f",
    "farmland": "#a0d911",
    "ecological": "#13c2c2",
}
INCIDENT_TYPES = ("natural_disaster", "accident", "public_health", "social_security")
DEVICE_STATUS_COLOURS = {"online": "#52c41a", "offline": "#8c8c8c", "alarm": SEVERITIES[1][1]}
# the catalog record's attributes (government data-sharing rules): sharing, opening, update frequency in days
SHARING = ("unconditional", "conditional", "none")
OPENING = ("open", "conditional", "closed")
FREQUENCY_DAYS = {
    "realtime": 1,
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "yearly": 366,
    "irregular": None,
}
FIELD_TYPES = ("integer", "number", "boolean", "date", "datetime", "text")
VERSION_STATUSES = ("loading", "ready", "failed")


def css() -> str:
    lines = [f"  --sev-{s}: {colour};" for s, (_, colour) in SEVERITIES.items()]
    lines += [f"  --status-{name}: {colour};" for name, colour in DEVICE_STATUS_COLOURS.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def for_browser() -> dict[str, object]:
    return {
        "severity": {str(s): colour for s, (_, colour) in SEVERITIES.items()},
        "status": DEVICE_STATUS_COLOURS,
    }


# a structural sensor's device type -> the metric it reports (structural health monitoring of projects, #16)
STRUCTURE_TYPES = {
    "settlement": "settle_mm",
    "inclinometer": "incline_permil",
    "crack_meter": "crack_mm",
    "strain_gauge": "strain_ue",
    "vibration": "ppv_mms",
}
# 预警 / 报警 / 控制: (band, share of the control value that enters it, the alarm severity it raises)
STRUCTURE_BANDS = (("warning", 0.70, 3), ("alarm", 0.85, 2), ("control", 1.0, 1))
STRUCTURE_BAND_COLOURS = {"normal": "#52c41a", "warning": "#fadb14", "alarm": "#fa8c16", "control": "#ff4d4f"}

# industry development (#19): the investment-attraction pipeline (线索 → 接洽 → 考察 → 签约, or 终止) and the
# review of a zombie flag (待核查 → 核查中 → 认定 / 排除; an 认定 may be appealed, which reopens the review)
LEAD_STAGES = ("lead", "contacted", "visited", "signed", "dropped")
LEAD_NEXT = {"lead": ("contacted", "dropped"), "contacted": ("visited", "dropped"), "visited": ("signed", "dropped")}
ZOMBIE_STATES = ("flagged", "reviewing", "confirmed", "cleared", "appealed")
ZOMBIE_NEXT = {
    "flagged": ("reviewing",),
    "reviewing": ("confirmed", "cleared"),
    "confirmed": ("appealed",),
    "appealed": ("reviewing",),
}
ZOMBIE_TIER_COLOURS = {"A": "#ff4d4f", "C": "#fa8c16"}
CHAIN_ACTION_COLOURS = {"fill": "#ff4d4f", "strengthen": "#fa8c16", "extend": "#52c41a"}
PRODUCTION_STATES = (("normal", 0.8), ("partial", 0.5), ("stopped", 0.0))  # power use against normal, at least
PRODUCTION_COLOURS = {"normal": "#52c41a", "partial": "#fadb14", "stopped": "#ff4d4f"}
# sectors for the industry map: Tushare's ~110 classes grouped, each with its colour; the rest is "other"
SECTORS = {
    "it": ("#00d2ff", ("软件服务", "互联网", "IT设备", "通信设备", "半导体", "元器件", "电信运营")),
    "bio": ("#52c41a", ("医疗保健", "化学制药", "生物制药", "中成药", "医药商业")),
    "equipment": ("#b37feb", ("专用机械", "电气设备", "电器仪表", "机械基件", "工程机械", "运输设备", "航空", "船舶")),
    "auto": ("#fa8c16", ("汽车配件", "汽车整车", "汽车服务")),
    "finance": ("#fadb14", ("银行", "证券", "保险", "多元金融")),
    "build": ("#8c8c8c", ("建筑工程", "装修装饰", "区域地产", "全国地产", "园区开发", "房产服务", "其他建材")),
    "energy": ("#13c2c2", ("环境保护", "新型电力", "石油开采", "供气供热", "火力发电", "水力发电", "煤炭开采")),
    "culture": ("#ff85c0", ("影视音像", "文教休闲", "出版业", "广告包装", "服饰", "食品", "酒店餐饮", "旅游服务")),
    "other": ("#597ef7", ()),
}
SECTOR_OF = {industry: key for key, (_colour, classes) in SECTORS.items() for industry in classes}

# 12345 tickets (#18): 接诉即办 — received and routed (or triaged by a person) → dispatched to a department →
# contacted → handled → the callback closes it; a department may return (退单) or transfer it, a caller reopen it
TICKET_STATUSES = ("triage", "dispatched", "contacted", "handled", "closed", "merged")
TICKET_OPEN = ("triage", "dispatched", "contacted", "handled")
TICKET_ACTIONS = {  # action -> (statuses it starts from, status it leads to)
    "route": (("triage",), "dispatched"),
    "contact": (("dispatched",), "contacted"),
    "handle": (("contacted",), "handled"),
    "return": (("dispatched", "contacted"), "triage"),
    "transfer": (("dispatched", "contacted"), "dispatched"),
    "callback": (("handled",), "closed"),
    "reopen": (("closed",), "dispatched"),
}
TICKET_COLOURS = {
    "triage": "#fa8c16",
    "dispatched": "#40a9ff",
    "contacted": "#36cfc9",
    "handled": "#95de64",
    "closed": "#8c8c8c",
    "merged": "#595959",
}
SATISFACTION = ("satisfied", "basic", "unsatisfied")  # 满意 / 基本满意 / 不满意

# public safety (scenario 4): what video analytics reports, the lost-person states, the key areas
KEY_AREA_COLOURS = {"metro": "#40a9ff", "hospital": "#ff7a45", "school": "#fadb14", "campus": "#95de64"}
CROWDED_COLOUR = SEVERITIES[1][1]  # a key area over the crowd rule's threshold
LOST_NEXT = {  # a lost-person case's step -> (states it starts from, state it leads to)
    "confirm": (("open", "located"), "located"),
    "dispatch": (("located", "open"), "dispatched"),
    "found": (("open", "located", "dispatched"), "found"),
    "close": (("found",), "closed"),
}
LOST_OPEN = ("open", "located", "dispatched")
LEGAL_BASES = ("criminal_case", "lost_person", "public_emergency", "administrative_case")
VISION_METRICS = ("watchlist", "crowd_ratio", "loiter_min")  # the camera rules' metrics (cockpit.services.iot.rulebook)
RETENTION_DAYS = {"sighting": 30, "unmask_grant": 30}  # lost-person artefacts go at closure
UNMASK_MINUTES = 30
