"""Public safety without Dash: sightings parsed strictly and stored exactly once through the one ingestion path
(bad payloads and images quarantined with the reason), person files by feature vector, trajectories checked for
plausibility, the camera rules raising alarms, searches refused without a legal basis and case or for the wrong
role, time-limited unmask, the lost-person workflow from intake to purge, retention, the oversight report and a
GeoLife track replayed past the cameras."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import pytest
from fixtures.helpers import plate_search

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.iot import ingestion, rulebook
from cockpit.services.safety import (
    lost_persons,
    oversight,
    safety_cases,
    safety_files,
    safety_retention,
    safety_view,
    sightings,
    vision_alarms,
)
from cockpit.vocab import CROWDED_COLOUR, KEY_AREA_COLOURS
from data_access import iot
from data_access import safety as safety_store
from data_access.db import transaction
from data_access.ingest import FEATURE_DIM, Rejected, SightingIn, parse_mqtt
from sample_data.live import vision_sim

OFFICER = Actor("officer-a", "safety_officer")
SUPERVISOR = Actor("leader", "leader")


@pytest.fixture(autouse=True)
def _a_case_of_the_officers(request: pytest.FixtureRequest) -> None:
    """The register holds CASE, worked by OFFICER, in every private city a test searches."""
    if "city_db" in request.fixturenames:
        url = request.getfixturevalue("city_db")
        safety_cases.open_case(url, SUPERVISOR, CASE["case_no"], CASE["legal_basis"], "测试案件", [OFFICER.name])
LEADER = Actor("leader-a", "leader")
DUTY = Actor("duty-a", "duty_officer")
CASE = {"legal_basis": "criminal_case", "case_no": "A110108-2026-0007"}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _cameras(url: str) -> list[dict]:
    with transaction(url) as session:
        return safety_store.cameras(session)


def _person(camera: str, sid: str, at: datetime, feature: np.ndarray, **look) -> tuple[str, bytes]:
    attributes = {"upper": "red", "lower": "black", "age_band": "elderly", "bag": True, "hat": False} | look
    body = {
        "sighting_id": sid,
        "ts": at.isoformat() + "Z",
        "kind": "person",
        "confidence": 0.9,
        "attributes": attributes,
        "feature": [round(float(v), 5) for v in feature],
    }
    return f"city/vision/{camera}/sighting", orjson.dumps(body)


def _vehicle(camera: str, sid: str, at: datetime, plate: str) -> tuple[str, bytes]:
    body = {
        "sighting_id": sid,
        "ts": at.isoformat() + "Z",
        "kind": "vehicle",
        "confidence": 0.95,
        "plate": plate,
        "vehicle_type": "car",
        "colour": "black",
    }
    return f"city/vision/{camera}/sighting", orjson.dumps(body)


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=FEATURE_DIM)
    return v / np.linalg.norm(v)


def test_a_sighting_is_parsed_strictly_and_an_image_is_refused():
    now = _now()
    topic, payload = _person("cam-1", "s-1", now, _unit(1))
    parsed = parse_mqtt(topic, payload, now)
    assert isinstance(parsed, SightingIn) and parsed.age_band == "elderly" and len(parsed.feature) == 4 * FEATURE_DIM
    packed = orjson.loads(payload) | {"feature": base64.b64encode(_unit(1).astype("<f4").tobytes()).decode()}
    assert parse_mqtt(topic, orjson.dumps(packed), now).feature == _unit(1).astype("<f4").tobytes()
    body = orjson.loads(payload)
    bad = [
        body | {"image": "data:image/jpeg;base64,AAAA"},
        body | {"feature": [0.1] * 3},
        body | {"attributes": body["attributes"] | {"upper": "tartan"}},
        body | {"kind": "vehicle", "plate": "ABC"},
        body | {"confidence": 2},
    ]
    reasons = [parse_mqtt(topic, orjson.dumps(b), now) for b in bad]
    assert all(isinstance(r, Rejected) for r in reasons)
    assert "no image" in reasons[0].reason and "feature" in reasons[1].reason and "plate" in reasons[3].reason
    assert isinstance(parse_mqtt(topic, b"{not json", now), Rejected)


def test_sightings_are_stored_once_and_join_a_person_file_by_feature(city_db):
    cameras = [c["code"] for c in _cameras(city_db) if c["sees"] != "vehicle"][:3]
    now = _now() - timedelta(minutes=30)
    me, stranger = _unit(7), _unit(8)
    noise = np.random.default_rng(3)

    def near(v: np.ndarray) -> np.ndarray:
        w = v + noise.normal(0, 0.05, FEATURE_DIM)
        return w / np.linalg.norm(w)

    batch = [_person(cameras[i % 3], f"t-me-{i}", now + timedelta(minutes=4 * i), near(me)) for i in range(5)]
    batch.append(_person(cameras[0], "t-other", now, near(stranger), upper="blue"))
    batch.append(("city/vision/nope/sighting", batch[0][1].replace(b"t-me-0", b"t-unknown")))
    batch.append((batch[0][0], b'{"sighting_id": "x", "image": "AAAA"}'))
    wild = orjson.loads(batch[0][1]) | {"sighting_id": "t-wild", "feature": [5.0] * FEATURE_DIM}
    batch.append((batch[0][0], orjson.dumps(wild)))  # passes the fast parser; the batch check refuses it
    first = ingestion.ingest_mqtt(city_db, batch)
    assert first.sightings == 6 and len(first.quarantined) == 3
    sightings.forget(city_db)  # a new process reads the stored centroids back
    again = ingestion.ingest_mqtt(city_db, batch[:6])
    assert again.sightings == 0 and again.sighting_duplicates == 6
    with transaction(city_db) as session:
        rows = safety_store.sightings_where(session, since=now - timedelta(minutes=1), kind="person")
        mine = {r["person_file_id"] for r in rows if r["sighting_id"].startswith("t-me")}
        other = {r["person_file_id"] for r in rows if r["sighting_id"] == "t-other"}
        reasons = [q["reason"] for q in iot.quarantine_summary(session)["recent"]]
    assert len(mine) == 1 and other and other != mine
    assert any("unknown camera" in r for r in reasons) and any("no image" in r for r in reasons)
    assert any("feature values" in r for r in reasons)


def test_a_search_needs_a_legal_basis_and_a_case_and_the_right_role(city_db):
    body = {"kind": "vehicle", "plate": plate_search(city_db)}
    for missing in ({}, {"legal_basis": "criminal_case"}, {"case_no": "A110108-2026-0007"}):
        with pytest.raises(Refused) as refused:
            safety_files.search(city_db, OFFICER, body | missing)
        assert refused.value.key == "safety.no_basis"
    with pytest.raises(Refused) as refused:
        safety_files.search(city_db, OFFICER, body | CASE | {"legal_basis": "curiosity"})
    assert refused.value.key == "safety.bad_basis"
    with pytest.raises(Refused) as refused:
        safety_files.search(city_db, OFFICER, {"kind": "person", "upper": "red"} | CASE)
    assert refused.value.key == "safety.too_broad"
    for actor in (LEADER, DUTY):
        with pytest.raises(Refused) as refused:
            safety_files.search(city_db, actor, body | CASE)
        assert refused.value.http == 403
    found = safety_files.search(city_db, OFFICER, body | CASE)
    assert found["results"] and all("*" in r["label"] for r in found["results"])
    actions = [r["action"] for r in _audit(city_db)]
    assert actions.count("safety.search.refused") == 4 and "safety.search" in actions


def _audit(url: str) -> list[dict]:
    from cockpit.services.support import audit

    return audit.rows(url, limit=None)


def test_a_vehicle_trajectory_flags_an_impossible_hop_and_unmask_expires(city_db):
    cameras = _cameras(city_db)
    far = max(cameras, key=lambda c: abs(c["lat"] - cameras[0]["lat"]) + abs(c["lon"] - cameras[0]["lon"]))
    now = _now() - timedelta(minutes=20)
    plate = "京Q7T3K9"
    messages = [
        _vehicle(cameras[0]["code"], "v-1", now, plate),
        _vehicle(cameras[0]["code"], "v-2", now + timedelta(minutes=5), plate),
        _vehicle(far["code"], "v-3", now + timedelta(minutes=5, seconds=30), plate),  # kilometres in 30 s
    ]
    assert ingestion.ingest_mqtt(city_db, messages).sightings == 3
    found = safety_files.search(city_db, OFFICER, {"kind": "vehicle", "plate": plate} | CASE)
    assert [r["label"] for r in found["results"]] == ["京Q****9"]
    track = safety_files.trajectory(city_db, OFFICER, found["id"], 0)
    assert len(track["points"]) == 3 and track["impossible"] == 1
    assert track["hops"][0]["plausibility"] == 1.0 and track["hops"][1]["confidence"] == 0.0
    with pytest.raises(Refused):
        safety_files.trajectory(city_db, Actor("officer-b", "safety_officer"), found["id"], 0)  # not theirs
    with pytest.raises(Refused) as refused:
        safety_files.unmask(city_db, OFFICER, found["id"], 0, "看")
    assert refused.value.key == "safety.no_reason"
    assert safety_files.unmask(city_db, OFFICER, found["id"], 0, "核实车主身份")["label"] == plate
    again = safety_files.search(city_db, OFFICER, {"kind": "vehicle", "plate": plate} | CASE)
    assert again["results"][0]["label"] == plate
    later = _now() + timedelta(minutes=31)
    expired = safety_files.search(city_db, OFFICER, {"kind": "vehicle", "plate": plate} | CASE, now=later)
    assert expired["results"][0]["label"] == "京Q****9"  # the grant ran out after 30 minutes
    with pytest.raises(Refused) as refused:
        safety_files.unmask(city_db, LEADER, found["id"], 0, "核实车主身份")
    assert refused.value.http == 403


def test_a_watched_plate_a_crowd_and_loitering_raise_alarms(city_db):
    cameras = _cameras(city_db)
    now = _now()
    plate = "京B8K2M5"
    ingestion.ingest_mqtt(city_db, [_vehicle(cameras[0]["code"], "w-1", now - timedelta(minutes=30), plate)])
    found = safety_files.search(city_db, OFFICER, {"kind": "vehicle", "plate": plate} | CASE)
    safety_files.watch(city_db, OFFICER, found["id"], 0, "盗抢车辆布控", 3)
    area_cameras = [c for c in cameras if c["key_area_id"] is not None]
    area = area_cameras[0]["key_area_id"]
    crowd = [
        _person(c["code"], f"crowd-{i}", now - timedelta(minutes=3), _unit(1000 + i))
        for i, c in enumerate([c for c in area_cameras if c["key_area_id"] == area] * 300)
    ][:450]
    lingerer = _unit(99)
    linger = [
        _person(area_cameras[-1]["code"], f"linger-{i}", now - timedelta(minutes=30 - 4 * i), lingerer)
        for i in range(8)
    ]
    seen = [_vehicle(cameras[1]["code"], "w-2", now - timedelta(minutes=1), plate)]
    ingestion.ingest_mqtt(city_db, crowd + linger + seen)
    raised = vision_alarms.sweep(city_db, now)
    with transaction(city_db) as session:
        kinds = {
            a["alarm_type"] for a in iot.alarms(session, iot.OPEN, types=("watchlist", "crowd_ratio", "loiter_min"))
        }
    assert kinds == {"watchlist", "crowd_ratio", "loiter_min"} and len(raised.raised) >= 3
    alarm = next(a for a in summary_alarms(city_db) if a["alarm_type"] == "crowd_ratio")
    made = vision_alarms.to_incident(city_db, OFFICER, alarm["id"])
    assert made["type"] == "social_security" and made["status"] == "open"
    with pytest.raises(Refused):
        vision_alarms.to_incident(city_db, LEADER, alarm["id"])
    summary = safety_view.summary(city_db, LEADER, now)
    assert summary["kpis"]["alarms"] >= 3 and summary["areas"][0]["load"] > 1
    busiest = summary["areas"][0]
    assert busiest["crowded"] and busiest["shown"] == CROWDED_COLOUR
    with transaction(city_db) as session:  # the administrator raises the crowd rule's threshold past the load
        rule = next(r for r in iot.rules(session, scoped=False) if r["metric"] == "crowd_ratio")
    assert rulebook.update(city_db, Actor("admin", "admin"), rule["id"], {"threshold": busiest["load"] + 1}) == []
    calmer = safety_view.summary(city_db, LEADER, now)["areas"][0]
    assert not calmer["crowded"] and calmer["shown"] == KEY_AREA_COLOURS[calmer["kind"]]
    assert "plate" not in orjson.dumps(summary, default=str).decode()
    with pytest.raises(Refused):
        safety_view.summary(city_db, DUTY, now)


def summary_alarms(url: str) -> list[dict]:
    with transaction(url) as session:
        return iot.alarms(session, iot.OPEN, types=("watchlist", "crowd_ratio", "loiter_min"))


def test_an_officer_links_an_identity_to_a_person_file_under_a_case(city_db):
    cameras = [c for c in _cameras(city_db) if c["sees"] != "vehicle"]
    now = _now() - timedelta(minutes=10)
    me = _unit(31)
    ingestion.ingest_mqtt(
        city_db,
        [
            _person(cameras[0]["code"], f"id-{i}", now + timedelta(minutes=i), me, upper="white", lower="white")
            for i in range(3)
        ],
    )
    criteria = {"kind": "person", "upper": "white", "lower": "white", "age_band": "elderly", "hours": 1}
    found = safety_files.search(city_db, OFFICER, criteria | CASE)
    assert found["results"]
    assert safety_files.link_identity(city_db, OFFICER, found["id"], 0, "李国强") == "李**"
    again = safety_files.search(city_db, OFFICER, criteria | CASE)
    assert "李**" in again["results"][0]["tags"] and "李国强" not in orjson.dumps(again).decode()
    cars = safety_files.search(city_db, OFFICER, {"kind": "vehicle", "plate": plate_search(city_db)} | CASE)
    with pytest.raises(Refused):
        safety_files.link_identity(city_db, OFFICER, cars["id"], 0, "李国强")


def test_a_lost_person_is_found_from_intake_to_purge(city_db):
    cameras = [c for c in _cameras(city_db) if c["sees"] != "vehicle"]
    start = _now() - timedelta(minutes=50)
    origin = cameras[0]
    walker = _unit(4242)
    route = sorted(cameras[1:], key=lambda c: abs(c["lon"] - origin["lon"]) + abs(c["lat"] - origin["lat"]))[:4]
    walk = [
        _person(c["code"], f"lost-{i}", start + timedelta(minutes=8 * (i + 1)), walker) for i, c in enumerate(route)
    ]
    assert ingestion.ingest_mqtt(city_db, walk).sightings == 4
    body = {
        "case_no": "LP110108-0042",
        "upper": "red",
        "lower": "black",
        "age_band": "elderly",
        "bag": True,
        "lon": origin["lon"],
        "lat": origin["lat"],
        "minutes_ago": 50,
        "name": "张建国",
        "guardian_name": "王芳",
        "guardian_phone": "13800138000",
    }
    with pytest.raises(Refused):
        lost_persons.intake(city_db, OFFICER, body | {"case_no": None})
    with pytest.raises(Refused):
        lost_persons.intake(city_db, DUTY, body)
    case = lost_persons.intake(city_db, OFFICER, body)
    assert case["guardian_phone"] == "138****8000" and case["name"] == "张**"
    found = lost_persons.candidates(city_db, OFFICER, case["id"])
    assert found["cameras"] and found["candidates"]
    ours = next(c for c in found["candidates"] if c["sighting_id"] in _ids(city_db, "lost-"))
    assert ours["score"] >= 0.9
    lost_persons.confirm(city_db, OFFICER, case["id"], ours["sighting_id"])
    track = lost_persons.track(city_db, OFFICER, case["id"])
    assert len(track["points"]) == 4 and track["predicted"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    sent = lost_persons.dispatch(city_db, OFFICER, case["id"])
    assert sent["units"] >= 1
    with pytest.raises(Refused):
        lost_persons.close(city_db, OFFICER, case["id"])  # found first
    assert lost_persons.found(city_db, OFFICER, case["id"])["status"] == "found"
    assert lost_persons.unmask(city_db, OFFICER, case["id"], "联系监护人确认")["guardian_phone"] == "13800138000"
    lost_persons.close(city_db, OFFICER, case["id"])
    purged = safety_retention.run(city_db, Actor("cli:retention", "admin"), _now())
    assert purged.cases == 1
    after = lost_persons.case(city_db, OFFICER, case["id"])
    assert after["purged"] and after["guardian_phone"] is None and after["description"] is None
    with transaction(city_db) as session:
        logged = safety_store.searches(session, _now() - timedelta(hours=1), _now() + timedelta(minutes=1))
    assert all(s["criteria"] is None for s in logged if s["case_no"] == "LP110108-0042")
    report = oversight.report(city_db, LEADER, oversight.this_month())
    row = next(r for r in report["rows"] if r["officer"] == OFFICER.name)
    assert row["lost_person"] >= 1 and row["unmasks"] >= 1 and row["refused"] >= 0
    data, name = oversight.export(city_db, LEADER, oversight.this_month(), "csv", "zh", Path(city_db[10:]).parent)
    assert name.endswith(".csv") and OFFICER.name.encode() in data
    with pytest.raises(Refused):
        oversight.report(city_db, DUTY, oversight.this_month())


def _ids(url: str, prefix: str) -> set[int]:
    with transaction(url) as session:
        return {
            r["id"] for r in safety_store.sightings_where(session, kind="person") if r["sighting_id"].startswith(prefix)
        }


def test_retention_deletes_old_sightings_and_empty_person_files(city_db):
    cameras = [c for c in _cameras(city_db) if c["sees"] != "vehicle"]
    old = _now() - timedelta(days=40)
    ingestion.ingest(
        city_db,
        [parse_mqtt(*_person(cameras[0]["code"], "old-1", old, _unit(55)), now=_now())],
        "test",
    )
    assert _ids(city_db, "old-")
    purged = safety_retention.run(city_db, Actor("cli:retention", "admin"), _now())
    assert purged.sightings >= 1 and not _ids(city_db, "old-") and purged.person_files >= 1
    assert any(r["action"] == "safety.retention" for r in _audit(city_db))


def test_a_geolife_track_replays_past_the_cameras(city_db, tmp_path):
    camera = next(c for c in _cameras(city_db) if c["sees"] != "vehicle")
    header = "Geolife trajectory\nWGS 84\nAltitude is in Feet\nReserved 3\n0,2,255,My Track,0,0,2,8421376\n0\n"
    points = [
        (camera["lat"] - 0.004, camera["lon"], "08:00:00"),
        (camera["lat"] - 0.0001, camera["lon"], "08:03:00"),
        (camera["lat"] + 0.004, camera["lon"], "08:06:00"),
    ]
    lines = [f"{lat:.6f},{lon:.6f},0,150,39745.33,2008-10-24,{at}" for lat, lon, at in points]
    track = tmp_path / "20081024080000.plt"
    track.write_text(header + "\n".join(lines) + "\n")
    made = vision_sim.replay_track(city_db, track, Actor("cli:test", "admin"))
    assert made == {"points": 3, "sightings": 1, "cameras": 1}
    broken = tmp_path / "broken.plt"
    broken.write_text(header + "39.9,not-a-number,0,1,1,2008-10-24,08:00:00\n")
    with pytest.raises(Refused) as refused:
        vision_sim.replay_track(city_db, broken, Actor("cli:test", "admin"))
    assert refused.value.key == "safety.bad_plt"


def test_the_simulator_walks_and_drives_past_cameras(city_db):
    sim = vision_sim.VisionSim(city_db, 5, persons=40, vehicles=30)
    start = _now() - timedelta(minutes=40)
    sim.messages(start)
    out = []
    for step in range(1, 9):
        out += sim.messages(start + timedelta(minutes=5 * step))
    parsed = [parse_mqtt(t, p, _now()) for t, p in out]
    assert out and not [p for p in parsed if isinstance(p, Rejected)]
    kinds = {p.kind for p in parsed}
    assert kinds == {"person", "vehicle"}
    sightings.forget(city_db)


@pytest.mark.parametrize("plate", ["*", "京*", "?*", "*******", " 京* ", "??"])
def test_a_plate_of_wildcards_is_too_broad(city_db, plate):
    """N7: a plate that names no issuing city reached every vehicle file; with type and colour it narrows."""
    with pytest.raises(Refused) as refused:
        safety_files.search(city_db, OFFICER, {"kind": "vehicle", "plate": plate} | CASE)
    assert refused.value.key == "safety.too_broad"
    narrowed = {"kind": "vehicle", "plate": plate, "vehicle_type": "car", "colour": "white"}
    assert "results" in safety_files.search(city_db, OFFICER, narrowed | CASE)
