"""The cockpit's own tables in the catalog: registered once each (`cockpit init`), and measured — completeness
over their shared columns, timeliness from their newest row — at registration and again whenever the last
measurement is older than an hour, since live tables change by the minute."""

from __future__ import annotations

from datetime import datetime, timedelta

from cockpit.actor import Actor
from cockpit.services.data import dataset_meta
from cockpit.services.data.catalog_tables import TABLES, fields_of
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import catalog
from data_access.db import transaction, write_transaction

REMEASURE = timedelta(hours=1)


def register_tables(url: str, actor: Actor) -> int:
    """Add the cockpit's own tables to the catalog (once each) and measure them. Returns how many were added."""
    added = 0
    for spec in TABLES:
        with write_transaction(url) as session:
            if catalog.dataset_by_name(session, spec.name) is not None:
                continue
            record = {
                "name": spec.name,
                "title": spec.title,
                "title_en": spec.title_en,
                "description": spec.description,
                "provider": spec.provider,
                "source_department": spec.provider,
                "sharing": spec.sharing,
                "opening": spec.opening,
                "frequency": spec.frequency,
                "keywords": spec.keywords,
                "kind": "table",
                "table_name": spec.table,
                "generated": spec.generated,
                "current_version_id": None,
                "created_at": stored_now(),
                "updated_at": None,
                "quality": None,
                "rows": None,
            }
            words = [(f["name"], f["description"]) for f in fields_of(spec)]
            record["search_text"] = dataset_meta.search_text(record, words)
            dataset_id = catalog.add_dataset(session, record)
            audit.record(session, actor, "dataset.register", f"dataset:{dataset_id}", after={"table": spec.table})
            added += 1
    measure_tables(url)
    return added


def measure_tables(url: str, now: datetime | None = None) -> None:
    """A quality measurement of each table dataset: completeness over its shared columns and timeliness from
    its newest row. Validity and uniqueness are the database's own constraints there, so not measured."""
    now = now or stored_now()
    for spec in TABLES:
        with write_transaction(url) as session:
            record = catalog.dataset_by_name(session, spec.name)
            if record is None:
                continue
            profile = catalog.table_profile(session, spec.table, spec.where, spec.stamp)
            columns = [c for c in profile["filled"] if c not in spec.withheld]
            cells = profile["rows"] * len(columns)
            filled = sum(profile["filled"][c] for c in columns)
            updated = profile["newest"] if spec.stamp else record["updated_at"] or now  # static: since loaded
            dims = {
                "completeness": round(filled / cells, 4) if cells else None,
                "validity": None,
                "timeliness": round(dataset_meta.timeliness(spec.frequency, updated, now), 4),
                "uniqueness": None,
                "consistency": None,
            }
            quality = dataset_meta.score(dims)
            catalog.add_quality(
                session,
                {"dataset_id": record["id"], "measured_at": now, "score": quality} | dims,
            )
            catalog.update_dataset(
                session, record["id"], {"rows": profile["rows"], "quality": quality, "updated_at": updated}
            )


def measure_if_stale(url: str, every: timedelta = REMEASURE, now: datetime | None = None) -> bool:
    """Measure the cockpit's tables again when the last measurement is older than `every`: live tables change
    by the minute, and their timeliness and completeness with them. Returns whether it measured."""
    now = now or stored_now()
    with transaction(url) as session:
        last = catalog.last_table_measurement(session)
    if last is not None and now - last < every:
        return False
    measure_tables(url, now)
    return True
