"""走失人员: a report taken in (description, where and when last seen, the guardian's contact, masked) becomes
a case; the cameras inside an expanding ring — how far the person can have walked at their pace since — are
called up and their person sightings ranked by how well they fit (attributes, then the feature vector of what
an officer has confirmed); the confirmed file gives the track and the area the person can be in now (a walking
isochrone from the last sighting); a search team goes by the emergency dispatch; found, closed, and the
retention job deletes the personal parts at closure."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry import Point

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.cim import isochrones
from cockpit.services.emergency import emergency
from cockpit.services.kernel import routing
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.geojson import feature
from cockpit.services.kernel.spatial_ops import metric, wgs84
from cockpit.services.safety import safety_cases, safety_files
from cockpit.services.safety.sightings import vector
from cockpit.services.support import audit, privacy
from cockpit.vocab import LOST_NEXT, LOST_OPEN
from data_access import safety as safety_store
from data_access.db import transaction, write_transaction
from data_access.ingest import AGE_BANDS, CLOTHING_COLOURS

PACE_KMH = {"child": 3.5, "young": 5.0, "adult": 4.8, "elderly": 3.0}  # a lost person's walking pace
HURRY = 1.3  # the ring allows for walking faster than the usual pace
RINGS = 4
MAX_RING_M = 6000.0
SLACK_M = 150.0  # the last-seen place is approximate
MAX_ELAPSED = timedelta(hours=72)
WEIGHTS = {"upper": 0.35, "lower": 0.25, "age_band": 0.25, "bag": 0.075, "hat": 0.075}
CANDIDATES = 20
LEGAL_BASIS = "lost_person"  # 《人民警察法》第二十一条: the police help people in danger or distress


def _check_attributes(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, allowed in (("upper", CLOTHING_COLOURS), ("lower", CLOTHING_COLOURS), ("age_band", AGE_BANDS)):
        if body.get(name) not in allowed:
            raise Refused("safety.bad_criterion", name=name)
        out[name] = body[name]
    for name in ("bag", "hat"):
        value = body.get(name)
        if value is not None and not isinstance(value, bool):
            raise Refused("safety.bad_criterion", name=name)
        out[name] = value
    return out


def _text(body: dict[str, Any], name: str, most: int, required: bool) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Refused("safety.missing", name=name)
        return None
    if not isinstance(value, str) or len(value) > most:
        raise Refused("safety.bad_text", name=name, most=most)
    return value.strip()


def intake(url: str, actor: Actor, body: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """`{"case_no", "upper", "lower", "age_band", "bag", "hat", "lon", "lat", "last_seen_at" (ISO, UTC) or
    "minutes_ago", "name", "guardian_name", "guardian_phone"}` → the case, masked."""
    safety_files.require(actor)
    now = now or stored_now()
    found = safety_cases.basis(LEGAL_BASIS, body.get("case_no"))
    attributes = _check_attributes(body)
    lon, lat = body.get("lon"), body.get("lat")
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in (lon, lat)):
        raise Refused("safety.bad_place")
    if not (73 <= lon <= 136 and 3 <= lat <= 54):
        raise Refused("safety.bad_place")
    seen_at = _seen_at(body, now)
    guardian = _text(body, "guardian_name", 64, True)
    phone = _text(body, "guardian_phone", 32, True)
    name = _text(body, "name", 64, False)
    safety_cases.ensure_lost_person_case(url, actor, found.case_no, now)
    with write_transaction(url) as session:
        lost_id = safety_store.add_lost_person(
            session,
            {
                "case_no": found.case_no,
                "status": "open",
                "description": orjson.dumps(attributes).decode(),
                "name": name,
                "guardian_name": guardian,
                "guardian_phone": phone,
                "lon": float(lon),
                "lat": float(lat),
                "last_seen_at": seen_at,
                "person_file_id": None,
                "confirmed": None,
                "incident_id": None,
                "created_by": actor.name,
                "created_at": now,
                "found_at": None,
                "closed_at": None,
                "purged_at": None,
            },
        )
        row = safety_store.lost_person(session, lost_id) or {}
        audit.record(session, actor, "safety.lost.intake", f"lost:{row.get('code')}", after={"case_no": found.case_no})
    return shown(row, clear=False)


def _seen_at(body: dict[str, Any], now: datetime) -> datetime:
    minutes, text = body.get("minutes_ago"), body.get("last_seen_at")
    if minutes is not None:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 72 * 60:
            raise Refused("safety.bad_time")
        return now - timedelta(minutes=minutes)
    try:
        at = datetime.fromisoformat(str(text).removesuffix("Z"))
    except ValueError as error:
        raise Refused("safety.bad_time") from error
    at = at.replace(tzinfo=None)
    if not now - MAX_ELAPSED <= at <= now + timedelta(minutes=5):
        raise Refused("safety.bad_time")
    return at


def shown(row: dict[str, Any], clear: bool) -> dict[str, Any]:
    """A case as every view gives it: the names and the phone masked unless an unmask grant holds."""
    purged = row.get("purged_at") is not None
    names = {k: row.get(k) for k in ("name", "guardian_name")}
    out = {k: row.get(k) for k in ("id", "code", "case_no", "status", "lon", "lat", "last_seen_at", "created_by")}
    out |= {k: row.get(k) for k in ("created_at", "found_at", "closed_at", "incident_id", "person_file_id")}
    out["description"] = orjson.loads(row["description"]) if row.get("description") else None
    out |= {k: (v if clear else privacy.mask_name(v)) if v else None for k, v in names.items()}
    phone = row.get("guardian_phone")
    out["guardian_phone"] = (phone if clear else privacy.mask_phone(phone)) if phone else None
    out["purged"] = purged
    out["unmasked"] = clear
    return out


def _case(session: Any, lost_id: int, for_update: bool = False) -> dict[str, Any]:
    row = safety_store.lost_person(session, lost_id, for_update)
    if row is None:
        raise Refused("safety.no_case", http=404, case=lost_id)
    return row


def cases(url: str, actor: Actor, open_only: bool = False, now: datetime | None = None) -> list[dict[str, Any]]:
    safety_files.require(actor)
    now = now or stored_now()
    with write_transaction(url) as session:
        audit.record(session, actor, "safety.lost.view", "lost_persons")
        rows = safety_store.lost_persons(session, LOST_OPEN if open_only else None)
        clear = safety_store.granted(session, actor.name, [f"lost:{r['id']}" for r in rows], now)
    return [shown(r, f"lost:{r['id']}" in clear) for r in rows]


def case(url: str, actor: Actor, lost_id: int, now: datetime | None = None) -> dict[str, Any]:
    safety_files.require(actor)
    now = now or stored_now()
    with write_transaction(url) as session:
        row = _case(session, lost_id)
        audit.record(session, actor, "safety.lost.view", f"lost:{row['code']}")
        clear = bool(safety_store.granted(session, actor.name, [f"lost:{lost_id}"], now))
    return shown(row, clear)


def rings(row: dict[str, Any], now: datetime, cameras: list[dict[str, Any]]) -> dict[str, Any]:
    """The search radius now (pace × hurry × time since last seen, plus slack) cut into RINGS rings, and the
    cameras in each, nearest ring first."""
    pace = PACE_KMH[(orjson.loads(row["description"]) if row["description"] else {}).get("age_band", "adult")]
    hours = max((now - row["last_seen_at"]).total_seconds(), 0) / 3600
    radius = min(MAX_RING_M, pace * HURRY * hours * 1000 + SLACK_M)
    placed = []
    for camera in cameras:
        if camera["sees"] == "vehicle":
            continue
        metres = routing.metres(row["lon"], row["lat"], camera["lon"], camera["lat"])
        if metres <= radius:
            placed.append(camera | {"metres": metres, "ring": min(RINGS, int(metres / radius * RINGS) + 1)})
    return {"radius_m": round(radius), "pace_kmh": pace, "cameras": sorted(placed, key=lambda c: c["metres"])}


def _attribute_score(wanted: dict[str, Any], row: dict[str, Any]) -> float:
    score = sum(w for name, w in WEIGHTS.items() if wanted.get(name) is not None and row[name] == wanted[name])
    unknown = sum(w for name, w in WEIGHTS.items() if wanted.get(name) is None)
    return score + unknown / 2


def candidates(url: str, actor: Actor, lost_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The ring and the ranked candidate sightings (the best of each person file): a sighting counts only
    where the person could have walked by then."""
    safety_files.require(actor)
    now = now or stored_now()
    with transaction(url) as session:
        row = _case(session, lost_id)
        if row["purged_at"] is not None or row["status"] not in LOST_OPEN:
            raise Refused("safety.case_closed", http=409)
        ring = rings(row, now, safety_store.cameras(session))
        by_id = {c["id"]: c for c in ring["cameras"]}
        start = row["last_seen_at"] - timedelta(minutes=15)
        seen = safety_store.sightings_where(session, device_ids=list(by_id), kind="person", since=start, limit=50_000)
        confirmed = safety_store.person_file(session, row["person_file_id"]) if row["person_file_id"] else None
    wanted = orjson.loads(row["description"])
    reach = ring["pace_kmh"] * HURRY / 3.6
    centroid = vector(confirmed["centroid"]) if confirmed else None
    best: dict[Any, dict[str, Any]] = {}
    for s in seen:
        camera = by_id[s["device_id"]]
        elapsed = max((s["ts"] - row["last_seen_at"]).total_seconds(), 0)
        if camera["metres"] > reach * elapsed + SLACK_M:
            continue
        score = _attribute_score(wanted, s)
        similarity = float(np.dot(vector(s["feature"]), centroid)) if centroid is not None and s["feature"] else None
        if similarity is not None:
            score = 0.4 * score + 0.6 * max(similarity, 0.0)
        key = s["person_file_id"] or f"s{s['id']}"
        if key not in best or score > best[key]["score"]:
            best[key] = {
                "sighting_id": s["id"],
                "file": s["person_file_id"],
                "camera": camera["name"],
                "ring": camera["ring"],
                "metres": round(camera["metres"]),
                "ts": s["ts"],
                "lon": camera["lon"],
                "lat": camera["lat"],
                "score": round(score, 3),
                "similarity": None if similarity is None else round(similarity, 3),
                "attributes": {k: s[k] for k in WEIGHTS},
            }
    ranked = sorted(best.values(), key=lambda c: (-c["score"], c["ts"]))[:CANDIDATES]
    with write_transaction(url) as session:
        safety_store.add_search(
            session,
            {
                "officer": actor.name,
                "kind": "lost_person",
                "legal_basis": LEGAL_BASIS,
                "case_no": row["case_no"],
                "criteria": orjson.dumps({"lost": row["code"], "radius_m": ring["radius_m"]}).decode(),
                "found": len(ranked),
                "at": now,
            },
        )
        audit.record(
            session,
            actor,
            "safety.lost.candidates",
            f"lost:{row['code']}",
            after={"case_no": row["case_no"], "radius_m": ring["radius_m"], "found": len(ranked)},
        )
    return {
        "case": row["code"],
        "radius_m": ring["radius_m"],
        "origin": [row["lon"], row["lat"]],
        "cameras": [
            {"code": c["code"], "name": c["name"], "lon": c["lon"], "lat": c["lat"], "ring": c["ring"]}
            for c in ring["cameras"]
        ],
        "candidates": ranked,
    }


