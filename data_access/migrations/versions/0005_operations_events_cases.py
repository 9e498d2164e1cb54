"""City operations: camera and component events, cases on SLA clocks, and their timelines.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("key_event", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("assignee", sa.String(length=128), nullable=True),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("stage_due", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("key_event"),
    )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_file_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_file_status"), ["status"], unique=False)

    op.create_table(
        "case_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("photo", sa.String(length=256), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_step_case_id"), ["case_id"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_type"), ["type"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_type"))
        batch_op.drop_index(batch_op.f("ix_event_case_id"))

    op.drop_table("event")
    with op.batch_alter_table("case_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_step_case_id"))

    op.drop_table("case_step")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_status"))
        batch_op.drop_index(batch_op.f("ix_case_file_category"))

    op.drop_table("case_file")
