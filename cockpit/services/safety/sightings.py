"""Sightings into storage, exactly once, and each person sighting into a person file (一人一档) by its feature
vector: it joins the file whose centroid it is most like (cosine similarity at least SAME_PERSON), or starts a
new one. No identity is involved; an officer may link one later. The files' centroids are kept in memory per
process and read incrementally (only files newer than the last seen), so a batch costs one matrix product.
Only files seen in the last RECENT take part: someone seen again after a day starts a new file, which keeps
the matrix the size of a day's people, not of the retention period's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import orjson
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from data_access import safety as safety_store
from data_access.ingest import FEATURE_DIM, Rejected, SightingIn

SAME_PERSON = 0.80  # cosine similarity at which a sighting joins a file (two strangers' vectors: ~0 ± 0.18)
RECENT = timedelta(hours=24)
STORE_EVERY = timedelta(hours=1)


@dataclass
class _Files:
    ids: list[int] = field(default_factory=list)
    index: dict[int, int] = field(default_factory=dict)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, FEATURE_DIM), dtype=np.float32))
    counts: list[int] = field(default_factory=list)
    seen: list[datetime] = field(default_factory=list)
    stored: list[datetime] = field(default_factory=list)  # each file's last sighting as its row says
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


def _files(session: Session, url: str, now: datetime) -> _Files:
    files = _cache.setdefault(url, _Files())
    cutoff = now - RECENT
    if files.seen and min(files.seen) < cutoff - timedelta(hours=1):  # an hour's slack: pruned now and then
        keep = [i for i, seen in enumerate(files.seen) if seen >= cutoff]
        files.ids = [files.ids[i] for i in keep]
        files.counts = [files.counts[i] for i in keep]
        files.seen = [files.seen[i] for i in keep]
        files.stored = [files.stored[i] for i in keep]
        files.matrix = files.matrix[keep]
        files.index = {file_id: i for i, file_id in enumerate(files.ids)}
    new = safety_store.person_files_after(session, files.last_id, cutoff)
    if new:
        files.index |= {r[0]: len(files.ids) + i for i, r in enumerate(new)}
        files.ids += [r[0] for r in new]
        files.counts += [r[2] for r in new]
        files.seen += [r[3] for r in new]
        files.stored += [r[3] for r in new]
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
    files = _files(session, url, now)
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
    found = _assign(session, files, people)
    rejected += found.rejected
    features, assigned = found.features, found.files
    rows = [
        (
            s.sighting_id,
            cameras[s.camera_code],
            s.ts,
            s.kind,
            s.confidence,
            s.plate,
            s.vehicle_type,
            s.colour,
            s.upper,
            s.lower,
            s.age_band,
            s.bag,
            s.hat,
            features.get(s.sighting_id),
            assigned.get(s.sighting_id),
        )
        for s in new
        if s.kind == "vehicle" or s.sighting_id in assigned
    ]
    safety_store.insert_sightings(session, rows)

    def commit() -> None:
        for file_id, (centroid, count) in found.centroids.items():
            i = files.index[file_id]
            seen = found.latest[file_id]
            files.matrix[i], files.counts[i], files.seen[i] = centroid, count, max(files.seen[i], seen)
            if file_id in found.written:
                files.stored[i] = max(files.stored[i], seen)

    return Stored(len(rows), len(items) - len(rejected) - len(rows), rejected, commit)


@dataclass
class _Assignment:
    files: dict[str, int] = field(default_factory=dict)  # sighting id -> person file id
    centroids: dict[int, tuple[np.ndarray, int]] = field(default_factory=dict)  # known files' new centroid, count
    latest: dict[int, datetime] = field(default_factory=dict)  # known files' newest sighting in the batch
    written: set[int] = field(default_factory=set)  # known files whose row was rewritten
    features: dict[str, bytes] = field(default_factory=dict)  # each sighting's unit vector as stored
    rejected: list[Rejected] = field(default_factory=list)  # a vector out of range, not finite, or all zeros


def _assign(session: Session, files: _Files, people: list[SightingIn]) -> _Assignment:
    """Each person sighting to a file: the best known file above the threshold, else a file made in this batch,
    else a new file. Returns sighting id -> file id and the known files' new centroids and counts (new files
    reach the process's copy when it next reads the files), and each sighting's unit feature vector as stored.
    The known files' part is whole-array numpy."""
    if not people:
        return _Assignment()
    raw = np.frombuffer(b"".join(s.feature or b"" for s in people), dtype="<f4").reshape(-1, FEATURE_DIM)
    norms = np.linalg.norm(raw, axis=1)
    valid = np.isfinite(raw).all(axis=1) & (np.abs(raw).max(axis=1) <= 1.0) & (norms >= 1e-3)
    refused = [
        Rejected("feature values must be numbers from -1 to 1, not all zero", people[i].sighting_id)
        for i in np.flatnonzero(~valid).tolist()
    ]
    if not valid.all():
        people = [s for s, ok in zip(people, valid.tolist(), strict=True) if ok]
        raw, norms = raw[valid], norms[valid]
    if not people:
        return _Assignment(rejected=refused)
    vectors = (raw / norms[:, None]).astype(np.float32)
    best = np.full(len(people), -1)
    if files.ids:
        with threadpool_limits(1, "blas"):  # a small product: a second BLAS thread only spins against SQLite
            similarity = vectors @ files.matrix.T
        top = similarity.argmax(axis=1)
        best = np.where(similarity[np.arange(len(people)), top] >= SAME_PERSON, top, -1)
    known = np.flatnonzero(best >= 0)
    rows, slot = np.unique(best[known], return_inverse=True)
    counts = np.asarray(files.counts, dtype=np.int64)[rows] if len(rows) else np.zeros(0, np.int64)
    sums = files.matrix[rows] * counts[:, None] if len(rows) else np.zeros((0, FEATURE_DIM), np.float32)
    np.add.at(sums, slot, vectors[known])
    added = np.bincount(slot, minlength=len(rows))
    sums = (sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)).astype(np.float32)
    centroids = {files.ids[r]: (sums[k], int(counts[k] + added[k])) for k, r in enumerate(rows)}
    ids = files.ids
    assigned = {people[i].sighting_id: ids[b] for i, b in zip(known.tolist(), best[known].tolist(), strict=True)}
    made = _leaders(vectors, np.flatnonzero(best < 0))
    new_ids = safety_store.add_person_files(
        session,
        [
            {
                "centroid": vector(tuple(vectors[members].mean(axis=0))).tobytes(),
                "sightings": len(members),
                "first_seen": min(people[m].ts for m in members),
                "last_seen": max(people[m].ts for m in members),
                "attributes": _attributes(people[members[-1]]),
                "identity": None,
            }
            for members in made
        ],
    )
    for file_id, members in zip(new_ids, made, strict=True):
        assigned |= {people[m].sighting_id: file_id for m in members}
    latest: dict[int, datetime] = {}
    for i, b in zip(known.tolist(), best[known].tolist(), strict=True):
        file_id, ts = ids[b], people[i].ts
        latest[file_id] = max(latest.get(file_id, ts), ts)
    written = {f for f, (_, count) in centroids.items() if _worth_writing(files, f, count, latest[f])}
    safety_store.update_person_files(
        session,
        [
            {"file": f, "centroid": centroids[f][0].tobytes(), "sightings": centroids[f][1], "last_seen": latest[f]}
            for f in written
        ],
    )
    features = {s.sighting_id: vectors[i].tobytes() for i, s in enumerate(people)}
    return _Assignment(assigned, centroids, latest, written, features, refused)


def _worth_writing(files: _Files, file_id: int, count: int, seen: datetime) -> bool:
    """A file's row is rewritten when its count reaches a power of two (the centroid has moved enough to keep)
    or its stored last sighting is an hour behind; the process's copy follows every sighting."""
    i = files.index[file_id]
    return count & (count - 1) == 0 or seen - files.stored[i] >= STORE_EVERY


def _leaders(vectors: np.ndarray, unknown: np.ndarray) -> list[list[int]]:
    """The sightings no known file claims, clustered among themselves: in order, each one not yet taken leads
    a new file and takes every later one at least SAME_PERSON like it (one row of a similarity matrix each)."""
    if not len(unknown):
        return []
    similar = (vectors[unknown] @ vectors[unknown].T) >= SAME_PERSON
    free = np.ones(len(unknown), dtype=bool)
    groups = []
    for k in range(len(unknown)):
        if free[k]:
            members = np.flatnonzero(similar[k] & free)
            free[members] = False
            groups.append(unknown[members].tolist())
    return groups


def _attributes(s: SightingIn) -> str:
    return orjson.dumps(
        {"upper": s.upper, "lower": s.lower, "age_band": s.age_band, "bag": s.bag, "hat": s.hat}
    ).decode()
