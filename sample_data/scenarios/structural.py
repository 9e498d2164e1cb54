"""The sample city's structural scenario: its generated rows loaded once, labelled, audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import orjson
import shapely

from cockpit.actor import Actor
from cockpit.services.construction.structural import LOADED_ON, OBSERVED_AT, TYPES
from cockpit.services.iot import ingestion
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from cockpit.vocab import STRUCTURE_TYPES
from data_access import monitoring as store
from data_access import projects as project_store
from data_access import support
from data_access.db import transaction, write_transaction
from data_access.ingest import Telemetry
from sample_data import generator
from sample_data import structures as sample


def _heavy(projects: list[dict[str, Any]], today: date) -> str | None:
    """The one building in construction that settles more than it should: of those under way for long enough
    to show a trend, the latest begun, so it is still settling fast."""
    began = {
        p["code"]: date.fromisoformat(orjson.loads(p["stage_dates"])["construction"])
        for p in projects
        if p["stage"] == "construction"
    }
    old_enough = [c for c, d in began.items() if (today - d).days >= sample.HEAVY_MIN_AGE_DAYS]
    return max(old_enough, key=began.__getitem__) if old_enough else None


def load(url: str, actor: Actor) -> int:
    """Sensors on the generated projects in construction, acceptance and operation, and their daily history
    from the day construction began, through ingestion like any reading; answers how many sensors (0 when
    they are there already)."""
    today = stored_now().date()
    with transaction(url) as session:
        if store.all_sensors(session, TYPES):
            return 0
        projects = project_store.projects(session)
    devices = []
    for p in projects:
        site = shapely.from_geojson(p["site"])
        for device_type, count in sample.SENSORS.get(p["stage"], ()):
            for n, (lon, lat) in enumerate(sample.places(site, device_type, count), start=1):
                devices.append(
                    {
                        "code": sample.code(p["code"], device_type, n),
                        "name": f"{p['name']} {sample.NAMES[device_type]} {sample.TAGS[device_type]}{n:02d}",
                        "type": device_type,
                        "lon": lon,
                        "lat": lat,
                        "district_adcode": generator.DETAIL_ZONE_DISTRICT,
                        "grid_id": None,
                        "owner_department": sample.OWNER,
                        "online": True,
                        "last_seen": None,
                        "generated": True,
                        "source": p["source"],
                    }
                )
    with write_transaction(url) as session:
        store.add_sensors(session, devices)
        support.write_meta(session, {LOADED_ON: today.isoformat()})
        audit.record(session, actor, "structure.sensors", "devices", after={"count": len(devices)})
    history = [m for day in _days(projects, today) for m in observations(url, day, projects)]
    ingestion.ingest(url, history, "history")
    return len(devices)


def _days(projects: list[dict[str, Any]], today: date) -> Iterator[date]:
    starts = [date.fromisoformat(orjson.loads(p["stage_dates"])["construction"]) for p in projects if _watched(p)]
    day = min(starts, default=today)
    while day <= today:
        yield day
        day += timedelta(days=1)


def _watched(project: dict[str, Any]) -> bool:
    return project["stage"] in sample.SENSORS


def observations(url: str, day: date, projects: list[dict[str, Any]] | None = None) -> list[Telemetry]:
    """The day's observation of every sensor of the sample city, numbered by its day since construction began
    (so a day sent twice is stored once)."""
    with transaction(url) as session:
        projects = projects if projects is not None else project_store.projects(session)
        loaded = support.read_meta(session).get(LOADED_ON)
        sensors = store.all_sensors(session, TYPES)
    if loaded is None:
        return []
    heavy = _heavy(projects, date.fromisoformat(loaded))
    by_code = {p["code"]: p for p in projects}
    at = datetime.combine(day, datetime.min.time()) + OBSERVED_AT
    out = []
    for sensor in sensors:
        project = by_code.get(sensor["code"].rsplit("-", 1)[0])
        if project is None or not _watched(project):
            continue
        began = date.fromisoformat(orjson.loads(project["stage_dates"])["construction"])
        elapsed = (day - began).days
        if elapsed < 0 or (sensor["type"] == "vibration" and project["stage"] != "construction"):
            continue
        age = (date.fromisoformat(loaded) - began).days
        curve = sample.model(sensor["code"], STRUCTURE_TYPES[sensor["type"]], age, project["code"] == heavy)
        value = sample.value(curve, sensor["code"], day, elapsed)
        out.append(Telemetry(sensor["code"], elapsed, at, {curve.metric: value}))
    return out


def day_messages(url: str, day: date) -> list[tuple[str, bytes]]:
    """The day's observations as the monitoring station uploads them, for the simulator to send."""
    return [
        (
            f"city/iot/{o.device_code}/telemetry",
            orjson.dumps({"seq": o.seq, "ts": o.ts.isoformat() + "Z", "values": o.values}),
        )
        for o in observations(url, day)
    ]
