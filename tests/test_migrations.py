from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from data_access.db import engine_for
from data_access.models import Base
from data_access.schema import downgrade, table_names, upgrade


def test_upgrade_creates_every_model_table(db_url):
    assert set(Base.metadata.tables) <= table_names(db_url)


def test_migrations_match_the_models(db_url):
    with engine_for(db_url).connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(db_url):
    downgrade(db_url)
    assert table_names(db_url) <= {"alembic_version"}
    upgrade(db_url)
    assert set(Base.metadata.tables) <= table_names(db_url)


def test_sqlite_runs_in_wal_mode(db_url):
    with engine_for(db_url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
