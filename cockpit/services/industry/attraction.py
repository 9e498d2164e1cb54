"""Investment attraction (招商推荐) for a gap node: listed companies outside Beijing ranked by how well their
business matches the node, their scale, their growth and how they complement the city's chain, each with the
reasons that put it there; and the pipeline of approaches (线索 → 接洽 → 考察 → 签约 / 终止).

score = 0.35·match + 0.25·scale + 0.20·growth + 0.20·complementarity, halved for a company that lost money in
2024 and left out when it lost money in each of 2022–2024 (a zombie is not a target).
- match: 0.8 × min(1, keywords of the node its main business names ÷ 2) + 0.2 if its industry class is the
  node's own;
- scale: its 2024 revenue's percentile among the node's candidates;
- growth: its 2022→2024 revenue CAGR mapped from [−20 %, +40 %] onto [0, 1];
- complementarity: the share of the node's neighbouring nodes (suppliers and buyers) in which Beijing has
  companies, averaged with whether it shares an industry class with those Beijing companies."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.industry import chain_gaps, enterprises
from cockpit.services.industry.chains import BY_KEY, CHAIN_OF, NODES
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import LEAD_NEXT, LEAD_STAGES
from data_access import industry as store
from data_access.db import transaction, write_transaction

WEIGHTS = {"match": 0.35, "scale": 0.25, "growth": 0.20, "complement": 0.20}
LIMIT = 20


def _neighbours(node_key: str) -> list[str]:
    chain = BY_KEY[CHAIN_OF[node_key]]
    before = [n.key for n in chain.nodes if node_key in n.feeds]
    return before + list(NODES[node_key].feeds)


def recommend(url: str, node_key: str, limit: int = LIMIT) -> list[dict]:
    if node_key not in NODES:
        raise Refused("industry.no_node", http=404, node=node_key)
    node = NODES[node_key]
    firms = enterprises.frame(url)
    pool = firms[firms["listed"] & ~firms["is_beijing"]]
    named = chain_gaps.hits(pool["main_business"], node.keywords)
    own_class = pool["industry"].isin(node.industries).to_numpy()
    match = 0.8 * np.minimum(1.0, named / 2) + 0.2 * own_class
    keep = match > 0
    pool, match, named = pool[keep], match[keep], named[keep]
    if pool.empty:
        return []
    losses = (pool[[f"net_profit_{y}" for y in enterprises.YEARS]] < 0).sum(axis=1).to_numpy()
    revenue = pool["revenue_2024"].fillna(0).clip(lower=0)
    scale = revenue.rank(pct=True).to_numpy()
    first = pool["revenue_2022"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cagr = np.where(first > 0, np.sqrt(revenue.to_numpy() / first) - 1, np.nan)
    growth = np.clip((np.nan_to_num(cagr, nan=-0.2) + 0.2) / 0.6, 0, 1)
    chain = chain_gaps.analyse(url, CHAIN_OF[node_key])
    around = [n for n in chain["nodes"] if n["key"] in _neighbours(node_key)]
    present = [n for n in around if n["local_count"] > 0]
    local_classes = set(
        enterprises.beijing(url)
        .set_index("code")
        .reindex([f["code"] for n in present for f in n["local_firms"]])["industry"]
    )
    shares_class = pool["industry"].isin(local_classes).to_numpy()
    covered = len(present) / len(around) if around else 0.0
    complement = 0.5 * covered + 0.5 * shares_class
    score = (
        WEIGHTS["match"] * match
        + WEIGHTS["scale"] * scale
        + WEIGHTS["growth"] * growth
        + WEIGHTS["complement"] * complement
    )
    score = np.where(losses >= 3, -1.0, np.where(pool["net_profit_2024"].to_numpy() < 0, score / 2, score))
    order = np.argsort(-score)[:limit]
    partners = [f["name"] for n in present for f in n["local_firms"][:2]]
    out = []
    for i in order:
        if score[i] < 0:
            break
        row = pool.iloc[i]
        out.append(
            {
                "enterprise": row["name"],
                "code": row["code"],
                "province": row["province"],
                "city": row["city"],
                "industry": row["industry"],
                "score": round(float(score[i]), 3),
                "parts": {
                    "match": round(float(match[i]), 3),
                    "scale": round(float(scale[i]), 3),
                    "growth": round(float(growth[i]), 3),
                    "complement": round(float(complement[i]), 3),
                },
                "revenue_2024": None if pd.isna(row["revenue_2024"]) else float(row["revenue_2024"]),
                "cagr": None if np.isnan(cagr[i]) else round(float(cagr[i]), 3),
                "reasons": _reasons(
                    row,
                    node.keywords,
                    int(named[i]),
                    bool(own_class[i]),
                    scale[i],
                    cagr[i],
                    partners if shares_class[i] or present else [],
                ),
            }
        )
    return out


def _reasons(
    row: pd.Series,
    keywords: tuple[str, ...],
    named: int,
    own_class: bool,
    scale: float,
    cagr: float,
    partners: list[str],
) -> list[dict]:
    """Reasons as i18n keys with their values, so the page says them in the viewer's language."""
    said = []
    if named:
        words = "、".join(k for k in keywords if k in row["main_business"])
        said.append({"key": "ind.why.match", "words": words})
    if own_class:
        said.append({"key": "ind.why.class", "industry": row["industry"]})
    if not pd.isna(row["revenue_2024"]):
        said.append(
            {
                "key": "ind.why.scale",
                "yi": f"{row['revenue_2024'] / 1e8:,.1f}",
                "top": f"{max(1, math.ceil(100 * (1 - scale)))}",
            }
        )
    if not np.isnan(cagr):
        said.append({"key": "ind.why.growth", "cagr": f"{100 * cagr:+.0f}"})
    if partners:
        said.append({"key": "ind.why.partners", "names": "、".join(partners[:4])})
    if not pd.isna(row["net_profit_2024"]) and row["net_profit_2024"] < 0:
        said.append({"key": "ind.why.loss"})
    return said


