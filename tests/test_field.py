"""The field worker's side (#20): their queue, their steps checked on the server, photos taken in with care,
problems reported from the field, and steps queued offline applied once."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta
from functools import cache

import pytest
from fixtures.db import TEST_ACTOR
from PIL import Image

from cockpit.actor import Actor
from cockpit.services.kernel.clock import stored_now
from cockpit.services.operations import field, operations, photo_clean, photos
from cockpit.services.operations.operations import CaseError, EventIn
from cockpit.services.support import audit, users
from data_access import emergency as emergency_store
from data_access.db import transaction as transaction_of
from data_access.db import write_transaction

DUTY = Actor("duty", "duty_officer")
VERIFIER = Actor("duty2", "duty_officer")


def jpeg(lon: float = 116.3205, lat: float = 39.9995, size: tuple[int, int] = (640, 480)) -> bytes:
    """A real JPEG as a phone writes it: GPS, time and the phone's make in its EXIF."""

    def dms(value: float) -> tuple[float, float, float]:
        d, rest = int(value), (value - int(value)) * 60
        return float(d), float(int(rest)), round((rest - int(rest)) * 60, 4)

    image = Image.new("RGB", size, (120, 80, 40))
    exif = Image.Exif()
    exif[271] = "PhoneMaker"
    exif[0x8769] = {36867: "2026:11:25 10:00:00"}
    exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    body = io.BytesIO()
    image.save(body, "JPEG", exif=exif)
    return body.getvalue()


@cache
def bomb() -> bytes:
    """A small, whole PNG that decodes to 100,000 × 100,000 one-bit pixels (1.25 GB), written row by row by hand:
    making it through Pillow would itself cost the gigabyte the photo check exists to refuse."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    side = 100_000
    packer = zlib.compressobj(9)
    row = bytes(1 + side // 8)  # filter byte and a row of black pixels
    block = row * 1000
    pixels = b"".join(packer.compress(block) for _ in range(side // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def dispatched_to(url: str, worker: str, category: str, event_id: str) -> dict:
    """A camera's event at the worker's post becomes a case, which the desk dispatches: to them, the nearest."""
    post = field.post_of(url, worker)
    now = stored_now()
    event = EventIn(event_id, "cam-test", category, 0.95, now, post.lon, post.lat)
    with write_transaction(url) as session:
        case_id = operations.ingest_events(session, url, [event], now)[0]
    case = operations.transition(url, DUTY, case_id, "dispatch")
    assert case["assignee"] == worker
    return case


@pytest.fixture
def task(city_db) -> tuple[str, str, dict]:
    """A case filed at the demo field worker's post and dispatched to them by the desk."""
    username, worker = users.demo_field_workers(city_db)[0]
    return username, worker, dispatched_to(city_db, worker, "exposed_garbage", "test-field-1")


def test_the_worker_sees_their_task_with_the_way_there(city_db, task):
    _, worker, case = task
    items = field.queue(city_db, worker, None)
    assert [i["id"] for i in items] == [case["id"]]
    first = items[0]
    assert first["next"] == ("accept", "hand_back") and first["distance_m"] < 5 and len(first["route"]) >= 2
    assert field.queue(city_db, "网格员 nobody", None) == []


