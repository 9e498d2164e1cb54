"""Schema changes go through Alembic so an existing install upgrades in place."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from data_access.db import engine_for

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PARTITION = re.compile(r"reading_(\d{6}|default)")
POSTGRES_KEYS = ("uq_reading_device_seq", "uq_reading_device_seq_ts")  # partitioned readings (0011)


def include_object(dialect: str) -> Callable[..., bool]:
    """Alembic's include_object for comparing the models with a database: what migrations make on PostgreSQL
    alone (PostGIS's table, the generated geometry columns and their indexes, the monthly partitions of
    readings and their key with ts in it) is not in the portable models, so the comparison leaves it out."""

    def include(_obj: Any, name: str | None, _type: str, reflected: bool, compare_to: Any) -> bool:
        name = name or ""
        if dialect == "postgresql" and name in POSTGRES_KEYS:
            return False
        if not reflected or compare_to is not None:
            return True
        return not (
            name in ("spatial_ref_sys", "geom")
            or name.endswith(("_geom", "_geog", "_geom_4547"))
            or PARTITION.fullmatch(name)
        )

    return include


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
    engine_for(url).dispose()  # pooled connections cache PostGIS's operator lookups; a migration may recreate it


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
    engine_for(url).dispose()


def table_names(url: str) -> set[str]:
    return set(inspect(engine_for(url)).get_table_names())
