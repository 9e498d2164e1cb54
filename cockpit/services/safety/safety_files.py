"""Person and vehicle files, searched only under a legal basis and a case (PIPL Art. 26/28; Genetec
Clearance's case-bound evidence): a search is refused without both, and every search, trajectory, unmask,
tag and watch-list change is logged with its case and written to the hash-chained audit in the same
transaction. Results name subjects by their place in the search (ref), so a plate never travels unmasked:
it is shown masked unless the officer holds a time-limited unmask grant for it, given for a stated reason."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import orjson

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel import routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.safety import safety_cases
from cockpit.services.safety.sightings import vector
from cockpit.services.support import audit, privacy
from cockpit.vocab import UNMASK_MINUTES
from data_access import safety as safety_store
from data_access.db import transaction, write_transaction
from data_access.ingest import AGE_BANDS, CLOTHING_COLOURS, VEHICLE_COLOURS, VEHICLE_TYPES

PLATE_PATTERN = re.compile(r"^[\u4e00-\u9fff]?[A-Z0-9*?]{1,7}$")
SEARCH_LIFETIME = timedelta(hours=8)  # a search's results may be followed up (trajectory, unmask) this long
MAX_HOURS = 24 * 30
MAX_RESULTS = 200
MIN_PLATE_KNOWN = 2  # a province alone (京*) is every local car: a plate search names the issuing city too
# straight-line speed between cameras (× the road detour) a walker or a vehicle keeps with ease, and beyond
# which the hop is impossible: km/h
LIMITS_KMH = {"person": (7.0, 45.0), "vehicle": (70.0, 150.0)}
DETOUR = 1.3
TAG = re.compile(r"^[\w\u4e00-\u9fff·-]{1,16}$")
PERSON_CRITERIA = {"upper": CLOTHING_COLOURS, "lower": CLOTHING_COLOURS, "age_band": AGE_BANDS}


def require(actor: Actor, permission: str = "safety.files") -> None:
    if not allows(actor.role, permission):
        raise Refused("safety.not_allowed", http=403)


def _hours(value: Any) -> int:
    if value is None:
        return 24
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HOURS:
        raise Refused("safety.bad_hours", most=MAX_HOURS)
    return value


def _vehicle_criteria(body: dict[str, Any]) -> dict[str, Any]:
    plate, kind, colour = body.get("plate"), body.get("vehicle_type"), body.get("colour")
    if plate is not None and (not isinstance(plate, str) or not PLATE_PATTERN.match(plate.strip().upper())):
        raise Refused("safety.bad_plate")
    if kind is not None and kind not in VEHICLE_TYPES:
        raise Refused("safety.bad_criterion", name="vehicle_type")
    if colour is not None and colour not in VEHICLE_COLOURS:
        raise Refused("safety.bad_criterion", name="colour")
    if _known(plate) < MIN_PLATE_KNOWN and not (kind and colour):  # "*", "京*", "?*" reach every vehicle
        raise Refused("safety.too_broad")
    return {"plate": plate.strip().upper() if plate else None, "vehicle_type": kind, "colour": colour}


def _known(plate: str | None) -> int:
    """How many characters of a plate pattern are given rather than wildcards."""
    return sum(c not in "*?" for c in plate.strip()) if plate else 0


def _person_criteria(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, allowed in PERSON_CRITERIA.items():
        value = body.get(name)
        if value is not None and value not in allowed:
            raise Refused("safety.bad_criterion", name=name)
        out[name] = value
    for name in ("bag", "hat"):
        value = body.get(name)
        if value is not None and not isinstance(value, bool):
            raise Refused("safety.bad_criterion", name=name)
        out[name] = value
    if sum(v is not None for v in out.values()) < 2:
        raise Refused("safety.too_broad")
    return out


def label(subject: str, clear: bool) -> str:
    """How a subject is shown: a plate masked unless an unmask grant holds; a person file by its number."""
    kind, _, key = subject.partition(":")
    if kind == "vehicle":
        return key if clear else privacy.mask_plate(key)
    return f"#{key}"


def search(url: str, actor: Actor, body: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """`{"kind": "vehicle"|"person", "legal_basis", "case_no", "hours", ...criteria}` → the files found."""
    require(actor)
    now = now or stored_now()
    if body.get("kind") not in ("vehicle", "person"):
        raise Refused("safety.bad_kind")
    try:
        found_basis = safety_cases.basis(body.get("legal_basis"), body.get("case_no"))
        safety_cases.require_assigned(url, actor, found_basis.legal_basis, found_basis.case_no)
    except Refused as error:  # an attempt without a case of one's own is on the record, for the oversight report
        audit.record_alone(url, actor, "safety.search.refused", "search", after={"reason": error.key})
        raise
    hours = _hours(body.get("hours"))
    since = now - timedelta(hours=hours)
    if body["kind"] == "vehicle":
        criteria = _vehicle_criteria(body)
        with transaction(url) as session:
            rows = safety_store.vehicle_files(
                session, criteria["plate"], criteria["vehicle_type"], criteria["colour"], since, MAX_RESULTS
            )
        results = [r | {"subject": f"vehicle:{r['plate']}"} for r in rows]
    else:
        criteria = _person_criteria(body)
        with transaction(url) as session:
            rows = safety_store.person_sightings(session, criteria, since, None, 5000)
        results = _person_files(rows)
    subjects = [r["subject"] for r in results]
    with write_transaction(url) as session:
        search_id = safety_store.add_search(
            session,
            {
                "officer": actor.name,
                "kind": body["kind"],
                "legal_basis": found_basis.legal_basis,
                "case_no": found_basis.case_no,
                "criteria": orjson.dumps({"criteria": criteria, "hours": hours, "subjects": subjects}).decode(),
                "found": len(results),
                "at": now,
            },
        )
        audit.record(
            session,
            actor,
            "safety.search",
            f"search:{search_id}",
            after={"kind": body["kind"], "legal_basis": found_basis.legal_basis, "case_no": found_basis.case_no}
            | {"found": len(results)},
        )
        clear = safety_store.granted(session, actor.name, subjects, now)
        tags = safety_store.tags(session, subjects)
        identities = safety_store.identities(
            session, [r["subject"] for r in results if r["subject"].startswith("person:")]
        )
    for r in results:
        known = identities.get(r["subject"])
        if known:
            tags.setdefault(r["subject"], []).insert(0, privacy.mask_name(known))
    return {
        "id": search_id,
        "kind": body["kind"],
        "legal_basis": found_basis.legal_basis,
        "case_no": found_basis.case_no,
        "results": [_shown(i, r, r["subject"] in clear, tags.get(r["subject"], [])) for i, r in enumerate(results)],
    }


def _person_files(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Matching sightings grouped by person file, most seen first."""
    files: dict[int, dict[str, Any]] = {}
    for row in rows:
        file_id = row["person_file_id"]
        if file_id is None:
            continue
        found = files.setdefault(
            file_id,
            {
                "subject": f"person:{file_id}",
                "sightings": 0,
                "last_seen": row["ts"],
                "first_seen": row["ts"],
                "attributes": {k: row[k] for k in ("upper", "lower", "age_band", "bag", "hat")},
            },
        )
        found["sightings"] += 1
        found["first_seen"] = min(found["first_seen"], row["ts"])
    return sorted(files.values(), key=lambda f: (-f["sightings"], f["subject"]))[:MAX_RESULTS]


