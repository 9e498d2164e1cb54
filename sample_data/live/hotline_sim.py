"""The live hotline of the sample city: real messages (sample_data/hotline) come in as 12345 tickets.

`backfill` gives the city its last BACKFILL_DAYS days of tickets at `cockpit init`: each a real message, routed
by the router; placed in a street of Beijing and timed by the generator (labelled); handled after its own
real reply time (or one drawn from them); contacted after a log-normal delay; returned (退单) with the
probability the router gives to its being wrong; called back with satisfaction that drops when it was late.
`play` brings a new one every PLAY_EVERY_S seconds while the cockpit runs, and moves the simulated ones on
(one real reply day passes in one minute), leaving those a person took in to people."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import shapely
from shapely.geometry import Point

from cockpit.actor import Actor
from cockpit.profile import DEPARTMENTS
from cockpit.services.kernel.clock import stored_now
from cockpit.services.services import ticket_router, tickets
from data_access import cim
from data_access import services as store
from data_access.db import transaction, write_transaction
from sample_data.services import SOURCE, replayed, reply_days

BACKFILL_DAYS = 60
PER_DAY = 16
PLAY_EVERY_S = 150.0
DESK = Actor("sim:12345", "duty_officer")
HOT_STREETS = 8  # streets that draw a third of the calls, so hotspots exist


@dataclass
class Live:
    """What the live loop remembers between rounds."""

    last: float = -PLAY_EVERY_S
    served: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(12345))


def _streets(url: str) -> list[tuple[str, str, shapely.Geometry]]:
    with transaction(url) as session:
        return [
            (s["code"], s["district_adcode"], shapely.from_geojson(s["geometry"])) for s in cim.street_rows(session)
        ]


def _point(rng: random.Random, area: shapely.Geometry) -> tuple[float, float]:
    west, south, east, north = area.bounds
    for _ in range(50):
        p = Point(rng.uniform(west, east), rng.uniform(south, north))
        if area.contains(p):
            return round(p.x, 6), round(p.y, 6)
    c = area.representative_point()
    return round(c.x, 6), round(c.y, 6)


def _days(rng: random.Random, given: float | None) -> float:
    if given is not None:
        return given
    pool = reply_days()
    return pool[rng.randrange(len(pool))]


def backfill(url: str, seed: int, now: datetime | None = None) -> int:
    """The last BACKFILL_DAYS days of tickets, once; answers how many."""
    with transaction(url) as session:
        if store.ticket_count(session):
            return 0
    now = now or stored_now()
    rng = random.Random(seed + 12345)
    messages = list(replayed())
    rng.shuffle(messages)
    count = BACKFILL_DAYS * PER_DAY
    chosen = messages[:count]
    texts = [f"{title}。{detail}" for title, detail, _d in chosen]
    model = ticket_router.model()
    probabilities = model.predict_proba(texts)
    classes = list(model.classes_)
    streets = _streets(url)
    hot = rng.sample(streets, HOT_STREETS)
    with write_transaction(url) as session:
        for (title, _detail, days), text, p in zip(chosen, texts, probabilities, strict=True):
            street_code, district, area = rng.choice(hot) if rng.random() < 0.35 else rng.choice(streets)
            lon, lat = _point(rng, area)
            _one(session, rng, title, text, days, p, classes, (street_code, district, lon, lat), now)
    return count


def _one(
    session,
    rng: random.Random,
    title: str,
    text: str,
    days: float | None,
    p: np.ndarray,
    classes: list[str],
    place: tuple[str, str, float, float],
    now: datetime,
) -> None:
    created = now - timedelta(days=rng.uniform(0, BACKFILL_DAYS))
    best = int(np.argmax(p))
    category, confidence = classes[best], float(p[best])
    priority = 1 if tickets.URGENT.search(text) else 2
    handle = timedelta(days=_days(rng, days))
    contact = timedelta(hours=math.exp(rng.gauss(math.log(4), 1.0)))
    triaged = confidence < ticket_router.THRESHOLD
    returned = not triaged and rng.random() < 1 - confidence
    contacted_at = created + contact
    handled_at = created + handle
    finished = handled_at <= now
    late = handled_at > created + tickets.handle_time(priority, category)
    satisfaction = resolved = None
    if finished:
        resolved = rng.random() < (0.65 if late else 0.88)
        draw = rng.random()
        satisfaction = (
            "unsatisfied" if draw < (0.4 if late or not resolved else 0.08) else "basic" if draw < 0.35 else "satisfied"
        )
    status = "closed" if finished else "contacted" if contacted_at <= now else "dispatched"
    street_code, district, lon, lat = place
    row = store.add_ticket(
        session,
        {
            "code": "",
            "channel": rng.choice(("hotline", "hotline", "hotline", "website", "app")),
            "title": title[:60],
            "text": text,
            "caller_name": None,
            "caller_phone": None,
            "address": None,
            "lon": lon,
            "lat": lat,
            "district_adcode": district,
            "street_code": street_code,
            "category": category,
            "department": DEPARTMENTS[category],
            "confidence": round(confidence, 3),
            "routed_by": "person" if triaged or returned else "router",
            "status": status,
            "priority": priority,
            "item_code": None,
            "case_id": None,
            "merged_into": None,
            "created_at": created,
            "contact_due": created + timedelta(hours=tickets.CONTACT_HOURS[priority]),
            "handle_due": created + tickets.handle_time(priority, category),
            "contacted_at": contacted_at if contacted_at <= now else None,
            "handled_at": handled_at if finished else None,
            "closed_at": handled_at + timedelta(hours=6) if finished else None,
            "resolved": resolved,
            "satisfaction": satisfaction,
            "returns": int(returned),
            "reopened": 0,
            "generated": True,
            "source": f"real message replayed ({SOURCE}); place, time and steps generated from the real reply times",
        },
    )
    steps = [("received", created, None)]
    if returned:
        steps.append(("return", created + timedelta(hours=2), "非本部门职责（模拟）"))
    if contacted_at <= now:
        steps.append(("contact", contacted_at, None))
    if finished:
        steps += [("handle", handled_at, None), ("callback", handled_at + timedelta(hours=6), satisfaction)]
    for action, at, note in steps:
        store.add_event(
            session,
            {
                "ticket_id": row["id"],
                "at": at,
                "actor": DESK.name,
                "action": action,
                "department": DEPARTMENTS[category],
                "note": note,
            },
        )


def play(url: str, live: Live, elapsed: float, now: datetime | None = None) -> int:
    """A new ticket every PLAY_EVERY_S seconds; the simulated desk contacts, handles and calls back its own
    tickets on a compressed clock. Answers how many steps it took."""
    now = now or stored_now()
    steps = 0
    if elapsed - live.last >= PLAY_EVERY_S:
        live.last = elapsed
        messages = replayed()
        title, detail, _days_taken = messages[live.rng.randrange(len(messages))]
        _code, _district, area = live.rng.choice(_streets(url))
        lon, lat = _point(live.rng, area)
        tickets.intake(
            url,
            DESK,
            "hotline",
            f"{title}。{detail}",
            title=title,
            lon=lon,
            lat=lat,
            now=now,
            generated=True,
            source=f"live replay of a real message ({SOURCE}); place generated",
        )
        steps += 1
    for t in tickets.queue(url, ("dispatched", "contacted", "handled"), limit=50):
        if not t["generated"] or t["source"].startswith("real message replayed"):
            continue
        age = (now - t["created_at"]).total_seconds()
        action = {"dispatched": "contact", "contacted": "handle", "handled": "callback"}[t["status"]]
        wait = {"contact": 120, "handle": 60 * 11.2, "callback": 60}[action]
        if age < wait:
            continue
        tickets.transition(
            url,
            DESK,
            t["id"],
            action,
            resolved=True if action == "callback" else None,
            satisfaction="satisfied" if action == "callback" else None,
            now=now,
        )
        steps += 1
    return steps
