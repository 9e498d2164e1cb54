"""The live city's state for the header and the IoT page: simulated clock and device status counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cockpit.services.kernel.clock import stored_now
from data_access import iot, support
from data_access.db import transaction

STALE_AFTER = timedelta(seconds=15)


def status(url: str, now: datetime | None = None) -> dict[str, Any]:
    now = now or stored_now()
    with transaction(url) as session:
        meta = support.read_meta(session)
        devices = iot.device_status_counts(session)
        quarantined = iot.quarantine_summary(session, recent=0)["total"]
    seen = meta.get("sim_seen")
    running = bool(seen) and now - datetime.fromisoformat(seen) < STALE_AFTER
    return {
        "sim_clock": meta.get("sim_clock") if running else None,
        "sim_rate": meta.get("sim_rate") if running else None,
        "devices": devices,
        "quarantined": quarantined,
    }
