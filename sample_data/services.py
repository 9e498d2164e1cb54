"""The sample city's government services (政务服务), real where a source exists and generated where none does.

Real: the citizen messages of a Chinese government message board (hotline/, 2020 Teddy Cup task; places
masked by the organiser as A市/A2区): 395 with their first-level category, 2,816 with the official reply and
the days it took, 4,315 with likes. The router learns from the labelled ones; the simulator replays the
others as incoming 12345 tickets, and their real reply times shape how long the simulated departments take.

Generated (seeded, labelled), because no source publishes them: the **service-item catalogue** (政务服务事项)
— items of the departments with type, statutory and committed time limits, channels, materials, online
readiness, "一件事" bundles and yearly volume; the **halls and channels' daily volumes, waiting and handling
times** for the last 90 days (weekday pattern, a Monday peak, the hotline busiest)."""

from __future__ import annotations

import csv
import gzip
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent / "hotline"
REPLIES = HERE / "messages_with_replies.csv.gz"
VOTES = HERE / "messages_with_votes.csv.gz"
TAXONOMY = HERE / "label_taxonomy.csv"
SOURCE = "TipDM 2020 Teddy Cup 'smart government' messages (no licence stated; reference and development use)"

ITEM_TYPES = ("行政许可", "行政确认", "行政给付", "公共服务", "其他行政权力")
HALLS = {
    "110000": "北京市政务服务中心",
    "110108": "海淀区政务服务中心",
    "110105": "朝阳区政务服务中心",
    "110102": "西城区政务服务中心",
    "110101": "东城区政务服务中心",
    "110106": "丰台区政务服务中心",
}
# (item, department, type, statutory days, materials, bundle, yearly volume in thousands)
ITEMS = (
    ("企业设立登记", "市市场监管局", "行政许可", 3, ("申请书", "章程", "住所证明"), "开办企业", 420),
    ("企业变更登记", "市市场监管局", "行政许可", 3, ("申请书", "决议", "营业执照"), "", 380),
    ("食品经营许可", "市市场监管局", "行政许可", 20, ("申请书", "营业执照", "场所平面图"), "开办餐馆", 160),
    ("公章刻制备案", "市公安局", "其他行政权力", 1, ("营业执照", "法人身份证"), "开办企业", 300),
    ("申领发票", "市税务局", "公共服务", 1, ("营业执照", "办税人员身份证"), "开办企业", 520),
    ("社会保险登记", "市人力资源社会保障局", "行政确认", 1, ("营业执照",), "开办企业", 410),
    ("住房公积金缴存登记", "市住房公积金管理中心", "行政确认", 3, ("营业执照",), "开办企业", 260),
    ("灵活就业人员参保", "市人力资源社会保障局", "公共服务", 1, ("身份证",), "", 610),
    ("失业保险金申领", "市人力资源社会保障局", "行政给付", 10, ("身份证", "解除劳动合同证明"), "失业一件事", 230),
    ("就业失业登记", "市人力资源社会保障局", "行政确认", 1, ("身份证",), "失业一件事", 280),
    ("退休核准", "市人力资源社会保障局", "行政确认", 20, ("身份证", "档案"), "退休一件事", 150),
    ("养老金领取资格认证", "市人力资源社会保障局", "公共服务", 1, ("身份证",), "退休一件事", 900),
    ("医保关系转移接续", "市医保局", "公共服务", 15, ("身份证", "参保凭证"), "", 340),
    ("出生医学证明", "市卫生健康委", "行政确认", 1, ("父母身份证", "住院证明"), "出生一件事", 170),
    ("新生儿户口登记", "市公安局", "行政确认", 1, ("出生医学证明", "户口簿"), "出生一件事", 165),
    ("新生儿参保登记", "市医保局", "公共服务", 1, ("户口簿",), "出生一件事", 160),
    ("生育津贴申领", "市医保局", "行政给付", 10, ("身份证", "出生医学证明"), "出生一件事", 150),
    ("义务教育入学登记", "市教委", "公共服务", 30, ("户口簿", "房产证明"), "入学一件事", 240),
    ("教师资格认定", "市教委", "行政许可", 30, ("身份证", "学历证书", "体检表"), "", 80),
    ("机动车驾驶证换证", "市公安局", "行政许可", 1, ("身份证", "体检证明"), "", 700),
    ("机动车检验合格标志", "市公安局", "行政确认", 1, ("行驶证", "检验报告"), "", 1800),
    ("小客车指标申请", "市交通委", "公共服务", 40, ("身份证", "驾驶证"), "", 3100),
    ("道路运输经营许可", "市交通委", "行政许可", 20, ("申请表", "车辆证明"), "", 40),
    ("建设工程规划许可", "市规划自然资源委", "行政许可", 20, ("申请表", "设计方案", "用地证明"), "工程建设一件事", 12),
    ("建筑工程施工许可", "市住房城乡建设委", "行政许可", 7, ("申请表", "规划许可", "施工合同"), "工程建设一件事", 10),
    ("竣工联合验收", "市住房城乡建设委", "行政确认", 12, ("验收申请", "竣工图"), "工程建设一件事", 9),
    ("商品房预售许可", "市住房城乡建设委", "行政许可", 10, ("申请表", "施工进度证明"), "", 6),
    ("公租房资格申请", "市住房城乡建设委", "行政确认", 25, ("身份证", "收入证明"), "", 70),
    ("不动产登记", "市规划自然资源委", "行政确认", 5, ("身份证", "买卖合同"), "二手房转移", 680),
    ("排污许可", "市生态环境局", "行政许可", 20, ("申请表", "环评批复"), "", 15),
    ("建设项目环评审批", "市生态环境局", "行政许可", 30, ("环评报告", "申请书"), "工程建设一件事", 11),
    ("旅行社业务经营许可", "市文化和旅游局", "行政许可", 20, ("申请书", "营业执照"), "", 3),
    ("药品经营许可", "市药监局", "行政许可", 30, ("申请书", "质量管理文件"), "", 8),
    ("医疗机构执业登记", "市卫生健康委", "行政许可", 45, ("申请书", "场所证明", "人员资质"), "", 5),
    ("残疾人证办理", "市残联", "行政确认", 20, ("身份证", "评残表"), "", 60),
    ("高龄津贴申领", "市民政局", "行政给付", 15, ("身份证", "户口簿"), "", 210),
    ("婚姻登记", "市民政局", "行政确认", 1, ("身份证", "户口簿", "照片"), "", 190),
    ("居住证办理", "市公安局", "行政确认", 15, ("身份证", "居住证明"), "", 1300),
    ("个人所得税汇算", "市税务局", "公共服务", 1, ("身份证",), "", 9000),
    ("营业执照注销", "市市场监管局", "行政许可", 3, ("申请书", "清算报告"), "企业注销", 150),
)
CHANNEL_SHARE = {"window": 0.30, "website": 0.22, "app": 0.30, "kiosk": 0.08}
# channel -> (mean waiting minutes, mean handling minutes); the hotline's wait is seconds to an agent
CHANNEL_TIMES = {
    "window": (14.0, 9.0),
    "website": (0.0, 6.0),
    "app": (0.0, 4.0),
    "kiosk": (3.0, 5.0),
    "hotline": (0.6, 5.5),
}
HALL_CROWDING = {"110000": 1.45, "110108": 1.25, "110105": 1.1}  # the busiest halls queue longest
DAYS = 90
HOTLINE_CALLS_PER_DAY = 62_000  # Beijing's 12345 took about 22 million contacts in 2023