def test_steps_from_the_field_and_the_desk_verifies_with_the_photo(city_db, task, tmp_path):
    username, worker, case = task
    actor = Actor(username, "field_worker")
    field.act(city_db, actor, worker, case["id"], "accept")
    far = field.act(city_db, actor, worker, case["id"], "on_scene", here=field.Position(116.40, 39.90))
    assert far["far"] and far["away_m"] > field.FAR_M  # flagged, not refused
    near = field.act(city_db, actor, worker, case["id"], "on_scene", here=field.Position(case["lon"], case["lat"]))
    assert not near["far"]
    with pytest.raises(CaseError, match="note"):
        field.act(city_db, actor, worker, case["id"], "handle", "cleared")  # a photo is needed
    photo = photos.store(city_db, tmp_path, actor, jpeg(case["lon"], case["lat"]))
    assert photo["gps_lon"] == pytest.approx(case["lon"], abs=1e-4) and photo["taken_at"] == "2026:11:25 10:00:00"
    stored = Image.open(photos.folder(tmp_path) / f"{photo['sha256']}.jpg")
    assert 271 not in stored.getexif() and 0x8825 not in stored.getexif()  # the phone's metadata is gone
    field.act(city_db, actor, worker, case["id"], "handle", "垃圾已清运", photo_ids=(photo["id"],))
    detail = operations.detail(city_db, case["id"])
    assert detail["status"] == "handled" and detail["photos"][0]["away_m"] < 20
    assert [s["status"] for s in detail["steps"]][-4:] == ["accepted", "on_scene", "on_scene", "handled"]
    done = operations.transition(city_db, VERIFIER, case["id"], "verify")
    assert done["status"] == "verified"
    assert {r["action"] for r in audit.rows(city_db, limit=20)} >= {"case.accept", "case.on_scene", "photo.upload"}


