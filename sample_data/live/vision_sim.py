"""What the cameras' video analytics would report, generated: people walk and vehicles drive between places
on the real road network (networkx shortest paths, walking pace by age, road speeds by class), and each camera
they pass within SEEN_M reports a sighting — attributes and a feature vector for a person (never an image), a
plate, type and colour for a vehicle — on city/vision/{camera}/sighting, the same bytes a real analytics box
would publish. Now and then a crowd gathers at a key area, or someone lingers by one camera. GeoLife .plt files
(real GPS tracks, user-supplied) replay past the cameras the same way."""

from __future__ import annotations

import base64
import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import orjson

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.iot import ingestion
from cockpit.services.kernel import routing
from cockpit.services.kernel.clock import stored_now
from data_access import safety as safety_store
from data_access.db import transaction
from data_access.ingest import AGE_BANDS, CLOTHING_COLOURS, FEATURE_DIM, VEHICLE_COLOURS, VEHICLE_TYPES

SEEN_M = 35.0  # a camera sees what passes this close
DETECTED = 0.85  # the share of passes the analytics catches
PACE_KMH = {"child": 3.5, "young": 5.2, "adult": 4.8, "elderly": 3.2}
FEATURE_NOISE = 0.05  # per dimension: the same person's vectors agree at cosine ≈ 0.96
PLATE_LETTERS = "ABCDEFGHJKLMNPQY"
PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CROWD_EVERY = (1800, 3600)  # seconds between crowds at some key area
LINGER_EVERY = (600, 1800)
PAUSE_S = (120, 1800)  # between one trip and the next
VISITORS = 1500


def plate(rng: random.Random) -> str:
    return "京" + rng.choice(PLATE_LETTERS) + "".join(rng.choice(PLATE_CHARS) for _ in range(5))


