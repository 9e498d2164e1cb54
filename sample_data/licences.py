"""Electronic licences (电子证照) of the Beijing-registered listed companies, made by the seeded generator:
holder, registered capital and business scope are the companies' own (sample_data/enterprises, from Tushare via
two public repositories); the unified social credit codes, licence numbers, issuing offices, dates and states
are generated (no source publishes them) and every row says so. Codes follow GB 32100-2015 and the
organisation code inside them GB 11714-1997, check characters included, so a verifier can refuse a mistyped one."""

from __future__ import annotations

import csv
import gzip
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from cockpit.services.kernel.credit_code import check_character

ENTERPRISES = Path(__file__).resolve().parent / "enterprises" / "listed_companies.csv.gz"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
DISTRICTS = {
    "110108": "海淀区",
    "110105": "朝阳区",
    "110102": "西城区",
    "110101": "东城区",
    "110106": "丰台区",
    "110115": "大兴区",
    "110114": "昌平区",
    "110113": "顺义区",
    "110112": "通州区",
}
# kind: (number prefix, issuer, years valid (None: lasting), the industries (Tushare's classes) that need it)
KINDS: dict[str, tuple[str, str, int | None, tuple[str, ...]]] = {
    "营业执照": ("YZ", "北京市市场监督管理局", None, ()),
    "食品经营许可证": ("SP", "{district}市场监督管理局", 5, ("食品", "白酒", "啤酒", "软饮料", "乳制品", "酒店餐饮")),
    "药品经营许可证": ("YP", "北京市药品监督管理局", 5, ("医药商业", "化学制药", "中成药", "生物制药")),
    "建筑业企业资质证书": ("JZ", "北京市住房和城乡建设委员会", 5, ("建筑工程", "装修装饰")),
    "增值电信业务经营许可证": ("DX", "北京市通信管理局", 5, ("互联网", "软件服务", "通信设备", "电信运营")),
    "医疗器械经营许可证": ("QX", "{district}市场监督管理局", 5, ("医疗保健",)),
}
COLUMNS = (
    "证照编号",
    "证照类型",
    "持证主体",
    "统一社会信用代码",
    "发证机关",
    "发证日期",
    "有效期至",
    "状态",
    "注册资本万元",
    "经营范围",
    "来源",
)


def credit_code(region: str, serial: int) -> str:
    """18 characters: 9 (registered by market regulation), 1 (enterprise), the region, the organisation code
    with its GB 11714 check character, and the GB 32100 check character."""
    body = f"{serial:08d}"[-8:]
    org = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    org_code = body + {10: "X", 11: "0"}.get(org, str(org))
    head = f"91{region}{org_code}"
    return head + check_character(head)






def beijing_companies() -> list[dict[str, str]]:
    with gzip.open(ENTERPRISES, "rt", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["is_beijing"] == "True"]


def licences(seed: int, today: date) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed + 32100)
    source = f"generated (seed {seed}): holders, capital and scope real (listed companies), the rest generated"
    regions = list(DISTRICTS)
    rows: list[dict[str, object]] = []
    for i, company in enumerate(beijing_companies()):
        region = regions[int(rng.integers(len(regions)))]
        code = credit_code(region, int(rng.integers(10_000_000, 99_999_999)))
        kinds = [
            k
            for k, (_, _, years, industries) in KINDS.items()
            if years is None or company["industry_tushare"] in industries
        ]
        for kind in kinds:
            prefix, issuer, years, _ = KINDS[kind]
            issued = today - timedelta(days=int(rng.integers(30, 3650)))
            expires = issued + timedelta(days=years * 365) if years else None
            revoked = rng.random() < 0.01
            state = "吊销" if revoked else ("过期" if expires and expires < today else "有效")
            rows.append(
                {
                    "证照编号": f"{prefix}{region}{issued:%Y}{i:05d}",
                    "证照类型": kind,
                    "持证主体": company["full_name"],
                    "统一社会信用代码": code,
                    "发证机关": issuer.format(district=DISTRICTS[region]),
                    "发证日期": issued.isoformat(),
                    "有效期至": expires.isoformat() if expires else "长期",
                    "状态": state,
                    "注册资本万元": company["reg_capital_10k_cny"] or None,
                    "经营范围": company["main_business"][:500],
                    "来源": source,
                }
            )
    return rows
