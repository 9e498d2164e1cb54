"""PostGIS: GiST indexes on the places in CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4547), the plane
Beijing's surveys use, so distance queries in metres (buffer, nearest, coverage) are answered from an index
and agree with the embedded engine, which measures in the same plane.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("base_feature", "facility")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f'CREATE INDEX ix_{table}_geom_4547 ON "{table}" USING gist (ST_Transform(geom, 4547))')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_geom_4547")
