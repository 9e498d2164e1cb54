"""Project pre-screening (策划生成) with its opinion requests, and where a conflict patch meets other plans.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("use", sa.String(length=32), nullable=False),
        sa.Column("floor_area_m2", sa.Float(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("conclusion", sa.String(length=16), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("concluded_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_screening_status", "plan_screening", ["status"])
    op.create_table(
        "plan_screening_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), sa.ForeignKey("plan_screening.id"), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=128), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_screening_request_screening_id", "plan_screening_request", ["screening_id"])
    with op.batch_alter_table("plan_conflict") as batch:
        batch.add_column(sa.Column("meets", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_conflict") as batch:
        batch.drop_column("meets")
    op.drop_index("ix_plan_screening_request_screening_id", "plan_screening_request")
    op.drop_table("plan_screening_request")
    op.drop_index("ix_plan_screening_status", "plan_screening")
    op.drop_table("plan_screening")
