"""Sharing keys (a department's token with its quota, rate and scope) and applications for conditionally
shared datasets; the usage register indexed by reader and time, which the quota counts.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("applicant", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("share_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_application_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_share_application_status"), ["status"], unique=False)

    op.create_table(
        "share_key",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("daily_quota", sa.Integer(), nullable=False),
        sa.Column("per_minute", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
        ),
        sa.PrimaryKeyConstraint("token_id"),
    )
    with op.batch_alter_table("dataset_usage", schema=None) as batch_op:
        batch_op.create_index("ix_dataset_usage_actor_at", ["actor", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset_usage", schema=None) as batch_op:
        batch_op.drop_index("ix_dataset_usage_actor_at")

    op.drop_table("share_key")
    with op.batch_alter_table("share_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_application_status"))
        batch_op.drop_index(batch_op.f("ix_share_application_dataset_id"))

    op.drop_table("share_application")
