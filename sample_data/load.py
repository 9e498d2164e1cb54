"""`cockpit init`'s loading step: real files and generated rows into storage, each part in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import shapely
import shapely.geometry
from shapely.geometry import shape
from sqlalchemy.orm import Session

from cockpit.actor import Actor
from data_access import bigdata, cim, emergency, iot, support
from data_access import safety as safety_store
from data_access.db import transaction
from sample_data import communities, generator, pipelines, real, safety, streets


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
        roads = real.read_geojson(real.BASE_FILES["road"])
        cim.replace_generated_layer(session, "pipeline", [_row(f) for f in pipelines.pipelines(roads, seed)])
        coverage = real.read_geojson(real.BASE_FILES["coverage"])
        cim.replace_generated_layer(session, "community", _communities(city.streets, coverage, seed))
        metered = generator.meters(real.read_geojson(real.BASE_FILES["building"]), city.grids, scale, seed)
        devices = city.devices + cameras + metered + _station_devices(session)
        iot.replace_devices(session, devices, city.components)
        safety_store.replace_key_areas(session, areas, sites)
        emergency.add_resources(session, units)
        support.write_meta(session, wanted | {"loaded_at": datetime.now(UTC).isoformat(timespec="seconds")})
        return support.read_meta(session)


def _row(feature: dict[str, Any]) -> dict[str, Any]:
    """A generated GeoJSON feature as a stored base-map row, its source in the row as in its properties."""
    minx, miny, maxx, maxy = shape(feature["geometry"]).bounds
    properties = feature["properties"]
    return {
        "osm_id": None,
        "name": properties.get("name"),
        "kind": properties.get("network") or properties.get("kind"),
        "properties": orjson.dumps(properties).decode(),
        "geometry": orjson.dumps(feature["geometry"]).decode(),
        "min_lon": minx,
        "min_lat": miny,
        "max_lon": maxx,
        "max_lat": maxy,
        "source": properties["source"],
    }


def _communities(street_rows: list[dict[str, Any]], coverage: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """The communities (real names and codes, generated boundaries) of the streets the detail zone touches, where
    the buildings are, as stored rows."""
    zone = shapely.union_all([shape(f["geometry"]) for f in coverage])
    rows = []
    for street in street_rows:
        polygon = shapely.from_geojson(street["geometry"])
        if not polygon.intersects(zone):
            continue
        for c in communities.community_areas(street["code"], polygon, seed):
            feature = {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(c["geometry"]),
                "properties": {
                    "name": c["name"],
                    "code": c["code"],
                    "street_code": street["code"],
                    "source": c["source"],
                },
            }
            rows.append(_row(feature))
    return rows


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


@dataclass(frozen=True)
class Step:
    """One step of loading the sample city's scenarios, after its real and generated base (`load_sample_city`).
    `run` returns a count (or what the step found); `says` turns it into the line `cockpit init` prints."""

    name: str
    run: Callable[[str, Actor, int, datetime], Any]
    says: Callable[[Any], str | None]


def _if(template: str) -> Callable[[Any], str | None]:
    return lambda n: template.format(n=n) if n else None


def _steps() -> tuple[Step, ...]:
    # the scenarios' loaders pull in pandas, statsmodels and scikit-learn: only a load pays for them, so
    # `cockpit ingest` subscribes within a second of starting
    from cockpit.services.data import catalog_measure
    from cockpit.services.emergency import emergency
    from cockpit.services.iot import rulebook
    from cockpit.services.planning import planning
    from sample_data import catalog as sample_catalog
    from sample_data.live import hotline_sim, vision_sim
    from sample_data.scenarios import enterprises as scenarios_enterprises
    from sample_data.scenarios import planning as scenarios_planning
    from sample_data.scenarios import projects as scenarios_projects
    from sample_data.scenarios import safety_cases as scenarios_safety_cases
    from sample_data.scenarios import service_items as scenarios_service_items
    from sample_data.scenarios import structural as scenarios_structural

    def patches(found: Any) -> str:
        return f"conflict patches between the plans: {found.new} new, {found.settled} settled"

    return (
        Step(
            "rules",
            lambda url, actor, seed, now: rulebook.ensure_defaults(url, actor),
            _if("{n} default alarm rules added"),
        ),
        Step(
            "run_cards",
            lambda url, actor, seed, now: emergency.ensure_default_plans(url, actor),
            _if("{n} default run-card lines added"),
        ),
        Step(
            "plans",
            lambda url, actor, seed, now: scenarios_planning.load(url, actor, seed),
            _if("{n} zones of the generated plans loaded"),
        ),
        Step("plan_conflicts", lambda url, actor, seed, now: planning.detect(url, actor), patches),
        Step(
            "safety_cases",
            lambda url, actor, seed, now: scenarios_safety_cases.load(url, now),
            _if("{n} cases opened in the public-safety register (generated)"),
        ),
        Step(
            "projects",
            lambda url, actor, seed, now: scenarios_projects.load(url, actor, seed),
            _if("{n} construction projects with their schedules loaded (generated)"),
        ),
        Step(
            "structural",
            lambda url, actor, seed, now: scenarios_structural.load(url, actor),
            _if("{n} structural sensors on the projects, with their daily history (generated)"),
        ),
        Step(
            "enterprises",
            lambda url, actor, seed, now: scenarios_enterprises.load(url, actor, seed),
            _if("{n} enterprises (listed: real; Beijing locations and SMEs: generated) and the indicators loaded"),
        ),
        Step(
            "tables",
            lambda url, actor, seed, now: catalog_measure.register_tables(url, actor),
            _if("{n} of the cockpit's tables added to the data catalog"),
        ),
        Step(
            "service_items",
            lambda url, actor, seed, now: scenarios_service_items.load(url, actor, seed),
            _if("the service-item catalogue (generated) imported into the data catalog; halls' and channels' days"),
        ),
        Step(
            "tickets",
            lambda url, actor, seed, now: hotline_sim.backfill(url, seed),
            _if(f"{{n}} 12345 tickets of the last {hotline_sim.BACKFILL_DAYS} days (real messages, replayed)"),
        ),
        Step(
            "sightings",
            lambda url, actor, seed, now: vision_sim.backfill(url, seed, now),
            _if("{n} camera sightings of the last two hours (generated walks and drives on the real roads)"),
        ),
        Step(
            "data_conflicts",
            lambda url, actor, seed, now: sample_catalog.load(url, actor, seed),
            lambda n: f"data conflicts between departments' datasets: {n} found by the comparisons",
        ),
    )


def load_scenarios(
    url: str, actor: Actor, seed: int, now: datetime, skip: Collection[str] = (), only: Collection[str] = ()
) -> list[str]:
    """Every scenario's sample, in the one order `cockpit init` and the tests share; returns what each said.
    The tests keep the structural sensors (which raise alarms) out of their quiet city and load them apart."""
    said = []
    for step in _steps():
        if step.name in skip or (only and step.name not in only):
            continue
        line = step.says(step.run(url, actor, seed, now))
        if line:
            said.append(line)
    return said
