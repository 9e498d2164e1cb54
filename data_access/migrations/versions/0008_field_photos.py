"""Photos taken in the field: stored by the cockpit, linked to the case (and step) they document.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=128), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("gps_lon", sa.Float(), nullable=True),
        sa.Column("gps_lat", sa.Float(), nullable=True),
        sa.Column("taken_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_photo_case_id", "photo", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_photo_case_id", table_name="photo")
    op.drop_table("photo")
