"""`cockpit init`'s loading step: real files and generated rows into storage, each part in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from data_access import bigdata, cim, emergency, iot, support
from data_access import safety as safety_store
from data_access.db import transaction
from sample_data import generator, real, safety, streets


def load_sample_city(url: str, scale: str, seed: int, force: bool = False) -> dict[str, str]:
    """Load what is missing: the real city once, the generated part whenever scale or seed change."""
    wanted = {"sample_scale": scale, "sample_seed": str(seed)}
    with transaction(url) as session:
        meta = support.read_meta(session)
    load_real = force or meta.get("real_loaded") != "1"
    if not load_real and all(meta.get(k) == v for k, v in wanted.items()):
        return meta

    if load_real:
        district_rows = real.districts()
        frame = real.district_frame(district_rows)
        with transaction(url) as session:
            emergency.replace_resources(session, [], [])
            safety_store.replace_key_areas(session, [], [])
            iot.replace_devices(session, [], [])
            cim.replace_streets(session, [], [])
            bigdata.clear_air_quality(session)
            cim.replace_city(session, district_rows, real.base_features(), real.facilities(frame))
            bigdata.add_air_quality(session, real.air_stations(frame), real.air_quality_hours())
            support.write_meta(session, {"real_loaded": "1"})

    with transaction(url) as session:
        street_rows = streets.street_areas(cim.districts(session), seed)
    city = generator.generate(
        real.read_geojson(real.BASE_FILES["road"]),
        real.read_geojson(real.BASE_FILES["coverage"]),
        street_rows,
        scale,
        seed,
    )
    with transaction(url) as session:
        facilities = {kind: cim.facility_points(session, kind) for kind in ("metro_station", "hospital", "shelter")}
    units = generator.resources(
        real.read_geojson(real.BASE_FILES["road"]),
        real.read_geojson(real.BASE_FILES["coverage"]),
        [(f["lon"], f["lat"], f["district_adcode"]) for f in facilities["metro_station"] if f["district_adcode"]],
        [f | {"source": real.HOSPITAL_SOURCE} for f in facilities["hospital"]],
        [f | {"source": real.SHELTER_SOURCE} for f in facilities["shelter"]],
        scale,
        seed,
    )
    areas, cameras, sites = safety.key_areas(
        real.read_geojson(real.BASE_FILES["poi"]), generator.DETAIL_ZONE_DISTRICT, seed
    )
    sites += [
        {"camera_code": d["code"], "area_code": None, "sees": "both"} for d in city.devices if d["type"] == "camera"
    ]
    with transaction(url) as session:
        emergency.replace_resources(session, [], [])
        safety_store.replace_key_areas(session, [], [])
        iot.replace_devices(session, [], [])
        cim.replace_streets(session, city.streets, city.grids)
        metered = generator.meters(real.read_geojson(real.BASE_FILES["building"]), city.grids, scale, seed)
        devices = city.devices + cameras + metered + _station_devices(session)
        iot.replace_devices(session, devices, city.components)
        safety_store.replace_key_areas(session, areas, sites)
        emergency.add_resources(session, units)
        support.write_meta(session, wanted | {"loaded_at": datetime.now(UTC).isoformat(timespec="seconds")})
        return support.read_meta(session)


def _station_devices(session: Session) -> list[dict[str, Any]]:
    """The 12 real air-quality stations are devices of the IoT platform too, and not generated."""
    return [
        {
            "code": s["code"],
            "name": s["name"],
            "type": "air_quality",
            "lon": s["lon"],
            "lat": s["lat"],
            "district_adcode": s["district_adcode"],
            "grid_id": None,
            "owner_department": "市生态环境局",
            "online": True,
            "last_seen": None,
            "generated": False,
            "source": real.AIR_SOURCE,
        }
        for s in bigdata.stations(session)
    ]
