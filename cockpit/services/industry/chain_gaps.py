"""Gaps of an industry chain in the city (产业链补链强链延链).

A company belongs to the node of its chain whose keywords its main business names most often (split evenly on
a tie), or, naming none, to the node its industry class defaults to. Per node, on 2024 revenue:
- local supply: the Beijing companies' output and count, and the location quotient LQ = (Beijing's share of
  the node's companies) ÷ (Beijing's share of all listed companies);
- local downstream demand: the Beijing output of every node downstream of it; a node with nothing downstream
  sells to final demand, taken as the national output × Beijing's share of China's GDP (3.5 %, 2023);
- gap score = √(demand ÷ the chain's largest demand) × weakness × strategic weight, weakness = 1/(1+LQ).
Action: 补链 (fill) where the city has no company in the node, 强链 (strengthen) where LQ < 1, 延链 (extend)
where the node is strong and the chain is extended from it."""

from __future__ import annotations

from functools import cache

import networkx as nx
import numpy as np
import pandas as pd

from cockpit.refusal import Refused
from cockpit.services.industry import enterprises
from cockpit.services.industry.chains import BY_KEY, CHAIN_OF, CHAINS, NODES, Chain

BEIJING_GDP_SHARE = 0.035
ACTIONS = ("fill", "strengthen", "extend")  # 补链 / 强链 / 延链
REVENUE = "revenue_2024"


def hits(texts: pd.Series, keywords: tuple[str, ...]) -> np.ndarray:
    """How many of the keywords each text names."""
    return np.sum([texts.str.contains(k, regex=False).to_numpy() for k in keywords], axis=0)


def membership(firms: pd.DataFrame, chain: Chain) -> pd.DataFrame:
    """Each company's share in each node of the chain (rows sum to 1 or 0)."""
    counts = pd.DataFrame({n.key: hits(firms["main_business"], n.keywords) for n in chain.nodes}, index=firms.index)
    best = counts.max(axis=1)
    share = counts.eq(best, axis=0) & (best > 0).to_numpy()[:, None]
    default = pd.DataFrame(
        {n.key: firms["industry"].isin(n.industries).to_numpy() for n in chain.nodes}, index=firms.index
    )
    first_default = default & (default.cumsum(axis=1) == 1)
    picked = np.where(best.to_numpy()[:, None] > 0, share.to_numpy(), first_default.to_numpy()).astype(float)
    picked /= np.maximum(picked.sum(axis=1, keepdims=True), 1)
    return pd.DataFrame(picked, index=firms.index, columns=counts.columns)


def graph(chain: Chain) -> nx.DiGraph:
    found = nx.DiGraph()
    for node in chain.nodes:
        found.add_node(node.key)
        found.add_edges_from((node.key, after) for after in node.feeds)
    return found


def _chain(key: str) -> Chain:
    if key not in BY_KEY:
        raise Refused("industry.no_chain", http=404, chain=key, chains=", ".join(BY_KEY))
    return BY_KEY[key]


@cache
def analyse(url: str, key: str) -> dict:
    """The chain's nodes with supply, demand, gap score and action, its edges, and the ranked targets."""
    chain = _chain(key)
    firms = enterprises.frame(url)
    listed = firms[firms["listed"]]
    share = membership(listed, chain)
    revenue = listed[REVENUE].fillna(0).clip(lower=0).to_numpy()
    local = listed["is_beijing"].to_numpy()
    base_share = local.sum() / max(1, len(listed))
    flow = graph(chain)
    output = {n.key: float((share[n.key] * revenue * local).sum()) for n in chain.nodes}
    nodes = []
    for node in chain.nodes:
        weights = share[node.key].to_numpy()
        local_count = float((weights * local).sum())
        national_count = float(weights.sum())
        national_output = float((weights * revenue).sum())
        lq = (local_count / national_count) / base_share if national_count else 0.0
        below = nx.descendants(flow, node.key)
        demand = sum(output[b] for b in below) if below else national_output * BEIJING_GDP_SHARE
        members = listed[(weights > 0) & local].assign(output=revenue[(weights > 0) & local])
        nodes.append(
            {
                "key": node.key,
                "name": node.name,
                "name_en": node.name_en,
                "tier": node.tier,
                "weight": node.weight,
                "local_count": round(local_count, 1),
                "national_count": round(national_count, 1),
                "local_output": output[node.key],
                "national_output": national_output,
                "lq": round(lq, 2),
                "demand": demand,
                "weakness": round(1 / (1 + lq), 3),
                "feeds": list(node.feeds),
                "local_firms": [
                    {"code": r.code, "name": r.name, "revenue": float(r.output)}
                    for r in members.sort_values("output", ascending=False).head(8).itertuples()
                ],
            }
        )
    top = max(n["demand"] for n in nodes) or 1.0
    for n in nodes:
        n["demand_score"] = round(float(np.sqrt(n["demand"] / top)), 3)
        n["score"] = round(n["demand_score"] * n["weakness"] * n["weight"], 3)
        n["action"] = "fill" if n["local_count"] == 0 else "strengthen" if n["lq"] < 1 else "extend"
    ranked = sorted(nodes, key=lambda n: -n["score"])
    return {
        "id": chain.key,
        "name": chain.name,
        "name_en": chain.name_en,
        "nodes": nodes,
        "edges": [{"from": a, "to": b} for a, b in flow.edges],
        "targets": [{"node": n["key"], "score": n["score"], "action": n["action"]} for n in ranked],
        "method": __doc__.split("\n\n", 1)[1].strip(),
    }


def listing() -> list[dict]:
    return [{"id": c.key, "name": c.name, "name_en": c.name_en, "nodes": len(c.nodes)} for c in CHAINS]


def node(url: str, key: str) -> dict:
    if key not in NODES:
        raise Refused("industry.no_node", http=404, node=key)
    return next(n for n in analyse(url, CHAIN_OF[key])["nodes"] if n["key"] == key)
