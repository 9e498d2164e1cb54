"""Personal data: masked on the server unless the viewer may unmask; unmasking needs a reason and is logged."""

from __future__ import annotations

import re

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.services import audit
from data_access.db import write_transaction

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
PHONE = re.compile(r"^(\+?86)?1\d{10}$")
PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")
MIN_REASON = 4


class UnmaskRefused(PermissionError):
    pass


def mask_id_number(value: str) -> str:
    """Resident ID: region (first 6) and check digits (last 4) stay; the birth date and sequence go."""
    v = value.strip()
    if ID_NUMBER.match(v):
        return v[:6] + "*" * 8 + v[-4:]
    return _mask_middle(v)


def mask_phone(value: str) -> str:
    """Mobile number: 138****1234, the usual Chinese form."""
    v = re.sub(r"[\s-]", "", value)
    if PHONE.match(v):
        return v[:-8] + "****" + v[-4:]
    return _mask_middle(v)


def mask_plate(value: str) -> str:
    """Licence plate: province and city letter stay (京A), the serial keeps only its last character."""
    v = value.strip().upper().replace("·", "").replace(" ", "")
    if PLATE.match(v):
        return v[:2] + "*" * (len(v) - 3) + v[-1]
    return _mask_middle(v)


def _mask_middle(value: str) -> str:
    """Anything unrecognised keeps at most a quarter of its characters at each end."""
    keep = len(value) // 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + (value[-keep:] if keep else "")


def unmask(url: str, actor: Actor, obj: str, field: str, value: str, reason: str) -> str:
    """The clear value, only for a role that may unmask and with a stated reason; the audit row is written
    before the value is returned, in the same transaction."""
    if not allows(actor.role, "personal.unmask"):
        audit.record_alone(url, actor, "personal.unmask.denied", obj, after={"field": field})
        raise UnmaskRefused(f"role {actor.role or 'anonymous'} may not unmask personal data")
    if len(reason.strip()) < MIN_REASON:
        raise UnmaskRefused("a reason of at least four characters is required to unmask")
    with write_transaction(url) as session:
        audit.record(session, actor, "personal.unmask", obj, after={"field": field, "reason": reason.strip()})
    return value
