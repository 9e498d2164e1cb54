"""数据打架 — conflicts between departments' datasets. A comparison resolves the same entity in two datasets
(on a stable key, or by name within a distance), compares the attributes both hold under a tolerance for
their kind (numbers relative, names by similarity, places by distance) and reports what one holds and the
other does not (a blind spot, 数据盲区). Each disagreement is a ticket: open → assigned to a department →
resolved (which value stands: the authoritative source's by default, else the more recent) or dismissed.
Both values stay stored and queryable whatever is decided; every step is audited in its transaction."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import orjson
from shapely.geometry import shape

from cockpit.actor import Actor
from cockpit.i18n import TABLE, t
from cockpit.refusal import Refused
from cockpit.services.data import catalog, dataset_meta
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import catalog as storage
from data_access import conflicts as store
from data_access.db import transaction, write_transaction

KINDS = ("number", "name", "place")
STATUSES = ("open", "assigned", "resolved", "dismissed")
ACTIONS = ("assign", "resolve", "dismiss")  # each from open or assigned
PUNCTUATION = re.compile(r"[\s()（）\[\]【】·,，.。-]+")
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Attribute:
    left: str
    right: str
    kind: str  # number | name | place
    tolerance: float  # relative difference, least similarity, or metres


@dataclass(frozen=True)
class Comparison:
    name: str
    left: str  # dataset names
    right: str
    attributes: tuple[Attribute, ...]
    key: tuple[str, str] | None = None  # stable key fields; None: match by name within `within_m`
    names: tuple[str, str] = ("name", "name")
    within_m: float = 300.0
    least_similarity: float = 0.5
    authority: str | None = None  # "left" or "right": whose value stands unless a steward decides otherwise
    missing_in_right: bool = False  # report left entities inside the right dataset's extent that it lacks
    left_where: dict[str, Any] = field(default_factory=dict)
    right_where: dict[str, Any] = field(default_factory=dict)


def normalised(name: object) -> str:
    return PUNCTUATION.sub("", str(name or "")).lower()


def similarity(a: object, b: object) -> float:
    left, right = normalised(a), normalised(b)
    if not left or not right:
        return 0.0
    return difflib.SequenceMatcher(None, left, right).ratio()


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: within a city it is the great-circle distance to a few centimetres per km."""
    mean = np.radians((a[1] + b[1]) / 2)
    dx = (a[0] - b[0]) * METRES_PER_DEGREE * np.cos(mean)
    dy = (a[1] - b[1]) * METRES_PER_DEGREE
    return float(np.hypot(dx, dy))


def _place(record: dict[str, Any]) -> tuple[float, float] | None:
    """Where a record is: its point, a lon/lat pair of fields, or a point inside its shape."""
    for lon_name, lat_name in (("lon", "lat"), ("经度", "纬度")):
        lon, lat = record.get(lon_name), record.get(lat_name)
        if isinstance(lon, int | float) and isinstance(lat, int | float):
            return (float(lon), float(lat))
    geometry = record.get("_geometry") or record.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type"):
        point = shape(geometry).representative_point()
        return (point.x, point.y)
    return None


@dataclass
class Side:
    dataset: dict[str, Any]
    records: list[dict[str, Any]]


def _side(url: str, name: str, where: dict[str, Any]) -> Side:
    with transaction(url) as session:
        dataset = storage.dataset_by_name(session, name)
    if dataset is None:
        raise Refused("catalog.no_dataset", http=404, dataset=name)
    records = [r for r in catalog.every_record(url, dataset["id"]) if all(r.get(k) == v for k, v in where.items())]
    return Side(dataset, records)


def _pairs(comparison: Comparison, left: Side, right: Side) -> list[tuple[dict, dict]]:
    if comparison.key:
        index = {str(r.get(comparison.key[1])): r for r in right.records if r.get(comparison.key[1]) is not None}
        return [(r, index[k]) for r in left.records if (k := str(r.get(comparison.key[0]))) in index]
    placed = [(r, p) for r in right.records if (p := _place(r))]
    if not placed:
        return []
    coords = np.array([p for _, p in placed])
    pairs = []
    for record in left.records:
        here = _place(record)
        if here is None:
            continue
        scale = np.cos(np.radians(here[1]))
        dist = np.hypot((coords[:, 0] - here[0]) * scale, coords[:, 1] - here[1]) * METRES_PER_DEGREE
        near = np.flatnonzero(dist <= comparison.within_m)
        if not len(near):
            continue
        name = record.get(comparison.names[0])
        scored = [(similarity(name, placed[i][0].get(comparison.names[1])), -dist[i], i) for i in near]
        best = max(scored)
        if best[0] >= comparison.least_similarity:
            pairs.append((record, placed[best[2]][0]))
    return pairs


