"""The public-safety case register: cases opened by a supervisor and the officers assigned to each, so a
search's case number names a real case of the officer's own.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_no", sa.String(length=32), nullable=False, unique=True),
        sa.Column("legal_basis", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("opened_by", sa.String(length=128), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("generated", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "safety_case_officer",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("safety_case.id"), primary_key=True),
        sa.Column("officer", sa.String(length=128), primary_key=True),
        sa.Column("assigned_by", sa.String(length=128), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("safety_case_officer")
    op.drop_table("safety_case")
