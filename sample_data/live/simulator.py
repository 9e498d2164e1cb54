"""A live sample city: the real UCI air-quality series replayed for the 12 real stations on a compressed
clock, and plausible telemetry for the generated devices (water level that follows the real rain, manhole
tilt, lamp faults, noise, utility meters that follow the hour of the day, now and then a gas leak, the
structural sensors' daily observation),
heartbeats, devices that fall silent, and answers to commands. It produces MQTT topic/payload pairs, so the
same bytes go to a broker or straight into ingestion."""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

from cockpit.services.iot.commands import CATALOG
from cockpit.services.kernel import clock
from data_access import bigdata, iot
from data_access.db import transaction
from data_access.ingest import EVENT_TYPES
from sample_data.scenarios import structural as scenarios_structural

AIR_METRICS = ("pm25", "pm10", "so2", "no2", "co", "o3", "temp")
RAIN_STATION = "wanliu_aq"  # the real station inside Haidian, nearest the detail zone
HEARTBEAT_S = 30.0
METER_EVERY = 6  # utility meters report every sixth interval: battery-powered NB-IoT meters send less often
# meter type -> (metric of the rate, metric of the running total, range of a building's mean rate)
METERS = {
    "water_meter": ("flow_m3h", "total_m3", (0.2, 3.0)),
    "power_meter": ("power_kw", "total_kwh", (5.0, 80.0)),
    "gas_meter": ("flow_m3h", "total_m3", (0.1, 1.5)),
}
SILENT_SHARE = 0.01  # devices that go quiet for a while, to exercise offline rules


INCIDENTS = (
    ("accident", "两车相撞，有人员受伤（模拟生成）"),
    ("accident", "电动自行车与行人碰撞（模拟生成）"),
    ("natural_disaster", "强降雨致道路积水、车辆被困（模拟生成）"),
    ("public_health", "商场内多人身体不适（模拟生成）"),
    ("social_security", "人员聚集、秩序混乱（模拟生成）"),
)