def leads(url: str, node_key: str | None = None) -> list[dict]:
    with transaction(url) as session:
        rows = store.leads(session, node_key)
    names = enterprises.frame(url).set_index("code")["name"]
    return [r | {"enterprise": names.get(r["code"], r["code"])} for r in rows]


def advance(url: str, actor: Actor, node_key: str, code: str, stage: str, note: str = "") -> dict:
    """Start an approach (stage 'lead') or move it on; audited in the same transaction."""
    if not allows(actor.role, "industry.attract"):
        raise Refused("industry.not_allowed", http=403)
    if node_key not in NODES:
        raise Refused("industry.no_node", http=404, node=node_key)
    if stage not in LEAD_STAGES:
        raise Refused("industry.bad_stage", stage=stage, stages=", ".join(LEAD_STAGES))
    firms = enterprises.frame(url)
    if not ((firms["code"] == code) & firms["listed"]).any():
        raise Refused("industry.no_enterprise", http=404, code=code)
    with write_transaction(url) as session:
        found = store.lead(session, node_key, code, lock=True)
        allowed = LEAD_NEXT.get(found["stage"], ()) if found else ("lead",)
        if stage not in allowed:
            raise Refused(
                "industry.bad_move",
                http=409,
                before=f"ind.stage.{found['stage']}" if found else "—",
                after=f"ind.stage.{stage}",
            )
        values = {
            "node": node_key,
            "code": code,
            "stage": stage,
            "note": note[:500],
            "actor": actor.name,
            "updated_at": stored_now(),
        }
        store.save_lead(session, values)
        audit.record(
            session,
            actor,
            "industry.lead",
            f"{node_key}/{code}",
            before=found and {"stage": found["stage"]},
            after={"stage": stage, "note": note[:500]},
        )
    return values
