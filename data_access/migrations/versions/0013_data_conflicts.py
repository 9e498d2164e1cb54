"""Data conflicts (数据打架): two departments' values about one entity, both kept, with the ticket that
decides which stands.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comparison", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("attribute", sa.String(length=128), nullable=False),
        sa.Column("left_dataset_id", sa.Integer(), nullable=False),
        sa.Column("right_dataset_id", sa.Integer(), nullable=False),
        sa.Column("left_key", sa.String(length=128), nullable=False),
        sa.Column("right_key", sa.String(length=128), nullable=False),
        sa.Column("left_value", sa.Text(), nullable=True),
        sa.Column("right_value", sa.Text(), nullable=True),
        sa.Column("measure", sa.Float(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("entity", sa.String(length=200), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("proposed", sa.String(length=8), nullable=True),
        sa.Column("winner", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["left_dataset_id"],
            ["dataset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["right_dataset_id"],
            ["dataset.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "comparison", "kind", "attribute", "left_key", "right_key", name="uq_data_conflict_subject"
        ),
    )
    with op.batch_alter_table("data_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_conflict_comparison"), ["comparison"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_conflict_left_dataset_id"), ["left_dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_conflict_right_dataset_id"), ["right_dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_conflict_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_conflict_status"))
        batch_op.drop_index(batch_op.f("ix_data_conflict_right_dataset_id"))
        batch_op.drop_index(batch_op.f("ix_data_conflict_left_dataset_id"))
        batch_op.drop_index(batch_op.f("ix_data_conflict_comparison"))

    op.drop_table("data_conflict")
