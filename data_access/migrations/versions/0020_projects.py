"""Construction projects from approval to operation, with their schedules (tasks, links, baseline, actuals).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("stage_dates", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("contractor", sa.String(length=200), nullable=False),
        sa.Column("budget_wan", sa.Float(), nullable=False),
        sa.Column("spent_wan", sa.Float(), nullable=False),
        sa.Column("street_code", sa.String(length=16), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("design", sa.Text(), nullable=False),
        sa.Column("plan_code", sa.String(length=64), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("baseline_at", sa.DateTime(), nullable=True),
        sa.Column("generated", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_project_stage", "project", ["stage"])
    op.create_table(
        "project_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("project.id"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("duration_days", sa.Float(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("baseline_start", sa.Float(), nullable=True),
        sa.Column("baseline_finish", sa.Float(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_finish", sa.Date(), nullable=True),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "code"),
    )
    op.create_index("ix_project_task_project_id", "project_task", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_project_task_project_id", "project_task")
    op.drop_table("project_task")
    op.drop_index("ix_project_stage", "project")
    op.drop_table("project")