@dataclass
class DeviceState:
    level_cm: float = 0.0
    tilted_until: datetime | None = None
    fault_until: datetime | None = None
    silent_until: datetime | None = None
    forced_lamp: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class CitySimulator:
    def __init__(self, url: str, rate: float, seed: int, interval_s: float = 5.0, start: datetime | None = None):
        self.url = url
        self.rate = rate
        self.interval_s = interval_s
        self.random = random.Random(seed)
        self.real_start = start or clock.city_now(clock.SERIES_ZONE).replace(tzinfo=None)
        self.sim_start = clock.historical_hour(datetime.now(UTC))
        with transaction(url) as session:
            self.devices = iot.simulation_devices(session)
        self.kinds = {d["code"]: d["type"] for d in self.devices}
        self.seq = {d["code"]: (d["last_seq"] or 0) + 1 for d in self.devices}
        self.state = {d["code"]: DeviceState() for d in self.devices}
        self.next_due = {d["code"]: self._offset(d["code"], interval_s) for d in self.devices}
        self.next_beat = {d["code"]: self._offset(d["code"], HEARTBEAT_S) for d in self.devices}
        self._hour: datetime | None = None
        self.next_incident = 30.0
        self.sightings = 0
        self._air: dict[str, dict[str, Any]] = {}
        self.elapsed = 0.0
        self.observed_on: date | None = None

    def _offset(self, code: str, period: float) -> float:
        """Spread devices evenly over the period, the same way every run."""
        return (zlib.crc32(code.encode()) % 1000) / 1000 * period

    def sim_time(self) -> datetime:
        return self.sim_start + timedelta(seconds=self.elapsed * self.rate)

    def _air_at(self, hour: datetime) -> dict[str, dict[str, Any]]:
        if hour != self._hour:
            with transaction(self.url) as session:
                rows = bigdata.air_quality_window(session, hour - timedelta(hours=2), hour)
            self._air = {r["station_code"]: r for r in rows}
            self._hour = hour
        return self._air

    def tick(self, elapsed: float, now: datetime) -> list[tuple[str, bytes]]:
        """Messages due between the previous call and `elapsed` seconds after the start; `now` is the UTC
        time stamped on them."""
        self.elapsed = elapsed
        sim = self.sim_time()
        hour = sim.replace(minute=0, second=0, microsecond=0)
        air = self._air_at(min(hour, clock.SERIES_END))
        rain = (air.get(RAIN_STATION) or {}).get("rain") or 0.0
        out: list[tuple[str, bytes]] = []
        if now.date() != self.observed_on:  # structural sensors upload the day's observation once a day
            self.observed_on = now.date()
            out += scenarios_structural.day_messages(self.url, now.date())
        stamp = now.isoformat(timespec="milliseconds") + "Z"
        for device in self.devices:
            code, kind = device["code"], device["type"]
            state = self.state[code]
            if state.silent_until and now < state.silent_until:
                continue
            if self.random.random() < SILENT_SHARE / 2000:
                state.silent_until = now + timedelta(minutes=self.random.uniform(3, 8))
                continue
            if elapsed >= self.next_beat[code]:
                self.next_beat[code] += HEARTBEAT_S
                out.append((f"city/iot/{code}/status", orjson.dumps({"ts": stamp, "online": True})))
            if kind == "camera":
                if elapsed >= self.next_due[code]:
                    self.next_due[code] += self.interval_s
                    out += self._sighting(device, state, now, stamp)
                continue
            if elapsed < self.next_due[code]:
                continue
            self.next_due[code] += self.interval_s * (METER_EVERY if kind in METERS else 1)
            values = self._values(kind, code, state, air, rain, sim, now)
            if not values:
                continue
            payload = {"ts": stamp, "seq": self.seq[code], "values": values}
            self.seq[code] += 1
            out.append((f"city/iot/{code}/telemetry", orjson.dumps(payload)))
        return out

    def _sighting(self, device: dict[str, Any], state: DeviceState, now: datetime, stamp: str) -> list:
        """A camera sees a violation now and then and keeps seeing it for a few minutes (re-detections of the
        same thing join one case); confidence varies, so some sightings stay below the filing threshold."""
        r = self.random
        seen = state.extra.get("violation")
        if seen is None or now > seen["until"]:
            if r.random() > 0.004:
                state.extra.pop("violation", None)
                return []
            seen = {
                "type": r.choice(EVENT_TYPES),
                "until": now + timedelta(minutes=r.uniform(2, 8)),
                "lon": device["lon"] + r.uniform(-0.0003, 0.0003),
                "lat": device["lat"] + r.uniform(-0.0003, 0.0003),
            }
            state.extra["violation"] = seen
        elif r.random() > 0.25:
            return []
        self.sightings += 1
        body = {
            "event_id": f"{device['code']}-{self.sightings:06d}-{r.randrange(16**6):06x}",
            "ts": stamp,
            "type": seen["type"],
            "confidence": round(min(0.99, max(0.3, r.gauss(0.83, 0.08))), 2),
            "lon": round(seen["lon"] + r.uniform(-0.00005, 0.00005), 6),
            "lat": round(seen["lat"] + r.uniform(-0.00005, 0.00005), 6),
        }
        return [(f"city/vision/{device['code']}/event", orjson.dumps(body))]

    def _values(
        self, kind: str, code: str, state: DeviceState, air: dict, rain: float, sim: datetime, now: datetime
    ) -> dict[str, float]:
        r = self.random
        if kind == "air_quality":
            row = air.get(code) or {}
            return {m: float(row[m]) for m in AIR_METRICS if row.get(m) is not None}
        if kind == "water_level":
            if r.random() < 0.0008:
                state.level_cm += r.uniform(15, 30)  # a blocked drain after a downpour
            state.level_cm = max(0.0, state.level_cm * 0.97 + rain * 1.5 + r.uniform(-0.2, 0.2))
            return {"level_cm": round(state.level_cm, 1), "battery_pct": 80 + (zlib.crc32(code.encode()) % 20)}
        if kind == "manhole_tilt":
            if state.tilted_until is None and r.random() < 0.0004:
                state.tilted_until = now + timedelta(minutes=r.uniform(2, 6))
            tilted = state.tilted_until is not None and now < state.tilted_until
            if state.tilted_until is not None and not tilted:
                state.tilted_until = None
            return {"tilt_deg": round(r.uniform(15, 35) if tilted else abs(r.gauss(0.6, 0.3)), 2)}
        if kind == "street_lamp":
            night = sim.hour >= 18 or sim.hour < 6
            on = state.forced_lamp if state.forced_lamp is not None else night
            if state.fault_until is None and on and r.random() < 0.0005:
                state.fault_until = now + timedelta(minutes=r.uniform(3, 10))
            fault = state.fault_until is not None and now < state.fault_until
            if state.fault_until is not None and not fault:
                state.fault_until = None
            current = 0.0 if (fault or not on) else round(r.gauss(0.8, 0.03), 3)
            return {"lamp_on": float(on), "current_a": current, "lamp_fault": float(fault)}
        if kind == "noise":
            day = 0.5 + 0.5 * math.sin((sim.hour - 8) / 24 * 2 * math.pi)
            spike = r.uniform(15, 25) if r.random() < 0.003 else 0.0
            return {"noise_db": round(min(140.0, 48 + 18 * day + r.gauss(0, 2.5) + spike), 1)}
        if kind in METERS:
            return self._meter(kind, code, state, sim, now)
        return {}

    def _meter(self, kind: str, code: str, state: DeviceState, sim: datetime, now: datetime) -> dict[str, float]:
        """A building's use over the day (low at night, peaks at breakfast and in the evening) around its own mean,
        added up into the total a utility bills; a gas meter now and then runs high for minutes: a leak."""
        rate_name, total_name, (low, high) = METERS[kind]
        mean = low + (high - low) * (zlib.crc32(code.encode()) % 1000) / 1000
        hour = sim.hour + sim.minute / 60
        profile = 0.35 + 0.65 * math.exp(-(((hour - 7.5) / 1.5) ** 2)) + 0.9 * math.exp(-(((hour - 19.5) / 2.5) ** 2))
        rate = max(0.0, mean * profile * self.random.gauss(1.0, 0.08))
        if kind == "gas_meter":
            leak = state.extra.get("leak_until")
            if leak is None and self.random.random() < 0.002:
                state.extra["leak_until"] = leak = now + timedelta(minutes=self.random.uniform(3, 8))
            if leak is not None and now >= leak:
                state.extra.pop("leak_until")
            elif leak is not None:
                rate += self.random.uniform(5.0, 8.0)
        hours = self.interval_s * METER_EVERY * self.rate / 3600
        state.extra[total_name] = state.extra.get(total_name, mean * 24 * 200) + rate * hours
        return {rate_name: round(rate, 3), total_name: round(state.extra[total_name], 2)}

    def maybe_incident(self, elapsed: float) -> tuple[str, int, float, float, str] | None:
        """Now and then (about every five real minutes) an incident somewhere in the detail zone."""
        if elapsed < self.next_incident:
            return None
        self.next_incident = elapsed + self.random.uniform(180, 420)
        kind, text = self.random.choice(INCIDENTS)
        level = self.random.choices((4, 3, 2), weights=(6, 3, 1))[0]
        lon = self.random.uniform(116.310, 116.330)
        lat = self.random.uniform(39.992, 40.010)
        return kind, level, round(lon, 6), round(lat, 6), text

    def answer(self, topic: str, payload: bytes, now: datetime) -> tuple[str, bytes] | None:
        """What the simulated device replies to a command it received on city/iot/{code}/command."""
        code = topic.split("/")[2]
        try:
            command = orjson.loads(payload)
            command_id, name = int(command["command_id"]), str(command["name"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
        kind = self.kinds.get(code)
        ok = kind is not None and name in CATALOG.get(kind, ())
        if ok and kind == "street_lamp":
            self.state[code].forced_lamp = name == "switch_on"
        detail = f"{name} done" if ok else f"{name} not supported by {kind}"
        answer = {
            "ts": now.isoformat(timespec="milliseconds") + "Z",
            "command_id": command_id,
            "ok": ok,
            "detail": detail,
        }
        return f"city/iot/{code}/command/ack", orjson.dumps(answer)