def _step(session: Any, actor: Actor, row: dict[str, Any], action: str, values: dict[str, Any]) -> None:
    allowed, to = LOST_NEXT[action]
    if row["status"] not in allowed:
        raise Refused("safety.bad_step", http=409, action=action, status=row["status"])
    safety_store.update_lost_person(session, row["id"], values | {"status": to})
    audit.record(
        session,
        actor,
        f"safety.lost.{action}",
        f"lost:{row['code']}",
        before={"status": row["status"]},
        after={"status": to, "case_no": row["case_no"]},
    )


def confirm(url: str, actor: Actor, lost_id: int, sighting_id: int) -> dict[str, Any]:
    """An officer says this sighting is the person: its file's sightings become the track."""
    safety_files.require(actor)
    with write_transaction(url) as session:
        row = _case(session, lost_id, for_update=True)
        found = safety_store.sightings_by_id(session, [sighting_id])
        if not found or found[0]["kind"] != "person":
            raise Refused("safety.no_sighting", http=404)
        confirmed = orjson.loads(row["confirmed"]) if row["confirmed"] else []
        values = {"person_file_id": found[0]["person_file_id"], "confirmed": orjson.dumps([*confirmed, sighting_id])}
        _step(session, actor, row, "confirm", values | {"confirmed": values["confirmed"].decode()})
    return case(url, actor, lost_id)


