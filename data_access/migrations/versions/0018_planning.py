"""Multi-plan integration: plan layers with their zones, and the conflict patches found between them.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_layer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("title_en", sa.String(length=128), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("authority", sa.String(length=64), nullable=False),
        sa.Column("vintage", sa.String(length=64), nullable=False),
        sa.Column("legal_status", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("generated", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "plan_zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), sa.ForeignKey("plan_layer.id"), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("use", sa.String(length=32), nullable=False),
        sa.Column("far_max", sa.Float(), nullable=True),
        sa.Column("height_max", sa.Float(), nullable=True),
        sa.Column("green_min", sa.Float(), nullable=True),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_zone_layer_id", "plan_zone", ["layer_id"])
    op.create_table(
        "plan_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("left_layer", sa.String(length=32), nullable=False),
        sa.Column("left_code", sa.String(length=64), nullable=False),
        sa.Column("right_layer", sa.String(length=32), nullable=False),
        sa.Column("right_code", sa.String(length=64), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("assigned_to", sa.String(length=64), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=8), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_plan_conflict_status", "plan_conflict", ["status"])
    op.create_table(
        "plan_opinion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conflict_id", sa.Integer(), sa.ForeignKey("plan_conflict.id"), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("given_by", sa.String(length=128), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_opinion_conflict_id", "plan_opinion", ["conflict_id"])
    op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_key", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("zone_code", sa.String(length=32), nullable=False),
        sa.Column("conflict_id", sa.Integer(), sa.ForeignKey("plan_conflict.id"), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=128), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("plan_revision")
    op.drop_index("ix_plan_opinion_conflict_id", "plan_opinion")
    op.drop_table("plan_opinion")
    op.drop_index("ix_plan_conflict_status", "plan_conflict")
    op.drop_table("plan_conflict")
    op.drop_index("ix_plan_zone_layer_id", "plan_zone")
    op.drop_table("plan_zone")
    op.drop_table("plan_layer")
