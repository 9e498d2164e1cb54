"""Sightings into storage, exactly once, and each person sighting into a person file (一人一档) by its feature
vector: it joins the file whose centroid it is most like (cosine similarity at least SAME_PERSON), or starts a
new one. No identity is involved; an officer may link one later. The files' centroids are kept in memory per
process and read incrementally (only files newer than the last seen), so a batch costs one matrix product."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import orjson
from sqlalchemy.orm import Session

from data_access import safety as safety_store
from data_access.ingest import FEATURE_DIM, Rejected, SightingIn

SAME_PERSON = 0.80  # cosine similarity at which a sighting joins a file (two strangers' vectors: ~0 ± 0.18)


@dataclass
class _Files:
    ids: list[int] = field(default_factory=list)
    index: dict[int, int] = field(default_factory=dict)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, FEATURE_DIM), dtype=np.float32))
    counts: list[int] = field(default_factory=list)
    last_id: int = 0
    cameras: dict[str, int] = field(default_factory=dict)


_cache: dict[str, _Files] = {}


def vector(values: tuple[float, ...] | bytes) -> np.ndarray:
    """A unit float32 vector from the wire's numbers or the stored bytes."""
    v = np.frombuffer(values, dtype=np.float32) if isinstance(values, bytes) else np.asarray(values, np.float32)
    return v / max(float(np.linalg.norm(v)), 1e-9)


def forget(url: str) -> None:
    """Drop the process's copy of the files (a re-init, a retention run that deleted some)."""
    _cache.pop(url, None)


def _files(session: Session, url: str) -> _Files:
    files = _cache.setdefault(url, _Files())
    new = safety_store.person_files_after(session, files.last_id)
    if new:
        files.index |= {r[0]: len(files.ids) + i for i, r in enumerate(new)}
        files.ids += [r[0] for r in new]
        files.counts += [r[2] for r in new]
        files.matrix = np.vstack([files.matrix, np.stack([vector(r[1]) for r in new])])
        files.last_id = new[-1][0]
    return files


def _camera_ids(session: Session, files: _Files, codes: set[str]) -> dict[str, int]:
    if not codes <= files.cameras.keys():
        files.cameras = {c["code"]: c["id"] for c in safety_store.cameras(session)}
    return files.cameras


@dataclass
class Stored:
    stored: int
    duplicates: int
    rejected: list[Rejected]
    commit: Callable[[], None]  # call after the transaction commits: the process's centroids follow


def store(session: Session, url: str, items: list[SightingIn], now: datetime) -> Stored:
    """In the caller's write transaction."""
    files = _files(session, url)
    cameras = _camera_ids(session, files, {s.camera_code for s in items})
    rejected = [
        Rejected(f"unknown camera {s.camera_code!r}", s.sighting_id) for s in items if s.camera_code not in cameras
    ]
    known = [s for s in items if s.camera_code in cameras]
    already = safety_store.stored_sighting_ids(session, [s.sighting_id for s in known])
    fresh: dict[str, SightingIn] = {}
    for s in known:
        if s.sighting_id not in already and s.sighting_id not in fresh:
            fresh[s.sighting_id] = s
    new = list(fresh.values())
    people = [s for s in new if s.kind == "person"]
    assigned, updates = _assign(session, files, people)
    rows = [
        {
            "sighting_id": s.sighting_id,
            "device_id": cameras[s.camera_code],
            "ts": s.ts,
            "kind": s.kind,
            "confidence": s.confidence,
            "plate": s.plate,
            "vehicle_type": s.vehicle_type,
            "colour": s.colour,
            "upper": s.upper,
            "lower": s.lower,
            "age_band": s.age_band,
            "bag": s.bag,
            "hat": s.hat,
            "feature": vector(s.feature).tobytes() if s.feature else None,
            "person_file_id": assigned.get(s.sighting_id),
        }
        for s in new
    ]
    safety_store.insert_sightings(session, rows)

    def commit() -> None:
        for file_id, (centroid, count) in updates.items():
            files.matrix[files.index[file_id]] = centroid
            files.counts[files.index[file_id]] = count

    return Stored(len(new), len(items) - len(rejected) - len(new), rejected, commit)


def _assign(
    session: Session, files: _Files, people: list[SightingIn]
) -> tuple[dict[str, int], dict[int, tuple[np.ndarray, int]]]:
    """Each person sighting to a file: the best known file above the threshold, else a file made in this batch,
    else a new file. Returns sighting id -> file id and the known files' new centroids and counts (new files
    reach the process's copy when it next reads the files)."""
    if not people:
        return {}, {}
    vectors = np.stack([vector(s.feature or ()) for s in people])
    best = np.full(len(people), -1)
    if files.ids:
        similarity = vectors @ files.matrix.T
        top = similarity.argmax(axis=1)
        best = np.where(similarity[np.arange(len(people)), top] >= SAME_PERSON, top, -1)
    centroids: dict[int, tuple[np.ndarray, int]] = {}
    made: list[tuple[np.ndarray, list[int]]] = []  # this batch's new files: centroid, indexes of its sightings
    for i in range(len(people)):
        if best[i] >= 0:
            file_id = files.ids[best[i]]
            centroid, count = centroids.get(file_id, (files.matrix[best[i]], files.counts[best[i]]))
            centroids[file_id] = (vector(tuple(centroid * count + vectors[i])), count + 1)
            continue
        match = next((m for m in made if float(vectors[i] @ m[0]) >= SAME_PERSON), None)
        if match is None:
            made.append((vectors[i], [i]))
        else:
            match[1].append(i)
    assigned = {people[i].sighting_id: files.ids[best[i]] for i in range(len(people)) if best[i] >= 0}
    for _, members in made:
        file_id = safety_store.add_person_file(
            session,
            {
                "centroid": vector(tuple(vectors[members].mean(axis=0))).tobytes(),
                "sightings": len(members),
                "first_seen": min(people[m].ts for m in members),
                "last_seen": max(people[m].ts for m in members),
                "attributes": _attributes(people[members[-1]]),
                "identity": None,
            },
        )
        assigned |= {people[m].sighting_id: file_id for m in members}
    latest: dict[int, SightingIn] = {}
    for s in people:
        file_id = assigned[s.sighting_id]
        if file_id in centroids and (file_id not in latest or s.ts > latest[file_id].ts):
            latest[file_id] = s
    safety_store.update_person_files(
        session,
        [
            {
                "id": file_id,
                "centroid": centroid.tobytes(),
                "sightings": count,
                "last_seen": latest[file_id].ts,
                "attributes": _attributes(latest[file_id]),
            }
            for file_id, (centroid, count) in centroids.items()
        ],
    )
    return assigned, centroids


def _attributes(s: SightingIn) -> str:
    return orjson.dumps(
        {"upper": s.upper, "lower": s.lower, "age_band": s.age_band, "bag": s.bag, "hat": s.hat}
    ).decode()
