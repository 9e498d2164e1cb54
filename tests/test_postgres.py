"""The same schema, loader and services on a real PostgreSQL, as production runs them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from cockpit.services import air, overview
from data_access.db import engine_for, transaction
from data_access.models import AirQualityHour, Base, Component
from data_access.schema import downgrade, table_names, upgrade
from sample_data.load import load_sample_city


def test_migrations_round_trip_and_match_models(postgres_url):
    upgrade(postgres_url)
    with engine_for(postgres_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    downgrade(postgres_url)
    assert table_names(postgres_url) <= {"alembic_version"}
    upgrade(postgres_url)


def test_sample_city_and_services_agree_with_sqlite(postgres_url, city_url):
    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    with transaction(postgres_url) as session:
        assert session.scalar(select(func.count()).select_from(AirQualityHour)) == 12 * 35064
        assert session.scalar(select(func.count()).select_from(Component)) == 2000
    assert overview.vital_signs(postgres_url).by_district == overview.vital_signs(city_url).by_district
    assert air.current_air(postgres_url)["city_aqi"] == air.current_air(city_url)["city_aqi"]
