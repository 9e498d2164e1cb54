"""Industry development: enterprises (listed and generated) with their annual financials, districts' monthly
economic indicators, investment-attraction approaches and the review of zombie flags.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

MONEY = ("revenue", "operating_profit", "total_profit", "net_profit", "total_assets", "fixed_assets", "roe_pct", "bps")


def upgrade() -> None:
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=32), nullable=False),
        sa.Column("province", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=32), nullable=False),
        sa.Column("is_beijing", sa.Boolean(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("district_adcode", sa.String(length=6), nullable=True),
        sa.Column("park", sa.String(length=32), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("employees", sa.Float(), nullable=True),
        sa.Column("reg_capital_wan", sa.Float(), nullable=True),
        sa.Column("main_business", sa.Text(), nullable=False),
        sa.Column("list_date", sa.String(length=10), nullable=True),
        sa.Column("power_index", sa.Float(), nullable=True),
        sa.Column("generated", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_enterprise_industry", "enterprise", ["industry"])
    op.create_index("ix_enterprise_is_beijing", "enterprise", ["is_beijing"])
    op.create_index("ix_enterprise_district_adcode", "enterprise", ["district_adcode"])
    op.create_table(
        "enterprise_financial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in (*MONEY, "eps")),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "year"),
    )
    op.create_index("ix_enterprise_financial_code", "enterprise_financial", ["code"])
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("district_adcode", sa.String(length=6), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "district_adcode", "month"),
    )
    op.create_table(
        "industry_lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("node", "code"),
    )
    op.create_table(
        "zombie_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )


def downgrade() -> None:
    op.drop_table("zombie_review")
    op.drop_table("industry_lead")
    op.drop_table("indicator")
    op.drop_index("ix_enterprise_financial_code", "enterprise_financial")
    op.drop_table("enterprise_financial")
    op.drop_index("ix_enterprise_district_adcode", "enterprise")
    op.drop_index("ix_enterprise_is_beijing", "enterprise")
    op.drop_index("ix_enterprise_industry", "enterprise")
    op.drop_table("enterprise")
