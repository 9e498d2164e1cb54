"""The flood model (内涝模型): rain on a terrain grid, water moving cell to cell downhill, drained by the pipes.

A cellular model after the weighted cellular automata of Guidolin et al. (2016, WCA2D), kept simple enough to
check by hand: each step, every cell passes water to its four neighbours whose water surface (ground + depth)
lies lower, in proportion to the drops, never more than half its largest drop (so surfaces do not cross) and
never faster than a Manning flow with the local depth and slope allows, and at most one cell a step: the caps
keep it stable at any step, so the step is a fixed 30 s. Rain is added and the drainage
capacity (the pipes, in mm/h) removed from every cell each step; green cells also soak water away. Mass is
kept exactly: what leaves one cell enters another, or leaves the grid at an open edge and is counted.
Checked in tests/test_flood.py against the analytic case: a closed basin fills to volume ÷ area."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MANNING_N = 0.035  # an urban surface of roads, paving and lawn
STEP_S = 30.0  # water moves at most one cell a step (0.33 m/s at 10 m cells), slower where Manning says so
DRY_M = 1e-4  # shallower water does not move


@dataclass(frozen=True)
class Run:
    frames: list[np.ndarray]  # depth (m, float32) at the end of each frame interval
    frame_minutes: list[int]
    max_depth: np.ndarray
    rain_m3: float
    drained_m3: float
    soaked_m3: float
    outflow_m3: float
    stored_m3: float
    steps: int


def _flows(ground: np.ndarray, depth: np.ndarray, cell_m: float, dt: float, open_edges: bool) -> np.ndarray:
    """Depth each cell sends to its (north, south, east, west) neighbour in one step of dt seconds."""
    surface = ground + depth
    if open_edges:  # beyond the grid the ground keeps falling at the edge's own slope: water can leave
        padded = np.pad(surface, 1, mode="edge")
        padded[0, :] -= 1.0
        padded[-1, :] -= 1.0
        padded[:, 0] -= 1.0
        padded[:, -1] -= 1.0
    else:  # a wall all round
        padded = np.pad(surface, 1, mode="constant", constant_values=np.inf)
    centre = padded[1:-1, 1:-1]
    drops = [
        np.maximum(centre - padded[2:, 1:-1], 0),  # to the next row
        np.maximum(centre - padded[:-2, 1:-1], 0),  # to the previous row
        np.maximum(centre - padded[1:-1, 2:], 0),  # to the next column
        np.maximum(centre - padded[1:-1, :-2], 0),  # to the previous column
    ]
    if not open_edges:
        for drop in drops:
            drop[~np.isfinite(drop)] = 0
    total = drops[0] + drops[1] + drops[2] + drops[3]
    largest = np.maximum(np.maximum(drops[0], drops[1]), np.maximum(drops[2], drops[3]))
    # Manning: v = h^(2/3) sqrt(S) / n; over dt a cell can pass at most v*dt/cell of its depth through a side
    velocity = np.cbrt(depth * depth) * np.sqrt(largest / cell_m) / MANNING_N
    moving = np.minimum(velocity * (dt / cell_m), 1.0) * depth
    out = np.minimum(np.minimum(depth, largest / 2), moving)
    out[depth <= DRY_M] = 0
    factor = np.divide(out, total, out=np.zeros_like(out), where=total > 0)
    return np.stack([drop * factor for drop in drops])


def run(
    ground: np.ndarray,
    cell_m: float,
    rain_mm_h: list[float],
    drainage_mm_h: float,
    *,
    slot_minutes: int = 60,
    frame_minutes: int = 15,
    soak_mm_h: np.ndarray | None = None,
    open_edges: bool = True,
    extra_minutes: int = 0,
) -> Run:
    """Rain of `rain_mm_h` (one intensity per `slot_minutes` minutes) on `ground` (m), then
    `extra_minutes` without rain for the water to settle."""
    ground = ground.astype(np.float32)
    depth = np.zeros_like(ground)
    area = cell_m * cell_m
    soak = np.zeros_like(ground) if soak_mm_h is None else soak_mm_h.astype(np.float32)
    total_s = len(rain_mm_h) * slot_minutes * 60 + extra_minutes * 60
    frames, frame_at, max_depth = [], [], np.zeros_like(ground)
    rain_m3 = drained_m3 = soaked_m3 = outflow_m3 = 0.0
    elapsed, next_frame, steps = 0.0, frame_minutes * 60.0, 0
    while elapsed < total_s - 1e-9:
        dt = min(STEP_S, total_s - elapsed, next_frame - elapsed)
        slot = int(elapsed // (slot_minutes * 60))
        rate = rain_mm_h[slot] if slot < len(rain_mm_h) else 0.0
        fallen = rate / 1000 / 3600 * dt
        depth += fallen
        rain_m3 += fallen * area * depth.size
        flows = _flows(ground, depth, cell_m, dt, open_edges)
        sent = flows.sum(axis=0)
        received = _received(flows)
        if open_edges:
            outflow_m3 += float((sent.sum(dtype=np.float64) - received.sum(dtype=np.float64)) * area)
        depth += received - sent
        drained = np.minimum(depth, drainage_mm_h / 1000 / 3600 * dt)
        depth -= drained
        drained_m3 += float(drained.sum(dtype=np.float64) * area)
        soaked = np.minimum(depth, soak / 1000 / 3600 * dt)
        depth -= soaked
        soaked_m3 += float(soaked.sum(dtype=np.float64) * area)
        np.maximum(max_depth, depth, out=max_depth)
        elapsed += dt
        steps += 1
        if elapsed >= next_frame - 1e-6:
            frames.append(depth.astype(np.float32))
            frame_at.append(round(elapsed / 60))
            next_frame += frame_minutes * 60.0
    return Run(
        frames,
        frame_at,
        max_depth.astype(np.float32),
        rain_m3,
        drained_m3,
        soaked_m3,
        outflow_m3,
        float(depth.sum(dtype=np.float64) * area),
        steps,
    )


def _received(flows: np.ndarray) -> np.ndarray:
    """What each cell receives: its neighbours' flows towards it (flows leaving the grid arrive nowhere)."""
    received = np.zeros(flows.shape[1:], dtype=flows.dtype)
    received[1:, :] += flows[0, :-1, :]  # from the previous row, sent "to the next row"
    received[:-1, :] += flows[1, 1:, :]  # from the next row, sent "to the previous row"
    received[:, 1:] += flows[2, :, :-1]  # from the previous column, sent "to the next column"
    received[:, :-1] += flows[3, :, 1:]  # from the next column, sent "to the previous column"
    return received
