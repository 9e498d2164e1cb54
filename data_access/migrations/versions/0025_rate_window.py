"""Per-person request rates (ticket intake, photo uploads): one counter a minute for each kind and person.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_window",
        sa.Column("key", sa.String(length=160), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_window")