def person_vector(rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(size=FEATURE_DIM)
    return v / np.linalg.norm(v)


@dataclass
class Agent:
    kind: str
    key: str
    node: tuple[float, float]
    speed_factor: float
    look: dict[str, Any] = field(default_factory=dict)
    feature: np.ndarray | None = None


@dataclass(frozen=True)
class Camera:
    code: str
    lon: float
    lat: float
    sees: str
    key_area_id: int | None


class Reporter:
    """Writes a sighting's payload as the analytics box would: a person's look (now and then misread) and a
    noisy copy of their feature vector, or a vehicle's plate, type and colour."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.serial = itertools.count(1)

    def body(self, agent: Agent, at: datetime, look: dict | None = None) -> bytes:
        r = self.random
        body: dict[str, Any] = {
            "sighting_id": f"s{at:%y%m%d%H%M%S}{next(self.serial):07d}{r.randrange(16**4):04x}",
            "ts": at.isoformat(timespec="milliseconds") + "Z",
            "kind": agent.kind,
            "confidence": round(min(0.99, max(0.5, r.gauss(0.86, 0.06))), 2),
        }
        if agent.kind == "vehicle":
            return orjson.dumps(body | agent.look)
        attributes = dict(look or agent.look)
        if r.random() < 0.05:
            attributes["upper"] = r.choice(CLOTHING_COLOURS)
        base = agent.feature if agent.feature is not None else person_vector(self.np)
        noisy = base + self.np.normal(0, FEATURE_NOISE, FEATURE_DIM)
        noisy = np.clip(noisy / np.linalg.norm(noisy), -1, 1).astype("<f4")
        feature = base64.b64encode(noisy.tobytes()).decode()  # float32 in base64, as analytics boxes ship it
        return orjson.dumps(body | {"attributes": attributes, "feature": feature})


class VisionSim:
    def __init__(self, url: str, seed: int, persons: int = 240, vehicles: int = 160) -> None:
        self.url = url
        self.random = random.Random(seed)
        self.np = np.random.default_rng(seed)
        with transaction(url) as session:
            rows = safety_store.cameras(session)
        self.cameras = [Camera(r["code"], r["lon"], r["lat"], r["sees"], r["key_area_id"]) for r in rows]
        self.walk = routing.network(url, "walk")
        self.drive = routing.network(url, "drive")
        self.seen_walk = self._watched(self.walk, ("person", "both"))
        self.seen_drive = self._watched(self.drive, ("vehicle", "both"))
        self.heap: list[tuple[datetime, int, str, bytes]] = []
        self.order = itertools.count()
        self.reporter = Reporter(seed)
        self.agents = [self._person(i) for i in range(persons)] + [self._vehicle(i) for i in range(vehicles)]
        self.visitors = [self._person(persons + i) for i in range(VISITORS)]  # who makes up a crowd
        self.next_trip: list[datetime] = []
        self.next_crowd = self.next_linger = datetime.min

    def _watched(self, net: routing.RoadNetwork, sees: tuple[str, ...]) -> dict[tuple[float, float], Camera]:
        """Every network node some camera sees, and that camera."""
        out: dict[tuple[float, float], Camera] = {}
        if not net.nodes:
            return out
        for camera in (c for c in self.cameras if c.sees in sees):
            for i in np.flatnonzero(routing.squared_metres(net.coords, camera.lon, camera.lat) <= SEEN_M * SEEN_M):
                out.setdefault(net.nodes[i], camera)
        return out

    def _start(self, net: routing.RoadNetwork, watched: dict) -> tuple[float, float]:
        pool = list(watched) if watched and self.random.random() < 0.6 else net.nodes
        return self.random.choice(pool)

    def _person(self, i: int) -> Agent:
        r = self.random
        band = r.choices(AGE_BANDS, weights=(1, 3, 5, 2))[0]
        look = {
            "upper": r.choice(CLOTHING_COLOURS),
            "lower": r.choice(CLOTHING_COLOURS[:4]),
            "age_band": band,
            "bag": r.random() < 0.4,
            "hat": r.random() < 0.15,
        }
        feature = person_vector(self.np)
        return Agent(
            "person", f"p{i}", self._start(self.walk, self.seen_walk), PACE_KMH[band] / routing.WALK_KMH, look, feature
        )

    def _vehicle(self, i: int) -> Agent:
        r = self.random
        look = {"plate": plate(r), "vehicle_type": r.choices(VEHICLE_TYPES, weights=(10, 5, 2, 1, 1))[0]}
        look["colour"] = r.choice(VEHICLE_COLOURS)
        return Agent("vehicle", f"v{i}", self._start(self.drive, self.seen_drive), r.uniform(0.8, 1.1), look)

    def _trip(self, index: int, start: datetime) -> None:
        """Plan one trip from where the agent is to somewhere a camera watches (or anywhere), and queue every
        camera pass on the way; the next trip starts after a pause at the destination."""
        agent = self.agents[index]
        net, watched = (self.walk, self.seen_walk) if agent.kind == "person" else (self.drive, self.seen_drive)
        target = self._start(net, watched)
        try:
            path = nx.bidirectional_dijkstra(net.graph, agent.node, target, weight="seconds")[1]
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            agent.node = self._start(net, watched)
            self.next_trip[index] = start + timedelta(seconds=60)
            return
        elapsed = 0.0
        last: Camera | None = None
        for a, b in itertools.pairwise([path[0], *path]):
            if a != b:
                elapsed += net.graph[a][b]["seconds"] / agent.speed_factor
            camera = watched.get(b)
            if camera is not None and camera is not last and self.random.random() < DETECTED:
                self._queue(agent, camera, start + timedelta(seconds=elapsed))
            last = camera or last
        agent.node = target
        self.next_trip[index] = start + timedelta(seconds=elapsed + self.random.uniform(*PAUSE_S))

    def _queue(self, agent: Agent, camera: Camera, at: datetime, look: dict | None = None) -> None:
        heapq.heappush(self.heap, (at, next(self.order), camera.code, self.reporter.body(agent, at, look)))

    def _crowd(self, at: datetime) -> None:
        """A crowd at one key area: visitors (a pool of people seen now and then) at its cameras over eight
        minutes."""
        by_area: dict[int, list[Camera]] = {}
        for camera in self.cameras:
            if camera.key_area_id is not None:
                by_area.setdefault(camera.key_area_id, []).append(camera)
        if not by_area:
            return
        cameras = by_area[self.random.choice(sorted(by_area))]
        for visitor in self.random.sample(self.visitors, self.random.randint(450, 650)):
            self._queue(visitor, self.random.choice(cameras), at + timedelta(seconds=self.random.uniform(0, 480)))

    def _linger(self, at: datetime) -> None:
        """One of the walkers stays by one camera for half an hour, seen every few minutes."""
        people = [a for a in self.agents if a.kind == "person"]
        seen = [c for c in self.cameras if c.sees != "vehicle"]
        if not people or not seen:
            return
        agent, camera = self.random.choice(people), self.random.choice(seen)
        for minute in range(0, 32, 4):
            self._queue(agent, camera, at + timedelta(minutes=minute, seconds=self.random.uniform(0, 60)))

    def messages(self, now: datetime) -> list[tuple[str, bytes]]:
        """Every sighting due up to `now`; trips, crowds and lingering are planned as the clock reaches them.
        The first call starts the city at `now` (a backfill starts it in the past and steps forward)."""
        r = self.random
        if not self.next_trip:
            self.next_trip = [now + timedelta(seconds=r.uniform(0, 600)) for _ in self.agents]
            self.next_crowd = now + timedelta(seconds=r.uniform(60, CROWD_EVERY[0]))
            self.next_linger = now + timedelta(seconds=r.uniform(60, LINGER_EVERY[0]))
        for i in range(len(self.agents)):
            while self.next_trip[i] <= now:
                self._trip(i, self.next_trip[i])
        while self.next_crowd <= now:
            self._crowd(self.next_crowd)
            self.next_crowd += timedelta(seconds=r.uniform(*CROWD_EVERY))
        while self.next_linger <= now:
            self._linger(self.next_linger)
            self.next_linger += timedelta(seconds=r.uniform(*LINGER_EVERY))
        out = []
        while self.heap and self.heap[0][0] <= now:
            _, _, code, body = heapq.heappop(self.heap)
            out.append((f"city/vision/{code}/sighting", body))
        return out


def read_plt(path: Path) -> list[tuple[float, float, datetime]]:
    """A GeoLife trajectory file: six header lines, then latitude, longitude, 0, altitude (feet), days since
    1899-12-30, date, time per line."""
    try:
        lines = path.read_text(encoding="utf-8", errors="strict").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise Refused("safety.bad_plt", line=0, reason=str(error)[:80]) from error
    points = []
    for number, line in enumerate(lines[6:], start=7):
        parts = line.strip().split(",")
        if not line.strip():
            continue
        try:
            lat, lon = float(parts[0]), float(parts[1])
            at = datetime.fromisoformat(f"{parts[5]}T{parts[6]}")
        except (IndexError, ValueError) as error:
            raise Refused("safety.bad_plt", line=number, reason=str(error)[:80]) from error
        if not (3 <= lat <= 54 and 73 <= lon <= 136):
            raise Refused("safety.bad_plt", line=number, reason="outside China")
        points.append((lon, lat, at))
    if len(points) < 2:
        raise Refused("safety.bad_plt", line=len(lines), reason="fewer than two points")
    return points


def replay_plt(url: str, path: Path, end: datetime, seed: int = 1) -> list[tuple[str, bytes]]:
    """A real track as the cameras would have seen it, shifted in time to end at `end`: one person, one
    feature vector, a sighting at each camera the track passes within SEEN_M (once per visit)."""
    points = read_plt(path)
    shift = end - points[-1][2]
    with transaction(url) as session:
        cameras = [c for c in safety_store.cameras(session) if c["sees"] != "vehicle"]
    if not cameras:
        return []
    reporter = Reporter(seed)
    walker = Agent("person", path.stem, points[0][:2], 1.0, {}, person_vector(reporter.np))
    walker.look = {"upper": "blue", "lower": "black", "age_band": "adult", "bag": True, "hat": False}
    at_camera: str | None = None
    out = []
    coords = np.array([(c["lon"], c["lat"]) for c in cameras])
    for lon, lat, at in points:
        d2 = routing.squared_metres(coords, lon, lat)
        i = int(d2.argmin())
        near = cameras[i]["code"] if d2[i] <= SEEN_M * SEEN_M else None
        if near is not None and near != at_camera:
            out.append((f"city/vision/{near}/sighting", reporter.body(walker, at + shift)))
        at_camera = near
    return out


BACKFILL = timedelta(hours=2)
BACKFILL_STEP = timedelta(minutes=5)


def backfill(url: str, seed: int, now: datetime) -> int:
    """The last two hours of sightings through the one ingestion path, so a fresh install's safety page has
    files, tracks and areas to show (none when the last two hours have some already); returns how many."""
    with transaction(url) as session:
        if sum(safety_store.counts_since(session, now - BACKFILL).values()):
            return 0
    sim = VisionSim(url, seed)
    at = now - BACKFILL
    sim.messages(at)
    stored = 0
    while at < now:
        at = min(now, at + BACKFILL_STEP)
        stored += ingestion.ingest_mqtt(url, sim.messages(at), source="sim").sightings
    return stored


def replay_track(url: str, path: Path, actor: Actor) -> dict[str, int]:
    """`cockpit import FILE.plt`: a GeoLife track replayed past the cameras through the one ingestion path."""
    messages = replay_plt(url, path, stored_now())
    report = ingestion.ingest(url, ingestion.parse_batch(messages, stored_now()), "import", actor)
    cameras = {topic.split("/")[2] for topic, _ in messages}
    return {"points": len(read_plt(path)), "sightings": report.sightings, "cameras": len(cameras)}
