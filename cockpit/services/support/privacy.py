"""Personal data: masked on the server unless the viewer may unmask; unmasking needs a reason and is logged."""

from __future__ import annotations

import re

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.services.support import audit
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


# digits as callers type them: full-width (１３８), split by spaces, dashes or dots (138 0013-8000)
FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－　．", "0123456789Xx- .")
GAP = r"[\s\-.·]?"
PHONE_IN_TEXT = re.compile(rf"(?<![\d])(?:\+?86{GAP})?1(?:{GAP}\d){{10}}(?![\d])")
LANDLINE_IN_TEXT = re.compile(r"(?<![\d])0\d{2,3}[\s\-]?\d{7,8}(?![\d])")
ID_IN_TEXT = re.compile(rf"(?<![\d])\d(?:{GAP}\d){{16}}{GAP}[\dXx](?![\d])")
NAME_CUE = r"(?:我叫|我是|本人|姓名|联系人|来电人|诉求人|报告人|反映人)[:：]?\s*"
NAME_IN_TEXT = re.compile(rf"{NAME_CUE}([\u4e00-\u9fff]{{2,3}})|([\u4e00-\u9fff])(先生|女士|同志|老师|阿姨|师傅)")


def mask_name(value: str) -> str:
    """A name keeps its first character: 张三 → 张*."""
    v = value.strip()
    return v[:1] + "*" * max(1, len(v) - 1) if v else v


def mask_text(text: str | None) -> str | None:
    """Free text as citizens write it (a ticket, its title and address, an incident report): mobile, landline
    and ID numbers masked however they are spaced or typed (full-width digits are read as digits), names after
    我叫/联系人/姓名… and the surname before 先生/女士… replaced. Every edge and every shared dataset that
    carries such text goes through here, so one rule decides what a reader sees."""
    if not text:
        return text
    text = text.translate(FULL_WIDTH)
    text = ID_IN_TEXT.sub(lambda m: mask_id_number(re.sub(r"\D", "", m.group(0)[:-1]) + m.group(0)[-1]), text)
    text = PHONE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group(0))[-11:]), text)
    text = LANDLINE_IN_TEXT.sub(lambda m: _mask_middle(m.group(0)), text)

    def name(m: re.Match) -> str:
        if m.group(1):
            return m.group(0).replace(m.group(1), mask_name(m.group(1)))
        return "某" + m.group(3)

    return NAME_IN_TEXT.sub(name, text)


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
