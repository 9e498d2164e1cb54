"""Alembic environment: the URL comes from the caller's Config, never from a file."""

from alembic import context

from data_access.db import engine_for
from data_access.models import Base
from data_access.schema import include_object

config = context.config
url = config.get_main_option("sqlalchemy.url")

with engine_for(url).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object(connection.dialect.name),
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":  # instances starting together migrate one at a time
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(20261126)")
        context.run_migrations()