def _differs(attribute: Attribute, a: dict, b: dict) -> tuple[Any, Any, float] | None:
    """The two values and the measure of their difference when it is beyond tolerance; None when they agree
    or either lacks the value (a missing value is completeness, not a conflict)."""
    if attribute.kind == "place":
        here, there = _place(a), _place(b)
        if here is None or there is None:
            return None
        distance = metres(here, there)
        return (list(here), list(there), round(distance, 1)) if distance > attribute.tolerance else None
    left, right = a.get(attribute.left), b.get(attribute.right)
    if left is None or right is None:
        return None
    if attribute.kind == "number":
        try:
            x, y = float(left), float(right)
        except (TypeError, ValueError):
            return None
        relative = abs(x - y) / max(abs(x), abs(y), 1e-9)
        return (left, right, round(relative, 4)) if relative > attribute.tolerance else None
    score = similarity(left, right)
    return (left, right, round(score, 3)) if score < attribute.tolerance else None


def _proposal(comparison: Comparison, left: Side, right: Side) -> str:
    if comparison.authority:
        return comparison.authority
    left_at, right_at = left.dataset["updated_at"] or datetime.min, right.dataset["updated_at"] or datetime.min
    return "left" if left_at >= right_at else "right"


@dataclass(frozen=True)
class Detection:
    comparison: str
    matched: int
    found: int
    new: int
    settled: int  # conflicts found before whose values now agree


def detect(url: str, comparison: Comparison, actor: Actor) -> Detection:
    """Run one comparison; new disagreements become open tickets, vanished ones are resolved as agreeing."""
    left, right = (
        _side(url, comparison.left, comparison.left_where),
        _side(url, comparison.right, comparison.right_where),
    )
    pairs = _pairs(comparison, left, right)
    proposal = _proposal(comparison, left, right)
    loser = right if proposal == "left" else left
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for a, b in pairs:
        for attribute in comparison.attributes:
            differs = _differs(attribute, a, b)
            if differs is None:
                continue
            name = f"{attribute.left}/{attribute.right}" if attribute.left != attribute.right else attribute.left
            rule = _rule(attribute)
            found[("value", name, str(a["_id"]), str(b["_id"]))] = _finding(a, b, differs, rule, comparison)
    if comparison.missing_in_right:
        extent = _extent(right.records)
        matched = {id(a) for a, _ in pairs}
        for a in left.records:
            place = _place(a)
            if id(a) in matched or place is None or extent is None or not _inside(place, extent):
                continue
            rule = "missing:0"
            found[("missing", "existence", str(a["_id"]), "")] = _finding(
                a, None, (True, False, None), rule, comparison
            )
    now = stored_now()
    new = settled = 0
    with write_transaction(url) as session:
        before = store.known(session, comparison.name)
        for subject, finding in found.items():
            kind, attribute, left_key, right_key = subject
            old = before.get(subject)
            values = finding | {"updated_at": now}
            if old is None:
                values |= {
                    "comparison": comparison.name,
                    "kind": kind,
                    "attribute": attribute,
                    "left_dataset_id": left.dataset["id"],
                    "right_dataset_id": right.dataset["id"],
                    "left_key": left_key,
                    "right_key": right_key,
                    "status": "open",
                    "department": (right if kind == "missing" else loser).dataset["provider"],
                    "proposed": "left" if kind == "missing" else proposal,
                    "created_at": now,
                }
                store.add(session, values)
                new += 1
            elif old["status"] in store.OPEN:
                store.update_conflict(session, old["id"], values)
        for subject, old in before.items():
            if subject not in found and old["status"] in store.OPEN:
                reason = "the sources agree now"
                store.update_conflict(
                    session,
                    old["id"],
                    {"status": "resolved", "reason": reason, "updated_at": now, "decided_by": actor.name},
                )
                settled += 1
        audit.record(
            session,
            actor,
            "conflict.detect",
            f"comparison:{comparison.name}",
            after={"pairs": len(pairs), "found": len(found), "new": new, "settled": settled},
        )
    for side in (left, right):
        measure_consistency(url, side.dataset["id"], len(side.records))
    return Detection(comparison.name, len(pairs), len(found), new, settled)


def _rule(attribute: Attribute) -> str:
    """The rule as `kind:tolerance`, said in the viewer's language by `said_rule`."""
    return f"{attribute.kind}:{attribute.tolerance:g}"


def said_rule(rule: str, lang: str) -> str:
    kind, _, tolerance = rule.partition(":")
    key = f"conflict.rule.{kind}"
    return t(key, lang, tolerance=float(tolerance or 0)) if key in TABLE else rule