def catalogue(seed: int) -> list[dict[str, object]]:
    """The service items in the catalogue's own columns (the ones `cockpit import` reads back)."""
    rng = np.random.default_rng(seed + 12345)
    rows = []
    for n, (name, department, kind, statutory, materials, bundle, volume) in enumerate(ITEMS, start=1):
        committed = max(1, round(statutory * rng.uniform(0.3, 0.7))) if statutory > 1 else statutory
        online = rng.choice(("全程网办", "网上预审", "窗口办理"), p=(0.55, 0.3, 0.15))
        channels = ["窗口", "网站", "北京通APP"] + (["自助终端"] if volume > 300 else [])
        rows.append(
            {
                "事项编码": f"11000000{n:04d}",
                "事项名称": name,
                "实施部门": department,
                "事项类型": kind,
                "法定时限（工作日）": statutory,
                "承诺时限（工作日）": committed,
                "办理渠道": "、".join(channels),
                "申请材料": "、".join(materials),
                "网办深度": str(online),
                "一件事": bundle,
                "年办件量（千件）": volume,
            }
        )
    return rows


def channel_days(seed: int, today: date) -> list[dict[str, object]]:
    """Each hall's and channel's daily volume, mean waiting and handling minutes over the last DAYS days."""
    rng = np.random.default_rng(seed + 311)
    total = sum(v for *_rest, v in ITEMS) * 1000 / 365
    rows = []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        weekday = day.weekday()
        busy = (1.35 if weekday == 0 else 1.0 if weekday < 5 else 0.35) * (1 + 0.08 * np.sin(back / 9))
        for hall, name in HALLS.items():
            share = 0.4 if hall == "110000" else 0.12
            crowd = HALL_CROWDING.get(hall, 0.9)
            for channel, part in CHANNEL_SHARE.items():
                if channel in ("website", "app") and hall != "110000":
                    continue  # online channels are the city's
                volume = (
                    total * part * share * busy * rng.normal(1, 0.06) / (0.4 if channel in ("website", "app") else 1)
                )
                wait, handle = CHANNEL_TIMES[channel]
                rows.append(
                    {
                        "hall": name,
                        "channel": channel,
                        "day": day,
                        "volume": int(max(0, volume)),
                        "wait_min": round(max(0.0, wait * busy * crowd * rng.normal(1, 0.15)), 1),
                        "handle_min": round(handle * rng.normal(1, 0.08), 1),
                    }
                )
        calls = HOTLINE_CALLS_PER_DAY * (1.15 if weekday == 0 else 1.0 if weekday < 5 else 0.8) * rng.normal(1, 0.05)
        rows.append(
            {
                "hall": "12345 市民服务热线",
                "channel": "hotline",
                "day": day,
                "volume": int(calls),
                "wait_min": round(CHANNEL_TIMES["hotline"][0] * busy * rng.normal(1, 0.2), 2),
                "handle_min": round(CHANNEL_TIMES["hotline"][1] * rng.normal(1, 0.05), 1),
            }
        )
    return rows


def _read(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
@cache
def replayed() -> tuple[tuple[str, str, float | None], ...]:
    """(title, detail, reply days or None) of the messages the simulator replays as incoming tickets."""
    out = [(r["title"], r["detail"], float(r["reply_days"])) for r in _read(REPLIES) if r.get("reply_days")]
    out += [(r["title"], r["detail"], None) for r in _read(VOTES)]
    return tuple(out)


@cache
def reply_days() -> tuple[float, ...]:
    """The real reply times, sorted: the handling-time distribution the simulated departments draw from."""
    return tuple(sorted(d for *_text, d in replayed() if d is not None and d >= 0))
