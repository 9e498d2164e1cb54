"""PostGIS on PostgreSQL: a geometry column (SRID 4326) with a GiST index beside every place, so spatial
queries run in the database. The columns are generated from the portable lon/lat and GeoJSON columns, so the
code that writes places is the same on both databases and SQLite stays as it was.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

POINT_TABLES = ("facility", "station", "device", "component", "incident", "resource", "event", "case_file")
SHAPE_TABLES = ("district", "street", "grid", "base_feature")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    for table in POINT_TABLES:
        op.execute(
            f'ALTER TABLE "{table}" ADD COLUMN geom geometry(Point, 4326) '
            "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
        )
        op.execute(f'CREATE INDEX ix_{table}_geom ON "{table}" USING gist (geom)')
    # every reading batch updates its devices' last-seen columns, none of them indexed: room on each page lets
    # PostgreSQL update in place (HOT) instead of adding an entry to every index, the GiST one included
    op.execute("ALTER TABLE device SET (fillfactor = 50)")
    # distances in metres (ST_DWithin on geography) use an index of their own
    op.execute("CREATE INDEX ix_resource_geog ON resource USING gist ((geom::geography))")
    for table in SHAPE_TABLES:
        op.execute(
            f'ALTER TABLE "{table}" ADD COLUMN geom geometry(Geometry, 4326) '
            "GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)) STORED"
        )
        op.execute(f'CREATE INDEX ix_{table}_geom ON "{table}" USING gist (geom)')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in (*POINT_TABLES, *SHAPE_TABLES):
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN geom')
    op.execute("ALTER TABLE device RESET (fillfactor)")
    op.execute("DROP EXTENSION IF EXISTS postgis")