def _shown(ref: int, row: dict[str, Any], clear: bool, tags: list[str]) -> dict[str, Any]:
    out = {
        "ref": ref,
        "label": label(row["subject"], clear),
        "kind": row["subject"].partition(":")[0],
        "sightings": row["sightings"],
        "first_seen": row["first_seen"],
        "last_seen": row["last_seen"],
        "tags": tags,
        "unmasked": clear,
    }
    if "vehicle_type" in row:
        out |= {"vehicle_type": row["vehicle_type"], "colour": row["colour"]}
    if "attributes" in row:
        out["attributes"] = row["attributes"]
    return out


def _subject(session: Any, actor: Actor, search_id: int, ref: int, now: datetime) -> tuple[dict, str]:
    """The subject at `ref` of one of the officer's own recent searches, else refused."""
    found = safety_store.search_row(session, search_id)
    if found is None or found["officer"] != actor.name or found["criteria"] is None:
        raise Refused("safety.no_search", http=404, search=search_id)
    if found["at"] < now - SEARCH_LIFETIME:
        raise Refused("safety.search_expired", http=410, search=search_id)
    subjects = orjson.loads(found["criteria"])["subjects"]
    if isinstance(ref, bool) or not isinstance(ref, int) or not 0 <= ref < len(subjects):
        raise Refused("safety.bad_ref", http=404)
    return found, subjects[ref]


