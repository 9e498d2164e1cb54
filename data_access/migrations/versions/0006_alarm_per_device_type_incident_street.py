"""One open alarm per device and alarm type (its severity moves in place, each move an alarm event with the
new severity); incidents carry the street that contains them.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'acknowledged')")
TYPE_OF_RULE = (
    "SELECT CASE rule.kind WHEN 'offline' THEN 'offline' WHEN 'rate' THEN rule.metric || '.rate' "
    "ELSE rule.metric END FROM rule WHERE rule.id = alarm.rule_id"
)


def upgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alarm_type", sa.String(length=48), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("active_rules", sa.Text(), nullable=False, server_default="[]"))
    op.execute(f"UPDATE alarm SET alarm_type = ({TYPE_OF_RULE}), active_rules = '[' || rule_id || ']'")
    # Several rules on one metric used to open one alarm each: keep the gravest open one per device and type.
    op.execute(
        "UPDATE alarm SET status = 'resolved', resolved_by = 'migration 0006' WHERE status IN ('new', 'acknowledged') "
        "AND EXISTS (SELECT 1 FROM alarm AS other WHERE other.device_id = alarm.device_id "
        "AND other.alarm_type = alarm.alarm_type AND other.status IN ('new', 'acknowledged') "
        "AND (other.severity < alarm.severity OR (other.severity = alarm.severity AND other.id < alarm.id)))"
    )
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.drop_index("uq_alarm_open_per_rule_device", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index(
            "uq_alarm_open_per_device_type",
            ["device_id", "alarm_type"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
    with op.batch_alter_table("alarm_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.Integer(), nullable=True))
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("street_code", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("street_code")
    with op.batch_alter_table("alarm_event", schema=None) as batch_op:
        batch_op.drop_column("severity")
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.drop_index("uq_alarm_open_per_device_type", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index(
            "uq_alarm_open_per_rule_device",
            ["rule_id", "device_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
        batch_op.drop_column("active_rules")
        batch_op.drop_column("alarm_type")
