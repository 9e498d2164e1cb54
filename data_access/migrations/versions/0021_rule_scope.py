"""A rule may hold for one device only: a building's design values override the standard's defaults for the
sensors on it.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rule") as batch:
        batch.add_column(sa.Column("device_code", sa.String(length=64), nullable=True))
        batch.create_index("ix_rule_device_code", ["device_code"])


def downgrade() -> None:
    with op.batch_alter_table("rule") as batch:
        batch.drop_index("ix_rule_device_code")
        batch.drop_column("device_code")
