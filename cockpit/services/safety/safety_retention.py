"""Retention of the safety scenario's personal data, run by `cockpit retention` (daily, the systemd timer in
deploy/): sightings after RETENTION_DAYS["sighting"] days and the person files left empty; a closed lost-person
case's description, names, contact and track links, and its searches' criteria, at closure; unmask grants a
month after they expired. The audit rows stay: they say what was done, not what was seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cockpit.actor import Actor
from cockpit.services.safety import sightings
from cockpit.services.support import audit
from cockpit.vocab import RETENTION_DAYS
from data_access import safety as safety_store
from data_access.db import write_transaction

PURGED = {"description": None, "name": None, "guardian_name": None, "guardian_phone": None}


@dataclass(frozen=True)
class Purged:
    cutoff: datetime
    sightings: int
    person_files: int
    cases: int
    grants: int


def run(url: str, actor: Actor, now: datetime) -> Purged:
    cutoff = now - timedelta(days=RETENTION_DAYS["sighting"])
    with write_transaction(url) as session:
        gone = safety_store.delete_sightings_before(session, cutoff)
        files = safety_store.delete_empty_person_files(session)
        closed = safety_store.lost_to_purge(session)
        for case in closed:
            values = PURGED | {"person_file_id": None, "confirmed": None, "purged_at": now}
            safety_store.update_lost_person(session, case["id"], values)
            safety_store.forget_search_criteria(session, case["case_no"])
        grants = safety_store.delete_grants_before(session, now - timedelta(days=RETENTION_DAYS["unmask_grant"]))
        audit.record(
            session,
            actor,
            "safety.retention",
            "sighting",
            after={
                "cutoff": cutoff.isoformat(timespec="seconds"),
                "sightings": gone,
                "person_files": files,
                "cases": [c["code"] for c in closed],
                "grants": grants,
            },
        )
    sightings.forget(url)
    return Purged(cutoff, gone, files, len(closed), grants)
