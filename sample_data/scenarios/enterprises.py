"""The sample city's enterprises scenario: its generated rows loaded once, labelled, audited."""

from __future__ import annotations

from cockpit.actor import Actor
from cockpit.services.industry.enterprises import frame
from cockpit.services.support import audit
from data_access import cim
from data_access import industry as store
from data_access.db import transaction, write_transaction
from sample_data import industry as sample


def load(url: str, actor: Actor, seed: int) -> int:
    """The listed companies, the generated SMEs and the indicators, once; answers how many enterprises."""
    with transaction(url) as session:
        if store.count(session):
            return 0
        districts = cim.districts(session)
    rows, financials = sample.enterprises(districts, seed)
    indicators = sample.indicators(seed)
    with write_transaction(url) as session:
        store.replace(session, rows, financials, indicators)
        audit.record(session, actor, "industry.load", None, after={"enterprises": len(rows), "seed": seed})
    frame.cache_clear()
    return len(rows)
