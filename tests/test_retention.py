"""`cockpit retention` on the embedded SQLite default: old readings go, the kept months stay, one audit row."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fixtures.helpers import audit_actions, telemetry
from fixtures.servers import ROOT
from sqlalchemy import func, select

from cockpit.services.iot import ingestion, retention
from data_access.db import transaction
from data_access.models import Reading


def _count(url: str) -> int:
    with transaction(url) as session:
        return session.scalar(select(func.count()).select_from(Reading))


def test_month_arithmetic_crosses_years():
    assert retention.month_start(datetime(2026, 2, 14).date(), 13) == datetime(2025, 1, 1).date()
    assert retention.month_start(datetime(2026, 12, 31).date()) == datetime(2026, 12, 1).date()


def test_cockpit_retention_deletes_readings_older_than_the_kept_months(city_db):
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    device = "110108-manhole_tilt-00004"
    before = _count(city_db)
    fresh = [telemetry(device, seq, now - timedelta(seconds=30 - seq)) for seq in range(1, 11)]
    stale = [telemetry(device, 500 + k, now - timedelta(days=400 + k)) for k in range(4)]
    assert ingestion.ingest_mqtt(city_db, fresh + stale).stored == 14
    database = Path(city_db.removeprefix("sqlite:///"))
    env = os.environ | {"COCKPIT_DATABASE_URL": city_db, "COCKPIT_VAR_DIR": str(database.parent)}
    run = subprocess.run(
        [sys.executable, "-m", "cockpit.cli", "retention", "--months", "12"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "4 readings removed" in run.stdout
    assert _count(city_db) == before + 10
    assert set(audit_actions(city_db)[-2:]) == {"readings.retention", "safety.retention"}
