"""Generated grid workers for the sample city: the simulator plays their steps on cases the desk has
dispatched to them (accept, en route, on scene, handled with a generated photo), so the desk sees field
updates arrive as it would from real phones. The demo worker's own tasks are left to a person; every
generated step says so in its note and its photo carries the word GENERATED."""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.operations import field, photos
from cockpit.services.support import users
from data_access import field as tasks
from data_access.db import transaction

EVERY_S = 20.0  # real seconds between rounds
PER_ROUND = 3
NOTE = "模拟网格员操作 (generated)"
CHAIN = {None: "accept", "accepted": "en_route", "en_route": "on_scene", "on_scene": "handle"}


@cache
def _people(url: str) -> dict[str, str]:
    """Worker name -> username, without the demo worker left to a person."""
    return {name: username for username, name in users.demo_field_workers(url) if username != users.DEMO_FIELD}


def photo(lon: float, lat: float, when: datetime) -> bytes:
    """A plainly generated after-photo: a flat scene with GENERATED and the place written on it."""
    image = Image.new("RGB", (640, 480), (70, 110, 80))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(90, 90, 95))
    draw.text((24, 24), f"GENERATED  {lon:.5f}, {lat:.5f}  {when:%Y-%m-%d %H:%M}", fill=(255, 255, 255))
    body = io.BytesIO()
    image.save(body, "JPEG", quality=80)
    return body.getvalue()


def play(url: str, var_dir: Path, now: datetime) -> int:
    """One round: the next step of a few dispatched cases of generated workers; returns steps taken."""
    people = _people(url)
    with transaction(url) as session:
        open_cases = [c for name in people for c in tasks.assigned(session, name, ("dispatched",))]
    taken = 0
    for case in sorted(open_cases, key=lambda c: c["id"])[:PER_ROUND]:
        worker = case["assignee"]
        actor = Actor(people[worker], "field_worker")
        queue = {i["id"]: i for i in field.queue(url, worker, None, now)}
        step = CHAIN.get(queue[case["id"]]["step"]) if case["id"] in queue else None
        if step is None:
            continue
        here = field.Position(case["lon"], case["lat"])
        try:
            shot = (
                (photos.store(url, var_dir, actor, photo(here.lon, here.lat, now))["id"],) if step == "handle" else ()
            )
            field.act(url, actor, worker, case["id"], step, NOTE, here, shot, now)
        except Refused:
            continue  # the desk moved the case meanwhile
        taken += 1
    return taken
