"""Public safety: key areas and the cameras watching them, sightings (attributes, feature vectors, plates;
never images), person files, tags, the watch list, every search with its legal basis and case, lost-person
reports and time-limited unmask grants.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TABLES = (
    "unmask_grant",
    "lost_person",
    "safety_search",
    "watch_entry",
    "safety_tag",
    "sighting",
    "person_file",
    "camera_site",
    "key_area",
)


def upgrade() -> None:
    op.create_table(
        "key_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "lost_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("guardian_name", sa.String(length=64), nullable=True),
        sa.Column("guardian_phone", sa.String(length=32), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("person_file_id", sa.Integer(), nullable=True),
        sa.Column("confirmed", sa.Text(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_lost_person_status"), "lost_person", ["status"], unique=False)
    op.create_table(
        "person_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.Column("sightings", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_person_file_last_seen"), "person_file", ["last_seen"], unique=False)
    op.create_table(
        "safety_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("legal_basis", sa.String(length=32), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=True),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_safety_search_at"), "safety_search", ["at"], unique=False)
    op.create_index(op.f("ix_safety_search_officer"), "safety_search", ["officer"], unique=False)
    op.create_table(
        "safety_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_safety_tag_subject"), "safety_tag", ["subject"], unique=False)
    op.create_table(
        "unmask_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer", sa.String(length=128), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_unmask_grant_officer"), "unmask_grant", ["officer"], unique=False)
    op.create_table(
        "watch_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_watch_entry_subject"), "watch_entry", ["subject"], unique=False)
    op.create_table(
        "camera_site",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("key_area_id", sa.Integer(), nullable=True),
        sa.Column("sees", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
        ),
        sa.ForeignKeyConstraint(
            ["key_area_id"],
            ["key_area.id"],
        ),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_index(op.f("ix_camera_site_key_area_id"), "camera_site", ["key_area_id"], unique=False)
    op.create_table(
        "sighting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sighting_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=True),
        sa.Column("vehicle_type", sa.String(length=8), nullable=True),
        sa.Column("colour", sa.String(length=8), nullable=True),
        sa.Column("upper", sa.String(length=8), nullable=True),
        sa.Column("lower", sa.String(length=8), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("bag", sa.Boolean(), nullable=True),
        sa.Column("hat", sa.Boolean(), nullable=True),
        sa.Column("feature", sa.LargeBinary(), nullable=True),
        sa.Column("person_file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sighting_id"),
    )
    op.create_index("ix_sighting_device_ts", "sighting", ["device_id", "ts"], unique=False)
    for name, column in (("ix_sighting_file_ts", "person_file_id"), ("ix_sighting_plate_ts", "plate")):
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "sighting", [column, "ts"], sqlite_where=where, postgresql_where=where)
    op.create_index(op.f("ix_sighting_ts"), "sighting", ["ts"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
