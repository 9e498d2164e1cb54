"""What the public-safety page shows everyone allowed on it — leaders and safety officers — with no personal
data in it: cameras and their status, key areas and how full they are, sightings per hour, the scenario's open
alarms and lost-person cases counted. Files, searches and cases are the safety officer's (safety_files,
lost_persons), behind their own checks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cockpit.actor import Actor
from cockpit.services.kernel.clock import stored_now
from cockpit.services.kernel.geojson import feature_collection, point
from cockpit.services.safety import oversight, safety_files, vision_alarms
from cockpit.vocab import CROWDED_COLOUR, DEVICE_STATUS_COLOURS, KEY_AREA_COLOURS, LOST_OPEN, VISION_METRICS
from data_access import iot
from data_access import safety as safety_store
from data_access.db import transaction

HOURS = 24


def summary(url: str, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    safety_files.require(actor, "safety.read")
    return aggregates(url, now or stored_now())


def crowd_threshold(url: str) -> float:
    """The load over which a key area is crowded: the crowd rule's own threshold, which an administrator tunes
    in the rule editor (capacity, 1.0, if the rule is gone)."""
    with transaction(url) as session:
        found = [r["threshold"] for r in iot.rules(session, scoped=False) if r["metric"] == "crowd_ratio"]
    return float(found[0]) if found else 1.0


def aggregates(url: str, now: datetime) -> dict[str, Any]:
    """The figures without a check: for the page's and the wall's callers, which check the role themselves."""
    with transaction(url) as session:
        cameras = safety_store.cameras(session)
        areas = safety_store.key_areas(session)
        hour = safety_store.counts_since(session, now - timedelta(hours=1))
        stamps = safety_store.hourly_counts(session, now - timedelta(hours=HOURS))
        open_alarms = iot.alarms(session, iot.OPEN, limit=50, types=VISION_METRICS, newest_first=True)
        lost = safety_store.lost_persons(session, LOST_OPEN)
        alarmed = iot.devices_in_alarm(session)
    ratios = vision_alarms.values(url, now)["crowd_ratio"]
    crowded_over = crowd_threshold(url)
    first_camera: dict[int, int] = {}
    for camera in cameras:
        if camera["key_area_id"] is not None:
            first_camera.setdefault(camera["key_area_id"], camera["id"])
    hours = [now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=i) for i in range(HOURS - 1, -1, -1)]
    series = {kind: dict.fromkeys(hours, 0) for kind in ("person", "vehicle")}
    for ts, kind in stamps:
        bucket = ts.replace(minute=0, second=0, microsecond=0)
        if bucket in series[kind]:
            series[kind][bucket] += 1
    return {
        "kpis": {
            "cameras_online": sum(bool(c["online"]) for c in cameras),
            "cameras": len(cameras),
            "persons_hour": hour.get("person", 0),
            "vehicles_hour": hour.get("vehicle", 0),
            "alarms": len(open_alarms),
            "lost_open": len(lost),
            "searches_month": oversight.searches_this_month(url, now),
        },
        "areas": sorted(
            (
                {
                    "name": a["name"],
                    "kind": a["kind"],
                    "capacity": a["capacity"],
                    "load": load,
                    "crowded": load > crowded_over,
                    "lon": a["lon"],
                    "lat": a["lat"],
                    "radius_m": a["radius_m"],
                    "colour": KEY_AREA_COLOURS[a["kind"]],
                    "shown": CROWDED_COLOUR if load > crowded_over else KEY_AREA_COLOURS[a["kind"]],
                }
                for a in areas
                for load in [ratios.get(first_camera.get(a["id"], -1), 0.0)]
            ),
            key=lambda a: -a["load"],
        ),
        "cameras": [
            {
                "code": c["code"],
                "name": c["name"],
                "lon": c["lon"],
                "lat": c["lat"],
                "sees": c["sees"],
                "status": "alarm" if c["id"] in alarmed else "online" if c["online"] else "offline",
            }
            for c in cameras
        ],
        "hours": hours,
        "series": {k: list(v.values()) for k, v in series.items()},
        "alarms": [
            {
                "id": a["id"],
                "type": a["alarm_type"],
                "severity": a["severity"],
                "camera": a["device_name"],
                "value": a["value"],
                "raised_at": a["raised_at"],
                "status": a["status"],
            }
            for a in open_alarms
        ],
    }


def camera_features(found: dict[str, Any]) -> dict[str, Any]:
    """Cameras as GeoJSON points coloured by status, for the page's map."""
    return feature_collection(
        [
            point(
                c["lon"],
                c["lat"],
                {"name": c["name"], "colour": DEVICE_STATUS_COLOURS[c["status"]], "status": c["status"]},
            )
            for c in found["cameras"]
        ]
    )


def places(url: str) -> list[dict[str, str]]:
    """The key areas as places a lost person was last seen at (a desk officer picks one; the API takes any
    point)."""
    with transaction(url) as session:
        return [{"label": a["name"], "value": a["code"]} for a in safety_store.key_areas(session)]


def place(url: str, code: str) -> tuple[float, float] | None:
    with transaction(url) as session:
        found = next((a for a in safety_store.key_areas(session) if a["code"] == code), None)
    return (found["lon"], found["lat"]) if found else None