def hops(points: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Between each pair of consecutive sightings: distance, time, the speed it implies (straight line × a
    road detour) and how plausible that is — 1 up to an easy pace, falling to 0 at the impossible one; the
    hop's confidence is that times the weaker of the two sightings' own confidence."""
    easy, impossible = LIMITS_KMH[kind]
    out = []
    for a, b in pairwise(points):
        metres = routing.metres(a["lon"], a["lat"], b["lon"], b["lat"])
        seconds = (b["ts"] - a["ts"]).total_seconds()
        kmh = metres * DETOUR / max(seconds, 1.0) * 3.6 if metres > 1 else 0.0
        plausible = 1.0 if kmh <= easy else max(0.0, (impossible - kmh) / (impossible - easy))
        out.append(
            {
                "from": a["code"],
                "to": b["code"],
                "metres": round(metres),
                "seconds": round(seconds),
                "kmh": round(kmh, 1),
                "plausibility": round(plausible, 2),
                "confidence": round(plausible * min(a["match"], b["match"]), 2),
                "impossible": kmh >= impossible,
            }
        )
    return out


def track(rows: list[dict[str, Any]], kind: str, centroid: bytes | None = None) -> dict[str, Any]:
    """Time-ordered sightings with each one's match (feature similarity to the file, or the plate reader's
    confidence) and the hops between them."""
    if centroid is not None:
        c = vector(centroid)
        for row in rows:
            row["match"] = round(float(np.dot(vector(row["feature"]), c)), 2) if row["feature"] else row["confidence"]
    else:
        for row in rows:
            row["match"] = row["confidence"]
    points = [
        {
            "id": r["id"],
            "code": r["code"],
            "camera": r.get("name") or r["code"],
            "lon": r["lon"],
            "lat": r["lat"],
            "ts": r["ts"],
            "match": r["match"],
        }
        for r in rows
    ]
    found = hops(points, kind)
    return {"points": points, "hops": found, "impossible": sum(h["impossible"] for h in found)}


def trajectory(url: str, actor: Actor, search_id: int, ref: int, now: datetime | None = None) -> dict[str, Any]:
    """The trajectory of one subject of a search over the search's window; logged under the search's case."""
    require(actor)
    now = now or stored_now()
    with write_transaction(url) as session:
        found, subject = _subject(session, actor, search_id, ref, now)
        hours = orjson.loads(found["criteria"])["hours"]
        kind, _, key = subject.partition(":")
        since = now - timedelta(hours=hours)
        if kind == "vehicle":
            rows = safety_store.sightings_where(session, plate=key, since=since, limit=5000)
            centroid = None
        else:
            rows = safety_store.sightings_where(session, file_id=int(key), since=since, limit=5000)
            centroid = (safety_store.person_file(session, int(key)) or {}).get("centroid")
        _log(session, actor, found, "trajectory", subject, len(rows), now)
        clear = bool(safety_store.granted(session, actor.name, [subject], now))
    return {"search": search_id, "ref": ref, "label": label(subject, clear), "kind": kind} | track(rows, kind, centroid)


def _log(session: Any, actor: Actor, search: dict, kind: str, subject: str, found: int, now: datetime) -> None:
    """A follow-up (trajectory, unmask, tag, watch) is a query of its own under the search's case."""
    safety_store.add_search(
        session,
        {
            "officer": actor.name,
            "kind": kind,
            "legal_basis": search["legal_basis"],
            "case_no": search["case_no"],
            "criteria": orjson.dumps({"search": search["id"], "subjects": [subject]}).decode(),
            "found": found,
            "at": now,
        },
    )
    audit.record(
        session,
        actor,
        f"safety.{kind}",
        f"search:{search['id']}",
        after={"case_no": search["case_no"], "subject": label(subject, False)},
    )


def may_unmask(url: str, actor: Actor, obj: str, reason: Any) -> str:
    """The stated reason, for a role that may unmask; a refused attempt is itself audited."""
    if not allows(actor.role, "personal.unmask"):
        audit.record_alone(url, actor, "safety.unmask.denied", obj)
        raise Refused("safety.not_allowed", http=403)
    if not isinstance(reason, str) or len(reason.strip()) < privacy.MIN_REASON:
        raise Refused("safety.no_reason")
    return reason.strip()[:200]


