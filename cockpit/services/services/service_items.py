"""Government service items (政务服务事项) and the halls and channels that deliver them.

The catalogue is a catalog dataset ("service_items", kept by the 市政务服务管理局): the sample city's is
generated and labelled; `cockpit import items.csv --dataset service_items --department 市政务服务管理局`
(CSV or Excel, the same columns) makes a real one the current version, which this module reads from then
on. High-frequency items come first; each shows the complaints (12345 tickets linked to it) it drew."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import lru_cache

from cockpit import profile
from cockpit.refusal import Refused
from cockpit.services.data import catalog
from data_access import catalog as catalog_store
from data_access import services as store
from data_access.db import transaction

DATASET = "service_items"
DEPARTMENT = "市政务服务管理局"
FIELDS = {
    "事项编码": "code",
    "事项名称": "name",
    "实施部门": "department",
    "事项类型": "type",
    "法定时限（工作日）": "statutory_days",
    "承诺时限（工作日）": "committed_days",
    "办理渠道": "channels",
    "申请材料": "materials",
    "网办深度": "online",
    "一件事": "bundle",
    "年办件量（千件）": "volume",
}
TREND_DAYS = 30


def _version(url: str) -> tuple[int, int, bool]:
    with transaction(url) as session:
        record = catalog_store.dataset_by_name(session, DATASET)
    if record is None or record["current_version_id"] is None:
        raise Refused("items.no_catalogue", http=503)
    return record["id"], record["current_version_id"], bool(record["generated"])


@lru_cache(maxsize=4)
def _catalogue(url: str, dataset_id: int, version_id: int) -> tuple[dict, ...]:
    """Read once per version: an import makes a new version id, so a new read."""
    rows = []
    for row in catalog.every_record(url, dataset_id):
        item = {key: row.get(field) for field, key in FIELDS.items()}
        item["code"] = str(item["code"] or "").strip()
        item["volume"] = float(item["volume"] or 0)
        item["bundle"] = str(item["bundle"] or "").strip()
        if item["code"] and item["name"]:
            rows.append(item)
    return tuple(sorted(rows, key=lambda r: -r["volume"]))


def items(url: str) -> list[dict]:
    """High-frequency first, each with the complaints it drew and whether the catalogue is generated."""
    dataset_id, version_id, generated = _version(url)
    with transaction(url) as session:
        linked = Counter(t["item_code"] for t in store.tickets(session) if t["item_code"])
    return [
        r | {"complaints": linked.get(r["code"], 0), "generated": generated}
        for r in _catalogue(url, dataset_id, version_id)
    ]


def item(url: str, code: str) -> dict:
    dataset_id, version_id, _generated = _version(url)
    found = next((r for r in _catalogue(url, dataset_id, version_id) if r["code"] == code), None)
    if found is None:
        raise Refused("items.not_found", http=404, item=code)
    return found


def bundles(url: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in items(url):
        if r["bundle"]:
            out.setdefault(r["bundle"], []).append(r["name"])
    return out


def channels(url: str, today: date | None = None) -> dict:
    """Daily volume per channel over the last TREND_DAYS days, each hall's latest waiting time, and the halls
    whose queue is over QUEUE_WARNING_MINUTES."""
    with transaction(url) as session:
        rows = store.channel_days(session)
    if not rows:
        return {"days": [], "series": {}, "halls": [], "warnings": [], "generated": True}
    last = max(r["day"] for r in rows)
    since = last - timedelta(days=TREND_DAYS - 1)
    days = [since + timedelta(days=i) for i in range(TREND_DAYS)]
    series: dict[str, list[int]] = {c: [0] * TREND_DAYS for c in profile.CHANNELS}
    for r in rows:
        if r["day"] >= since:
            series[r["channel"]][(r["day"] - since).days] += r["volume"]
    latest = [r for r in rows if r["day"] == last and r["channel"] == "window"]
    halls = [{"hall": r["hall"], "wait_min": r["wait_min"], "volume": r["volume"]} for r in latest]
    warnings = [h for h in halls if h["wait_min"] > profile.QUEUE_WARNING_MINUTES]
    return {
        "days": [d.isoformat() for d in days],
        "series": series,
        "halls": sorted(halls, key=lambda h: -h["wait_min"]),
        "warnings": warnings,
        "means": {
            c: round(
                sum(r["handle_min"] for r in rows if r["channel"] == c) / max(1, sum(r["channel"] == c for r in rows)),
                1,
            )
            for c in profile.CHANNELS
        },
        "generated": True,
    }
