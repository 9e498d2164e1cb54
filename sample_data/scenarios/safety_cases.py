"""The demo's case register: a few open cases (generated, labelled so) that the demo safety officer works, so
a search on /safety has a case to name; each opened by the demo supervisor as the case system would."""

from __future__ import annotations

from datetime import datetime

from cockpit.actor import Actor
from cockpit.services.safety import safety_cases
from cockpit.services.support.users import DEMO_USERS
from data_access import safety as store
from data_access.db import transaction

SUPERVISOR = next(Actor(username, role) for username, _name, role in DEMO_USERS if role == "leader")
OFFICERS = [username for username, _name, role in DEMO_USERS if role == "safety_officer"]
CASES = (
    ("A110108-2026-0001", "criminal_case", "海淀区机动车盗窃系列案（生成）"),
    ("A110108-2026-0002", "administrative_case", "中关村地区违法停车综合整治（生成）"),
    ("E110108-2026-0001", "public_emergency", "重点区域大客流应急处置（生成）"),
)


def load(url: str, now: datetime) -> int:
    """Open the demo cases not yet in the register; returns how many were opened."""
    opened = 0
    for case_no, basis, title in CASES:
        with transaction(url) as session:
            if store.case_by_number(session, case_no) is not None:
                continue
        safety_cases.open_case(url, SUPERVISOR, case_no, basis, title, OFFICERS, now, generated=True)
        opened += 1
    return opened