def grant(session: Any, actor: Actor, subject: str, reason: str, now: datetime) -> datetime:
    """An unmask grant of UNMASK_MINUTES for one officer and one subject; returns when it ends."""
    expires = now + timedelta(minutes=UNMASK_MINUTES)
    values = {"officer": actor.name, "subject": subject, "reason": reason, "granted_at": now, "expires_at": expires}
    safety_store.add_grant(session, values)
    return expires


def unmask(url: str, actor: Actor, search_id: int, ref: int, reason: str, now: datetime | None = None) -> dict:
    """The clear plate for UNMASK_MINUTES, for a role that may unmask and with a stated reason."""
    stated = may_unmask(url, actor, f"search:{search_id}", reason)
    now = now or stored_now()
    with write_transaction(url) as session:
        found, subject = _subject(session, actor, search_id, ref, now)
        if not subject.startswith("vehicle:"):
            raise Refused("safety.nothing_masked")
        expires = grant(session, actor, subject, stated, now)
        _log(session, actor, found, "unmask", subject, 1, now)
    return {"label": label(subject, True), "expires_at": expires}


def add_tag(url: str, actor: Actor, search_id: int, ref: int, tag: str, now: datetime | None = None) -> list[str]:
    require(actor)
    if not isinstance(tag, str) or not TAG.match(tag.strip()):
        raise Refused("safety.bad_tag")
    now = now or stored_now()
    with write_transaction(url) as session:
        found, subject = _subject(session, actor, search_id, ref, now)
        safety_store.add_tag(session, {"subject": subject, "tag": tag.strip(), "added_by": actor.name, "added_at": now})
        _log(session, actor, found, "tag", subject, 1, now)
        return safety_store.tags(session, [subject]).get(subject, [])


def link_identity(url: str, actor: Actor, search_id: int, ref: int, identity: str, now: datetime | None = None) -> str:
    """An officer links a person file to an identity (a name established by the case); shown masked like any
    name, and only under the search's case."""
    require(actor)
    if not isinstance(identity, str) or not 2 <= len(identity.strip()) <= 64:
        raise Refused("safety.bad_identity")
    now = now or stored_now()
    with write_transaction(url) as session:
        found, subject = _subject(session, actor, search_id, ref, now)
        if not subject.startswith("person:"):
            raise Refused("safety.bad_identity")
        safety_store.link_identity(session, int(subject.partition(":")[2]), identity.strip())
        _log(session, actor, found, "identity", subject, 1, now)
    return privacy.mask_name(identity.strip())


def watch(url: str, actor: Actor, search_id: int, ref: int, reason: str, days: int, now: datetime | None = None) -> int:
    """布控: the subject raises an alarm wherever a camera sees it, until the entry expires or is ended."""
    require(actor)
    if not isinstance(reason, str) or len(reason.strip()) < privacy.MIN_REASON:
        raise Refused("safety.no_reason")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30:
        raise Refused("safety.bad_days")
    now = now or stored_now()
    with write_transaction(url) as session:
        found, subject = _subject(session, actor, search_id, ref, now)
        entry = safety_store.add_watch(
            session,
            {
                "subject": subject,
                "reason": reason.strip()[:200],
                "case_no": found["case_no"],
                "added_by": actor.name,
                "added_at": now,
                "until": now + timedelta(days=days),
                "active": True,
            },
        )
        _log(session, actor, found, "watch", subject, 1, now)
    return entry


def watch_list(url: str, actor: Actor, now: datetime | None = None) -> list[dict[str, Any]]:
    require(actor)
    now = now or stored_now()
    with write_transaction(url) as session:
        audit.record(session, actor, "safety.watch.view", "watch_list")
        rows = safety_store.watch_entries(session)
        clear = safety_store.granted(session, actor.name, [r["subject"] for r in rows], now)
    return [
        {
            "id": r["id"],
            "label": label(r["subject"], r["subject"] in clear),
            "kind": r["subject"].partition(":")[0],
            "reason": r["reason"],
            "case_no": r["case_no"],
            "added_by": r["added_by"],
            "until": r["until"],
            "active": bool(r["active"]) and r["until"] > now,
        }
        for r in rows
    ]


def end_watch(url: str, actor: Actor, entry_id: int) -> None:
    require(actor)
    with write_transaction(url) as session:
        if not safety_store.end_watch(session, entry_id):
            raise Refused("safety.no_watch", http=404)
        audit.record(session, actor, "safety.watch.end", f"watch:{entry_id}")
