"""The sample city's service items scenario: its generated rows loaded once, labelled, audited."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from cockpit.actor import Actor
from cockpit.services.data.importing.pipeline import Request, run
from cockpit.services.kernel.clock import city_now
from cockpit.services.services.service_items import DATASET, DEPARTMENT
from data_access import catalog as catalog_store
from data_access import services as store
from data_access.db import transaction, write_transaction
from sample_data import services as sample


def load(url: str, actor: Actor, seed: int) -> bool:
    """The generated catalogue through the import pipeline and the halls' days, unless they are there."""
    with transaction(url) as session:
        present = catalog_store.dataset_by_name(session, DATASET) is not None
        days = store.channel_days(session)
    if not days:
        with write_transaction(url) as session:
            store.replace_channel_days(session, sample.channel_days(seed, city_now().date()))
    if present:
        return False
    with tempfile.TemporaryDirectory(prefix="cockpit-sample-") as folder:
        path = Path(folder) / f"{DATASET}.csv"
        rows = sample.catalogue(seed)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        record = {
            "sharing": "unconditional",
            "opening": "open",
            "frequency": "monthly",
            "title_en": "Government service items",
            "keywords": "政务服务 事项 办事指南 一件事 service item",
            "description": "政务服务事项目录：实施部门、类型、法定与承诺时限、渠道、材料、网办深度、一件事（种子生成）",
        }
        run(url, Request(path, DATASET, DEPARTMENT, title="政务服务事项目录", record=record, generated=True), actor)
    return True