def track(url: str, actor: Actor, lost_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The confirmed file's sightings since the person went missing, with the hops' plausibility, and where
    the person can be now: the walking isochrone from the last sighting for the minutes since."""
    safety_files.require(actor)
    now = now or stored_now()
    with transaction(url) as session:
        row = _case(session, lost_id)
        if row["person_file_id"] is None:
            raise Refused("safety.not_confirmed", http=409)
        since = row["last_seen_at"] - timedelta(minutes=15)
        rows = safety_store.sightings_where(session, file_id=row["person_file_id"], since=since)
        centroid = (safety_store.person_file(session, row["person_file_id"]) or {}).get("centroid")
    found = safety_files.track(rows, "person", centroid)
    last = found["points"][-1] if found["points"] else {"lon": row["lon"], "lat": row["lat"], "ts": row["last_seen_at"]}
    minutes = max(1, min(60, round((now - last["ts"]).total_seconds() / 60)))
    try:
        area = isochrones.isochrones(url, last["lon"], last["lat"], [minutes], "walk")[0]
    except Refused:  # the last place is off the walkable network: the plain circle the pace allows
        circle = wgs84(metric(Point(last["lon"], last["lat"])).buffer(PACE_KMH["adult"] * minutes / 60 * 1000))
        area = feature(orjson.loads(shapely.to_geojson(circle)), {})
    area["properties"] |= {"minutes": minutes, "from": [last["lon"], last["lat"]]}
    return found | {"case": row["code"], "predicted": area, "last": last}


def dispatch(url: str, actor: Actor, lost_id: int, now: datetime | None = None) -> dict[str, Any]:
    """A search team by the emergency dispatch: an incident where the person was last seen (by a camera if
    confirmed) and the run card's units for it."""
    safety_files.require(actor)
    with transaction(url) as session:
        row = _case(session, lost_id)
    allowed, _ = LOST_NEXT["dispatch"]
    if row["status"] not in allowed:
        raise Refused("safety.bad_step", http=409, action="dispatch", status=row["status"])
    place = (row["lon"], row["lat"])
    if row["person_file_id"] is not None:
        last = track(url, actor, lost_id, now)["last"]
        place = (last["lon"], last["lat"])
    incident = emergency.report_incident(
        url, actor, "social_security", 4, *place, f"走失人员搜寻 {row['code']}（案件 {row['case_no']}）"
    )
    units = emergency.dispatch(url, actor, incident["id"], use_plan=True)
    with write_transaction(url) as session:
        _step(session, actor, _case(session, lost_id, True), "dispatch", {"incident_id": incident["id"]})
    return {"incident": incident["code"], "incident_id": incident["id"], "units": len(units)}


def found(url: str, actor: Actor, lost_id: int, now: datetime | None = None) -> dict[str, Any]:
    safety_files.require(actor)
    now = now or stored_now()
    with write_transaction(url) as session:
        row = _case(session, lost_id, True)
        _step(session, actor, row, "found", {"found_at": now})
    if row["incident_id"] is not None:
        emergency.close_incident(url, actor, row["incident_id"])
    return case(url, actor, lost_id)


def close(url: str, actor: Actor, lost_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Closed: the retention job deletes the description, names, contact and track links on its next run."""
    safety_files.require(actor)
    now = now or stored_now()
    with write_transaction(url) as session:
        _step(session, actor, _case(session, lost_id, True), "close", {"closed_at": now})
    return case(url, actor, lost_id)


def unmask(url: str, actor: Actor, lost_id: int, reason: str, now: datetime | None = None) -> dict[str, Any]:
    """The guardian's contact and the names, for UNMASK_MINUTES, to call the family."""
    stated = safety_files.may_unmask(url, actor, f"lost:{lost_id}", reason)
    now = now or stored_now()
    with write_transaction(url) as session:
        row = _case(session, lost_id)
        if row["purged_at"] is not None:
            raise Refused("safety.case_closed", http=409)
        safety_files.grant(session, actor, f"lost:{lost_id}", stated, now)
        audit.record(session, actor, "safety.unmask", f"lost:{row['code']}", after={"reason": stated})
    return case(url, actor, lost_id, now)