def _finding(a: dict, b: dict | None, differs: tuple, rule: str, comparison: Comparison) -> dict[str, Any]:
    left_value, right_value, measure = differs
    place = _place(a) or (_place(b) if b else None)
    entity = a.get(comparison.names[0]) or (b.get(comparison.names[1]) if b else None) or a.get("_id")
    return {
        "left_value": orjson.dumps(left_value, default=str).decode(),
        "right_value": orjson.dumps(right_value, default=str).decode(),
        "measure": measure,
        "rule": rule,
        "entity": str(entity)[:200],
        "lon": place[0] if place else None,
        "lat": place[1] if place else None,
    }


def _extent(records: list[dict]) -> tuple[float, float, float, float] | None:
    places = [p for r in records if (p := _place(r))]
    if not places:
        return None
    xs, ys = zip(*places, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _inside(place: tuple[float, float], extent: tuple[float, float, float, float]) -> bool:
    return extent[0] <= place[0] <= extent[2] and extent[1] <= place[1] <= extent[3]


def measure_consistency(url: str, dataset_id: int, rows: int) -> float | None:
    """The consistency dimension: the share of a dataset's records in no unresolved conflict. Added to its
    quality history with the other dimensions of its latest measurement."""
    if rows <= 0:
        return None
    now = stored_now()
    with write_transaction(url) as session:
        disputed = store.disputed_records(session, dataset_id)
        history = storage.quality_history(session, dataset_id, limit=1)
        last = history[-1] if history else {}
        dims = {d: last.get(d) for d in dataset_meta.DIMENSIONS} | {"consistency": round(1 - disputed / rows, 4)}
        score = dataset_meta.score(dims)
        storage.add_quality(session, {"dataset_id": dataset_id, "measured_at": now, "score": score} | dims)
        storage.update_dataset(session, dataset_id, {"quality": score})
    return dims["consistency"]


def transition(
    url: str,
    actor: Actor,
    conflict_id: int,
    action: str,
    *,
    department: str | None = None,
    winner: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    if action not in ACTIONS:
        raise Refused("unknown_action", action=action)
    reason = (reason or "").strip()[:500] or None
    with write_transaction(url) as session:
        found = store.conflict(session, conflict_id, lock=True)
        if found is None:
            raise Refused("conflict.none", http=404, conflict=conflict_id)
        if found["status"] not in store.OPEN:
            raise Refused(
                "conflict.closed", http=409, conflict=conflict_id, status=f"conflict.status.{found['status']}"
            )
        change: dict[str, Any] = {"updated_at": stored_now(), "decided_by": actor.name}
        if action == "assign":
            if not department or not department.strip():
                raise Refused("conflict.needs_department")
            change |= {"status": "assigned", "department": department.strip()[:64]}
        elif action == "resolve":
            winner = winner or found["proposed"]
            if winner not in ("left", "right"):
                raise Refused("conflict.bad_winner", winner=str(winner)[:20])
            if winner != found["proposed"] and not reason:
                raise Refused("conflict.needs_reason")
            change |= {"status": "resolved", "winner": winner, "reason": reason}
        else:
            if not reason:
                raise Refused("conflict.needs_reason")
            change |= {"status": "dismissed", "reason": reason}
        store.update_conflict(session, conflict_id, change)
        audit.record(
            session,
            actor,
            f"conflict.{action}",
            f"conflict:{conflict_id}",
            before={"status": found["status"]},
            after={k: v for k, v in change.items() if k != "updated_at"},
        )
        done = store.conflict(session, conflict_id)
    return done


def listing(url: str, status: str | None = None, dataset_id: int | None = None, limit: int = 500) -> list[dict]:
    if status is not None and status not in STATUSES:
        raise Refused("conflict.bad_status", status=status[:20])
    with transaction(url) as session:
        rows = store.listing(session, status, dataset_id, limit)
    for row in rows:
        row["left_value"] = orjson.loads(row["left_value"]) if row["left_value"] else None
        row["right_value"] = orjson.loads(row["right_value"]) if row["right_value"] else None
    return rows


def one(url: str, conflict_id: int) -> dict[str, Any] | None:
    with transaction(url) as session:
        row = store.conflict(session, conflict_id)
    if row is not None:
        for side in ("left_value", "right_value"):
            row[side] = orjson.loads(row[side]) if row[side] else None
    return row


def dataset_titles(url: str, lang: str) -> dict[int, str]:
    """Dataset titles with their providing department, to say whose each value is."""
    return {
        card.id: f"{card.title if lang == 'zh' else card.title_en} · {card.provider}"
        for card in catalog.search(url, "", limit=100_000)
    }


def counts(url: str) -> dict[str, int]:
    with transaction(url) as session:
        return store.counts(session)
