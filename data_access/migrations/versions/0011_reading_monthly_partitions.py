"""Readings on PostgreSQL in monthly partitions (by ts), so `cockpit retention` drops a month at a time
instead of deleting row by row, and a month's queries read one partition. A default partition catches any
reading outside the months made so far: nothing is refused for its date. SQLite keeps one table.

PostgreSQL requires the partition key in every unique constraint, so there the key that makes storage
exactly-once is (device, seq, ts): a redelivered message carries the same ts and is still stored once.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = 'id, device_id, seq, ts, "values", received_at'


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE reading RENAME TO reading_plain")
    op.execute("ALTER TABLE reading_plain RENAME CONSTRAINT reading_pkey TO reading_plain_pkey")
    op.execute("ALTER TABLE reading_plain RENAME CONSTRAINT uq_reading_device_seq TO uq_reading_plain")
    op.execute(
        "CREATE TABLE reading ("
        "id integer NOT NULL DEFAULT nextval('reading_id_seq'::regclass), "
        "device_id integer NOT NULL REFERENCES device (id), seq integer NOT NULL, ts timestamp NOT NULL, "
        '"values" text NOT NULL, received_at timestamp NOT NULL, '
        "CONSTRAINT reading_pkey PRIMARY KEY (id, ts), "
        "CONSTRAINT uq_reading_device_seq_ts UNIQUE (device_id, seq, ts)"
        ") PARTITION BY RANGE (ts)"
    )
    op.execute("CREATE TABLE reading_default PARTITION OF reading DEFAULT")
    op.execute(
        """
        DO $$
        DECLARE m date;
        BEGIN
          FOR m IN SELECT generate_series(
              date_trunc('month', coalesce((SELECT min(ts) FROM reading_plain), now())),
              date_trunc('month', now()) + interval '3 months', interval '1 month')::date
          LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF reading FOR VALUES FROM (%L) TO (%L)',
                           'reading_' || to_char(m, 'YYYYMM'), m, (m + interval '1 month')::date);
          END LOOP;
        END $$
        """
    )
    op.execute(f"INSERT INTO reading ({COLUMNS}) SELECT {COLUMNS} FROM reading_plain")
    op.execute("ALTER SEQUENCE reading_id_seq OWNED BY reading.id")
    op.execute("DROP TABLE reading_plain")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE reading RENAME TO reading_parts")
    op.execute("ALTER TABLE reading_parts RENAME CONSTRAINT reading_pkey TO reading_parts_pkey")
    op.execute(
        "CREATE TABLE reading ("
        "id integer NOT NULL DEFAULT nextval('reading_id_seq'::regclass), "
        "device_id integer NOT NULL REFERENCES device (id), seq integer NOT NULL, ts timestamp NOT NULL, "
        '"values" text NOT NULL, received_at timestamp NOT NULL, '
        "CONSTRAINT reading_pkey PRIMARY KEY (id), CONSTRAINT uq_reading_device_seq UNIQUE (device_id, seq))"
    )
    op.execute(f"INSERT INTO reading ({COLUMNS}) SELECT {COLUMNS} FROM reading_parts ON CONFLICT DO NOTHING")
    op.execute("ALTER SEQUENCE reading_id_seq OWNED BY reading.id")
    op.execute("DROP TABLE reading_parts")