def test_only_the_assigned_worker_may_act_and_hand_back_needs_a_reason(city_db, task):
    username, worker, case = task
    other = Actor("gw-other", "field_worker")
    with pytest.raises(CaseError) as refused:
        field.act(city_db, other, "网格员 000000000000", case["id"], "accept")
    assert refused.value.http == 404
    actor = Actor(username, "field_worker")
    with pytest.raises(CaseError, match="why"):
        field.act(city_db, actor, worker, case["id"], "hand_back")
    back = field.act(city_db, actor, worker, case["id"], "hand_back", "需要市政部门处理")
    assert back["status"] == "filed" and back["assignee"] is None


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"%PDF-1.4 not a photo at all", "photo_not_image"),
        (b"", "photo_empty"),
        (b"\xff\xd8\xff" + b"0" * 100, "photo_not_image"),
        (b"x" * (photos.MAX_BYTES + 1), "photo_too_big"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(city_db, tmp_path, data, key):
    with pytest.raises(photos.PhotoError) as refused:
        photos.store(city_db, tmp_path, TEST_ACTOR, data)
    assert refused.value.key == key


def line_png(width: int, height: int) -> bytes:
    """A whole one-bit PNG of a line of pixels: few pixels in all, but a side no JPEG can hold."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = bytes(1 + -(-width // 8))
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(48_000_000, 1), (1, 48_000_000), (20_000, 2)])
def test_an_image_no_photo_is_shaped_like_is_refused(city_db, tmp_path, width, height):
    """N10 (c): a 48,000,000 × 1 px PNG passed the pixel count and broke the JPEG encoder (500)."""
    with pytest.raises(photos.PhotoError) as refused:
        photos.store(city_db, tmp_path, TEST_ACTOR, line_png(width, height))
    assert refused.value.key == "photo_bad_shape"


def test_the_kept_photo_has_no_comment_and_a_bounded_size(city_db, tmp_path):
    """N9: Pillow carried the JPEG comment into the re-encoded file; N4: a 48 MP original was kept whole."""
    image = Image.new("RGB", (6000, 4500), (90, 120, 60))
    body = io.BytesIO()
    image.save(body, "JPEG", comment=b"COMMENT-LEAK", quality=60)
    row = photos.store(city_db, tmp_path, TEST_ACTOR, body.getvalue())
    kept = (photos.folder(tmp_path) / f"{row['sha256']}.jpg").read_bytes()
    assert b"COMMENT-LEAK" not in kept and max(row["width"], row["height"]) == photo_clean.KEPT_PX
    assert "comment" not in Image.open(io.BytesIO(kept)).info


def test_a_decompression_bomb_costs_nothing(city_db, tmp_path):
    with pytest.raises(photos.PhotoError) as refused:
        photos.store(city_db, tmp_path, TEST_ACTOR, bomb())
    assert refused.value.key == "photo_too_many_pixels"


def test_a_problem_reported_from_the_field_becomes_a_case(city_db, tmp_path):
    username, worker = users.demo_field_workers(city_db)[1]
    actor = Actor(username, "field_worker")
    post = field.post_of(city_db, worker)
    photo = photos.store(city_db, tmp_path, actor, jpeg(post.lon, post.lat))
    case = field.report(city_db, actor, "k1", "piled_materials", post, "人行道堆物", (photo["id"],))
    assert case["category"] == "piled_materials" and case["status"] == "filed"
    again = field.report(city_db, actor, "k1", "piled_materials", post, "人行道堆物", ())
    assert again["id"] == case["id"]  # the same report sent twice is one event
    assert operations.detail(city_db, case["id"])["photos"][0]["id"] == photo["id"]
    assert stored_now() - timedelta(minutes=1) < case["filed_at"]


def test_generated_workers_play_their_steps_up_to_handled(city_db, tmp_path):
    from sample_data.live import field_sim

    username, worker = users.demo_field_workers(city_db)[2]
    case_id = dispatched_to(city_db, worker, "muck", "test-sim-worker")["id"]
    now = stored_now()
    for _ in range(4):
        field_sim.play(city_db, tmp_path, now)
    detail = operations.detail(city_db, case_id)
    assert detail["status"] == "handled" and len(detail["photos"]) == 1
    steps = [s for s in detail["steps"] if s["actor"] == username]
    assert [s["status"] for s in steps] == ["accepted", "en_route", "on_scene", "handled"]
    assert all(field_sim.NOTE in (s["note"] or "") for s in steps)


def test_a_crew_reports_its_stages_and_the_simulation_leaves_them(city_db):
    from cockpit.services.emergency import crew, emergency

    unit = crew.demo_unit(city_db)
    incident = emergency.report_incident(city_db, DUTY, "public_health", 3, 116.3205, 39.9995, "测试：急救")
    with transaction_of(city_db) as session:
        unit_id = next(r["id"] for r in emergency_store.resources(session) if r["name"] == unit)
    emergency.dispatch(city_db, DUTY, incident["id"], [unit_id])
    jobs = crew.assignments(city_db, unit)
    assert len(jobs) == 1 and jobs[0]["next"] == ("en_route",)
    actor = Actor(users.DEMO_CREW, "field_worker")
    with pytest.raises(emergency.DispatchError, match="next"):
        crew.report(city_db, actor, unit, jobs[0]["id"], "on_scene", None)
    crew.report(city_db, actor, unit, jobs[0]["id"], "en_route", None)
    emergency.advance(city_db, 1e6)  # the simulation would have finished it long ago: it does not touch it
    at_scene = crew.report(city_db, actor, unit, jobs[0]["id"], "on_scene", field.Position(116.3205, 39.9995))
    line = emergency.timeline(city_db, incident["id"])
    assert line["units"][0]["stage"] == "on_scene" and at_scene["on_scene_at"] is not None
    with pytest.raises(emergency.DispatchError) as refused:
        crew.report(city_db, Actor("gw1", "field_worker"), "某单位", jobs[0]["id"], "returning", None)
    assert refused.value.http == 404


def test_a_report_names_only_the_reporters_own_photos(city_db, tmp_path):
    """N11: 直报 took a photo id another worker uploaded and showed it as the reporter's evidence."""
    (first, worker), (second, _) = users.demo_field_workers(city_db)[:2]
    post = field.post_of(city_db, worker)
    theirs = photos.store(city_db, tmp_path, Actor(first, "field_worker"), jpeg(post.lon, post.lat))
    with pytest.raises(CaseError) as refused:
        field.report(city_db, Actor(second, "field_worker"), "n11", "exposed_garbage", post, "", (theirs["id"],))
    assert refused.value.key == "photo_unknown"
    mine = field.report(city_db, Actor(first, "field_worker"), "n11", "exposed_garbage", post, "", (theirs["id"],))
    again = field.report(city_db, Actor(first, "field_worker"), "n11", "exposed_garbage", post, "", (theirs["id"],))
    assert again["id"] == mine["id"]  # a retried report keeps its photo as evidence


def test_reports_without_a_key_are_each_their_own_case(city_db):
    """N12: without an Idempotency-Key every report of a worker fell into the first one's case."""
    username, worker = users.demo_field_workers(city_db)[0]
    actor, post = Actor(username, "field_worker"), field.post_of(city_db, worker)
    one = field.report(city_db, actor, "", "exposed_garbage", post, "", ())
    other = field.report(city_db, actor, "", "illegal_parking", field.Position(post.lon + 0.01, post.lat), "", ())
    assert one["id"] != other["id"] and other["category"] == "illegal_parking"


@pytest.mark.parametrize("where", [(0.0, 0.0), (121.47, 31.23), (float("nan"), 39.9)])
def test_a_position_outside_the_city_is_refused(city_db, task, where):
    """N13: a report or a step at (0, 0) put a case, or an ambulance, there on the desk's map."""
    username, worker, case = task
    actor, here = Actor(username, "field_worker"), field.Position(*where)
    for attempt in (
        lambda: field.report(city_db, actor, "n13", "exposed_garbage", here, "", ()),
        lambda: field.act(city_db, actor, worker, case["id"], "on_scene", here=here),
    ):
        with pytest.raises(CaseError) as refused:
            attempt()
        assert refused.value.key == "outside_city"


def test_a_field_worker_gets_the_city_map_but_not_the_device_register(client_as):
    """N14: /geo/devices.json gave a field worker every sensor and camera with its place."""
    worker = client_as("field_worker")
    assert worker.get("/geo/districts.json").status_code == 200
    assert worker.get("/geo/devices.json").status_code == 403
    assert client_as("duty_officer").get("/geo/devices.json").status_code == 200


def test_photo_uploads_are_limited_per_worker_per_minute(city_db, tmp_path):
    """N4: 40 uploads in 0.3 s were all taken; past the rate a worker waits, the others do not."""
    from cockpit.services.support import rate

    worker, other = Actor("gw-rate", "field_worker"), Actor("gw-rate-2", "field_worker")
    small = jpeg(size=(32, 32))
    now = stored_now()
    for _ in range(photos.UPLOADS_PER_MINUTE):
        rate.take(city_db, worker, "photo_upload", photos.UPLOADS_PER_MINUTE, now)
    with pytest.raises(rate.TooMany) as refused:
        photos.store(city_db, tmp_path, worker, small)
    assert refused.value.http == 429 and 1 <= refused.value.retry_after <= 60
    assert photos.store(city_db, tmp_path, other, small)["id"]


def test_the_pixels_are_handled_in_a_bounded_child_not_the_web_worker(city_db, tmp_path, monkeypatch):
    """N4: decoding a large photo on the worker's one thread froze the desk for seconds; the decode now runs in
    `python -m cockpit.services.operations.photo_clean` under CPU and memory limits."""
    from cockpit.services.kernel import child

    calls: list[tuple] = []
    real = child.run

    def watched(module: str, *arguments: str, limits: child.Limits, timeout: float = 60.0):
        calls.append((module, limits))
        return real(module, *arguments, limits=limits, timeout=timeout)

    monkeypatch.setattr(child, "run", watched)
    row = photos.store(city_db, tmp_path, TEST_ACTOR, jpeg())
    assert row["width"] == 640 and calls == [("cockpit.services.operations.photo_clean", photos.CLEANING)]
    assert not list(photos.folder(tmp_path).glob("tmp*"))  # the child's working files are gone
