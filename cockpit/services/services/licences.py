"""电子证照服务: a department looks a company's licences up, or verifies the one it was shown, instead of asking
for paper copies. It reads the current version of the market regulator's e-licence dataset (imported like any
department's file; generated for the sample city and labelled so). Validity is decided at the time of asking
(state 有效 and not past its date), not taken from the stored state; the digest lets a verifier check that the
copy it holds says what the register says."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import orjson

from cockpit.refusal import Refused
from cockpit.services.data import catalog
from cockpit.services.kernel.credit_code import is_credit_code
from data_access import catalog as store
from data_access import cim
from data_access.db import transaction

DATASET = "e_licences"
FIELDS = {
    "证照编号": "number",
    "证照类型": "kind",
    "持证主体": "holder",
    "统一社会信用代码": "credit_code",
    "发证机关": "issuer",
    "发证日期": "issued",
    "有效期至": "expires",
    "状态": "state",
    "注册资本万元": "capital_10k_cny",
    "经营范围": "scope",
}
LASTING = "长期"


@dataclass(frozen=True)
class Licence:
    number: str
    kind: str
    holder: str
    credit_code: str
    issuer: str
    issued: str
    expires: str
    state: str
    capital_10k_cny: float | None
    scope: str | None
    valid: bool
    why: str  # 有效 | 已过期 | 已吊销 …: the reason behind `valid`, in the register's words
    digest: str  # sha256 of the licence's register fields
    generated: bool


def _version(url: str) -> tuple[int, int, bool]:
    with transaction(url) as session:
        record = store.dataset_by_name(session, DATASET)
    if record is None or record["current_version_id"] is None:
        raise Refused("licence.no_register", http=503)
    return record["id"], record["current_version_id"], bool(record["generated"])


@lru_cache(maxsize=4)
def _register(url: str, dataset_id: int, version_id: int) -> tuple[dict, ...]:
    """The register's rows, read once per version: a new import gives a new version id, so a new read."""
    return tuple(
        {name: row.get(field) for field, name in FIELDS.items()} for row in catalog.every_record(url, dataset_id)
    )


def _rows(url: str) -> tuple[tuple[dict, ...], bool]:
    dataset_id, version_id, generated = _version(url)
    return _register(url, dataset_id, version_id), generated


def _licence(row: dict, generated: bool, today: date) -> Licence:
    expires = str(row["expires"] or LASTING)
    if row["state"] != "有效":
        valid, why = False, f"已{row['state']}" if row["state"] in ("吊销", "注销", "过期") else str(row["state"])
    elif expires != LASTING and expires < today.isoformat():
        valid, why = False, "已过期"
    else:
        valid, why = True, "有效"
    digest = hashlib.sha256(orjson.dumps(row, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return Licence(**(row | {"expires": expires}), valid=valid, why=why, digest=digest, generated=generated)


def lookup(url: str, holder: str, today: date) -> list[Licence]:
    """By unified social credit code (checked against its check character first) or by a part of the holder's
    name (two characters at least)."""
    holder = holder.strip().upper() if len(holder.strip()) == 18 else holder.strip()
    rows, generated = _rows(url)
    if len(holder) == 18 and holder.isalnum() and holder.isascii():
        if not is_credit_code(holder):
            raise Refused("licence.bad_code", code=holder)
        found = [r for r in rows if r["credit_code"] == holder]
    elif len(holder) >= 2:
        found = [r for r in rows if holder in (r["holder"] or "")]
    else:
        raise Refused("licence.bad_query")
    return [_licence(r, generated, today) for r in found[:50]]


def verify(url: str, number: str, today: date, digest: str | None = None) -> tuple[Licence, bool | None]:
    """The licence and whether the digest given matches the register's (None when none was given)."""
    rows, generated = _rows(url)
    row = next((r for r in rows if r["number"] == number.strip()), None)
    if row is None:
        raise Refused("licence.unknown", http=404, number=number.strip()[:40])
    licence = _licence(row, generated, today)
    return licence, None if digest is None else digest.strip().lower() == licence.digest


HAIDIAN = "110108"
OFFICES = ("yes", "office", "commercial", "retail", "industrial")


def registered_at(url: str, building_id: int, today: date) -> list[Licence]:
    """The business licences of the companies registered in a building. No source gives a listed company's
    address inside its district, so the register's Haidian companies are placed by a documented rule: each on
    the detail zone's non-residential building at crc32(credit code) modulo their number (generated, said so)."""
    rows, generated = _rows(url)
    placed = _placement(url, tuple(r["credit_code"] for r in rows if r["kind"] == "营业执照"))
    return [
        _licence(r, generated, today)
        for r in rows
        if r["kind"] == "营业执照" and placed.get(r["credit_code"]) == building_id
    ]


@lru_cache(maxsize=4)
def _placement(url: str, codes: tuple[str, ...]) -> dict[str, int]:
    with transaction(url) as session:
        offices = [b["id"] for b in cim.base_rows(session, "building") if (b["kind"] or "yes") in OFFICES]
    if not offices:
        return {}
    return {code: offices[zlib.crc32(code.encode()) % len(offices)] for code in codes if code[2:8] == HAIDIAN}
