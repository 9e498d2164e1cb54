"""Zombie enterprises (僵尸企业) among Beijing's listed companies, in transparent tiers; each flag carries the
fields that raised it and says what the data cannot show.

Equity is not in the data; it is derived as net profit ÷ ROE (the register's ROE is on equity), and the debt
ratio as 1 − equity ÷ total assets; where ROE is missing or zero the debt ratio is not derivable and says so.
- Tier A, the policy rule (发改财金〔2018〕1756号 and its 2016 forerunners): a net loss in each of 2022, 2023 and
  2024; the rule's second half (kept alive by subsidies and rolled-over loans) needs subsidy and loan data,
  which the register lacks: the evidence shows the non-operating result (total − operating profit) instead.
- Tier B, Caballero–Hoshi–Kashyap (interest paid below the prime-rate minimum): needs interest expense and
  borrowings by maturity; not evaluable on this data, said plainly for every company.
- Tier C, Fukuda–Nakamura (unprofitable and evergreened): operating profit below zero in 2023 and 2024 (EBIT
  below any positive minimum interest bill; EBIT itself is not in the data) and liabilities rising 2022→2024
  with a debt ratio above 50 % (borrowing more while unable to earn it)."""

from __future__ import annotations

import math

import pandas as pd

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.industry import enterprises
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import ZOMBIE_NEXT, ZOMBIE_STATES
from data_access import industry as store
from data_access.db import transaction, write_transaction

YEARS = enterprises.YEARS
B_MISSING = ["interest_expense", "borrowings", "prime_rate_minimum"]


def _value(row: pd.Series, name: str) -> float | None:
    value = row.get(name)
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _debt(row: pd.Series, year: int) -> tuple[float | None, float | None]:
    """(debt ratio, liabilities) of a year, or (None, None) where equity is not derivable."""
    profit, roe, assets = (_value(row, f"{n}_{year}") for n in ("net_profit", "roe_pct", "total_assets"))
    if profit is None or not roe or not assets:
        return None, None
    equity = profit / (roe / 100)
    if not 0 < equity <= assets * 1.5:
        return None, None
    return round(1 - equity / assets, 3), assets - equity


def assess(row: pd.Series) -> dict | None:
    profits = {y: _value(row, f"net_profit_{y}") for y in YEARS}
    operating = {y: _value(row, f"operating_profit_{y}") for y in YEARS}
    debt = {y: _debt(row, y) for y in YEARS}
    tier_a = all(p is not None and p < 0 for p in profits.values())
    ratio, liabilities = debt[2024][0], debt[2024][1]
    rising = liabilities is not None and debt[2022][1] is not None and liabilities > debt[2022][1]
    tier_c = all(operating[y] is not None and operating[y] < 0 for y in (2023, 2024)) and (
        ratio is not None and ratio > 0.5 and rising
    )
    if not (tier_a or tier_c):
        return None
    total, op = _value(row, "total_profit_2024"), operating[2024]
    return {
        "enterprise": row["name"],
        "code": row["code"],
        "industry": row["industry"],
        "district_adcode": row["district_adcode"],
        "tier": "A" if tier_a else "C",
        "tiers": [t for t, hit in (("A", tier_a), ("C", tier_c)) if hit],
        "evidence": {
            "net_profit": {str(y): profits[y] for y in YEARS},
            "operating_profit": {str(y): operating[y] for y in YEARS},
            "debt_ratio": {str(y): debt[y][0] for y in YEARS},
            "liabilities_rising": rising if liabilities is not None else None,
            "non_operating_2024": None if total is None or op is None else total - op,
            "revenue_2024": _value(row, "revenue_2024"),
        },
        "missing": {
            "A": ["subsidies", "rolled_over_loans"],
            "B": B_MISSING,
            "C": ["ebit", "interest_expense"],
        },
    }


def flags(url: str) -> list[dict]:
    found = [f for f in (assess(row) for _i, row in enterprises.beijing(url).iterrows() if row["listed"]) if f]
    with transaction(url) as session:
        reviews = store.reviews(session)
    for f in found:
        review = reviews.get(f["code"])
        f["state"] = review["state"] if review else "flagged"
        f["note"] = review["note"] if review else ""
    return sorted(found, key=lambda f: (f["tier"], -(f["evidence"]["debt_ratio"]["2024"] or 0)))


def move(url: str, actor: Actor, code: str, state: str, note: str) -> dict:
    """One step of the review; the reviewer's note is required, and the step is audited with it."""
    permission = "industry.decide" if state in ("confirmed", "cleared") else "industry.review"
    if not allows(actor.role, permission):
        raise Refused("industry.not_allowed", http=403)
    if state not in ZOMBIE_STATES:
        raise Refused("industry.bad_state", state=state, states=", ".join(ZOMBIE_STATES))
    if not note.strip():
        raise Refused("industry.note_needed")
    flagged = {f["code"] for f in flags(url)}
    if code not in flagged:
        raise Refused("industry.not_flagged", http=404, code=code)
    with write_transaction(url) as session:
        found = store.review(session, code, lock=True)
        before = found["state"] if found else "flagged"
        if state not in ZOMBIE_NEXT.get(before, ()):
            raise Refused("industry.bad_move", http=409, before=f"zombie.{before}", after=f"zombie.{state}")
        store.save_review(session, code, state, note.strip()[:500], actor.name, stored_now())
        audit.record(
            session,
            actor,
            "industry.zombie",
            code,
            before={"state": before},
            after={"state": state, "note": note[:500]},
        )
    return {"code": code, "state": state}
