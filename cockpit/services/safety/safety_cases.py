"""The case register of public safety (案件登记): a supervisor opens a case under a legal basis and assigns
the officers who work it; a search or a lost-person intake names a case of the register that is open, under
the same basis, with the searching officer on it. A made-up number, someone else's case or a closed one is
refused, and the refusal is on the record for the oversight report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import LEGAL_BASES
from data_access import safety as store
from data_access.db import transaction, write_transaction

CASE_NO = re.compile(r"^[A-Z0-9][A-Z0-9-]{5,31}$")
CASE_NO_MOST = 32


@dataclass(frozen=True)
class Basis:
    legal_basis: str
    case_no: str


def basis(legal_basis: Any, case_no: Any) -> Basis:
    """No search without both: a legal basis from the list and a case number."""
    if not legal_basis or not case_no:
        raise Refused("safety.no_basis")
    if legal_basis not in LEGAL_BASES:
        raise Refused("safety.bad_basis", allowed=", ".join(LEGAL_BASES))
    if not isinstance(case_no, str) or not CASE_NO.match(case_no.strip().upper()):
        raise Refused("safety.bad_case")
    return Basis(legal_basis, case_no.strip().upper())


def _supervisor(actor: Actor) -> None:
    if not allows(actor.role, "safety.cases"):
        raise Refused("safety.not_supervisor", http=403)


def _officer_name(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 128:
        raise Refused("safety.bad_officer")
    return value.strip()


def open_case(
    url: str,
    actor: Actor,
    case_no: Any,
    legal_basis: Any,
    title: Any,
    officers: Any,
    now: datetime | None = None,
    generated: bool = False,
) -> dict[str, Any]:
    """A new case with its officers; the number is the one the case system gave it."""
    _supervisor(actor)
    found = basis(legal_basis, case_no)
    if not isinstance(title, str) or not 2 <= len(title.strip()) <= 200:
        raise Refused("safety.bad_text", name="title", most=200)
    if not isinstance(officers, list) or not officers:
        raise Refused("safety.bad_officer")
    names = sorted({_officer_name(o) for o in officers})
    now = now or stored_now()
    with write_transaction(url) as session:
        if store.case_by_number(session, found.case_no) is not None:
            raise Refused("safety.case_exists", http=409, case=found.case_no)
        _open(session, actor, found, title.strip(), names, now, generated)
    return case(url, found.case_no)


def _open(
    session: Any, actor: Actor, found: Basis, title: str, officers: list[str], now: datetime, generated: bool
) -> None:
    case_id = store.add_case(
        session,
        {
            "case_no": found.case_no,
            "legal_basis": found.legal_basis,
            "title": title,
            "opened_by": actor.name,
            "opened_at": now,
            "closed_at": None,
            "generated": generated,
        },
    )
    for name in officers:
        store.assign_officer(
            session, {"case_id": case_id, "officer": name, "assigned_by": actor.name, "assigned_at": now}
        )
    audit.record(
        session,
        actor,
        "safety.case.open",
        f"safety_case:{found.case_no}",
        after={"legal_basis": found.legal_basis, "officers": officers},
    )


def assign(url: str, actor: Actor, case_no: str, officer: Any, now: datetime | None = None) -> dict[str, Any]:
    _supervisor(actor)
    name = _officer_name(officer)
    with write_transaction(url) as session:
        found = store.case_by_number(session, case_no)
        if found is None or found["closed_at"] is not None:
            raise Refused("safety.not_registered", http=404, case=case_no[:CASE_NO_MOST])
        store.assign_officer(
            session,
            {"case_id": found["id"], "officer": name, "assigned_by": actor.name, "assigned_at": now or stored_now()},
        )
        audit.record(session, actor, "safety.case.assign", f"safety_case:{case_no}", after={"officer": name})
    return case(url, case_no)


def close(url: str, actor: Actor, case_no: str, now: datetime | None = None) -> dict[str, Any]:
    """A closed case allows no more searches; its searches stay on the record."""
    _supervisor(actor)
    with write_transaction(url) as session:
        found = store.case_by_number(session, case_no)
        if found is None or found["closed_at"] is not None:
            raise Refused("safety.not_registered", http=404, case=case_no[:CASE_NO_MOST])
        store.close_case(session, found["id"], now or stored_now())
        audit.record(session, actor, "safety.case.close", f"safety_case:{case_no}")
    return case(url, case_no)


def case(url: str, case_no: str) -> dict[str, Any]:
    with transaction(url) as session:
        found = store.case_by_number(session, case_no)
        if found is None:
            raise Refused("safety.not_registered", http=404, case=case_no[:CASE_NO_MOST])
        return found | {"officers": store.case_officers(session, found["id"])}


def listing(url: str, actor: Actor) -> list[dict[str, Any]]:
    """The whole register for a supervisor; an officer's own open cases for an officer."""
    if not (allows(actor.role, "safety.cases") or allows(actor.role, "safety.files")):
        raise Refused("safety.not_allowed", http=403)
    with transaction(url) as session:
        officer = None if allows(actor.role, "safety.cases") else actor.name
        return [c | {"officers": store.case_officers(session, c["id"])} for c in store.cases_of(session, officer)]


def require_assigned(url: str, actor: Actor, legal_basis: str, case_no: str) -> None:
    """The search's case is in the register, open, under this basis, and the actor works it."""
    with transaction(url) as session:
        found = store.case_by_number(session, case_no)
        officers = store.case_officers(session, found["id"]) if found else []
    if found is None or found["closed_at"] is not None:
        raise Refused("safety.not_registered", http=403, case=case_no)
    if actor.name not in officers:  # first: an outsider learns nothing of the case, not even its basis
        raise Refused("safety.not_your_case", http=403, case=case_no)
    if found["legal_basis"] != legal_basis:
        raise Refused("safety.other_basis", http=403, case=case_no, basis=f"sf.basis.{found['legal_basis']}")


def ensure_lost_person_case(url: str, actor: Actor, case_no: str, now: datetime) -> None:
    """A lost-person report opens its own case (the officer who takes it works it); a number already in the
    register must be a lost-person case of the officer's."""
    with write_transaction(url) as session:
        found = store.case_by_number(session, case_no)
        if found is None:
            _open(session, actor, Basis("lost_person", case_no), "走失人员", [actor.name], now, False)
            return
    require_assigned(url, actor, "lost_person", case_no)
