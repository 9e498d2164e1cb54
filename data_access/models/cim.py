"""The city information model's simulations and terrain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base


class Simulation(Base):
    """模拟推演: one run of a simulation (flood, evacuation) with its parameters, state and summary; the
    results are estimates and say their method."""

    __tablename__ = "simulation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # flood | evacuation
    params: Mapped[str] = mapped_column(Text)  # JSON
    status: Mapped[str] = mapped_column(String(16))  # running | done | failed
    summary: Mapped[str | None] = mapped_column(Text)  # JSON
    message: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class SimulationFrame(Base):
    """One moment of a simulation for the time slider: an image over the terrain (flood depth) or a state
    (evacuation progress) as JSON."""

    __tablename__ = "simulation_frame"
    simulation_id: Mapped[int] = mapped_column(ForeignKey("simulation.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    minute: Mapped[int] = mapped_column(Integer)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str | None] = mapped_column(Text)


class TerrainGrid(Base):
    """An imported elevation model (GeoTIFF or SRTM HGT) resampled onto the detail zone's terrain grid; the
    newest row is the terrain, and without one the terrain is generated."""

    __tablename__ = "terrain_grid"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)  # the file and its coordinate system
    west: Mapped[float] = mapped_column(Float)
    south: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    cell_m: Mapped[float] = mapped_column(Float)
    rows: Mapped[int] = mapped_column(Integer)
    cols: Mapped[int] = mapped_column(Integer)
    heights: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian, row 0 at the south edge
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
