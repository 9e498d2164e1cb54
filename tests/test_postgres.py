"""The same schema, loader and services on a real PostgreSQL, as production runs them."""

from collections import Counter

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fixtures.helpers import audit_actions, telemetry
from sqlalchemy import func, select

from cockpit.services.data import air
from cockpit.services.overview import overview
from data_access.db import engine_for, transaction
from data_access.models import AirQualityHour, Base, Component
from data_access.schema import downgrade, include_object, table_names, upgrade
from sample_data.load import load_sample_city


def test_migrations_round_trip_and_match_models(postgres_url):
    upgrade(postgres_url)
    with engine_for(postgres_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object("postgresql")})
        assert compare_metadata(context, Base.metadata) == []
    downgrade(postgres_url)
    assert table_names(postgres_url) <= {"alembic_version"}
    upgrade(postgres_url)


def test_sample_city_and_services_agree_with_sqlite(postgres_url, city_db):
    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    with transaction(postgres_url) as session:
        assert session.scalar(select(func.count()).select_from(AirQualityHour)) == 12 * 35064
        assert session.scalar(select(func.count()).select_from(Component)) == 2000
    assert overview.vital_signs(postgres_url).by_district == overview.vital_signs(city_db).by_district
    assert air.current_air(postgres_url)["city_aqi"] == air.current_air(city_db)["city_aqi"]


def test_audit_log_is_append_only_and_chained_on_postgres(postgres_url):
    import threading

    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from cockpit.actor import Actor
    from cockpit.services.support import audit

    upgrade(postgres_url)
    actor = Actor("tester", "admin")

    def worker(n: int) -> None:
        for i in range(10):
            audit.record_alone(postgres_url, actor, "test.pg", f"w{n}:{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = audit.verify(postgres_url)
    assert report.intact and report.rows >= 40
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), engine_for(postgres_url).begin() as connection:
            connection.execute(text(statement))
    assert audit.verify(postgres_url).intact


def test_dispatch_under_contention_on_postgres(postgres_url):
    """Row locks (FOR UPDATE in id order) and the partial unique index keep one active dispatch per unit."""
    import threading

    from cockpit.actor import Actor
    from cockpit.services.emergency import emergency
    from cockpit.services.emergency.emergency import DispatchConflict
    from data_access.models import Dispatch

    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    emergency.ensure_default_plans(postgres_url, Actor("t", "admin"))
    duty = Actor("duty", "duty_officer")
    cases = [
        emergency.report_incident(postgres_url, duty, "accident", 4, 116.3205 + i / 1000, 40.0005, "pg")["id"]
        for i in range(5)
    ]
    units = [r.resource_id for r in emergency.recommend(postgres_url, cases[0], ("police_car",), limit=3)]
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        try:
            emergency.dispatch(postgres_url, duty, cases[n % 5], [units[n % 3], units[(n + 1) % 3]])
            outcomes.append("ok")
        except DispatchConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 50 and outcomes.count("ok") >= 1
    with transaction(postgres_url) as session:
        rows = session.execute(
            select(Dispatch.resource_id, func.count()).where(Dispatch.status == "active").group_by(Dispatch.resource_id)
        ).all()
    assert all(n == 1 for _rid, n in rows)


def test_ingestion_rules_and_alarms_on_postgres(postgres_url, city_url):
    """The write path's PostgreSQL branch: ON CONFLICT … RETURNING, device last-seen, rule state, alarms."""
    from datetime import UTC, datetime, timedelta

    import orjson

    from cockpit.actor import Actor
    from cockpit.services.iot import alarms, ingestion, rulebook
    from data_access.models import Device, Reading

    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    rulebook.ensure_defaults(postgres_url, Actor("t", "admin"))
    device = "110108-manhole_tilt-00001"
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=60)

    def tilt(seq: int, value: float) -> tuple[str, bytes]:
        body = {"ts": (start + timedelta(seconds=seq)).isoformat() + "Z", "seq": seq, "values": {"tilt_deg": value}}
        return f"city/iot/{device}/telemetry", orjson.dumps(body)

    first = ingestion.ingest_mqtt(postgres_url, [tilt(1, 1.0), tilt(2, 1.5), tilt(2, 1.5)])
    assert (first.stored, first.duplicates) == (2, 1)
    again = ingestion.ingest_mqtt(postgres_url, [tilt(2, 1.5), tilt(3, 25.0), tilt(15, 26.0), tilt(16, 27.0)])
    assert (again.stored, again.duplicates) == (3, 1) and len(again.alarms_raised) == 1
    late = ingestion.ingest_mqtt(postgres_url, [tilt(4, 0.5)])
    assert late.stored == 1 and late.alarms_resolved == []
    cleared = ingestion.ingest_mqtt(postgres_url, [tilt(20, 0.5)])
    assert cleared.alarms_resolved == again.alarms_raised
    assert [a["status"] for a in alarms.open_alarms(postgres_url)] == []
    with transaction(postgres_url) as session:
        assert session.scalar(select(func.count()).select_from(Reading)) == 7
        assert session.scalar(select(Device.last_seq).where(Device.code == device)) == 20


def test_idempotency_key_twins_run_once_on_postgres(postgres_url):
    """#11 F5/F6 on PostgreSQL: twins with one key wait on the first's claim and get its committed answer."""
    import concurrent.futures
    import time

    from cockpit.actor import Actor
    from cockpit.services.kernel.idempotency import fingerprint, run_once
    from cockpit.services.support import audit

    upgrade(postgres_url)
    ran = []

    def action():
        ran.append(1)
        with transaction(postgres_url) as session:
            audit.record(session, Actor("token:twin", "analyst"), "test.twin", "once")
        time.sleep(0.3)
        return {"done": len(ran)}, 200

    request = fingerprint("POST", "/api/v1/test", b"{}")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: run_once(postgres_url, "token:twin", "twin-key", request, action), range(8)))
    assert len(ran) == 1 and answers == [({"done": 1}, 200)] * 8
    assert len(audit.rows(postgres_url, action="test.twin")) == 1
    other = fingerprint("POST", "/api/v1/other", b"{}")
    assert run_once(postgres_url, "token:twin", "twin-key", other, action)[1] == 422


BOXES = (
    [[[116.31, 39.99], [116.33, 39.99], [116.33, 40.01], [116.31, 40.01], [116.31, 39.99]]],
    [[[116.25, 39.85], [116.45, 39.85], [116.45, 40.0], [116.25, 39.85]]],
)


def _drawn(ring: list) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": ring}}],
    }


def test_spatial_queries_run_in_postgis_and_agree_with_sqlite(postgres_url, city_db):
    from fixtures.db import SEED
    from sqlalchemy import text
    from test_emergency import ZGC, incident

    from cockpit.services.emergency import emergency

    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", SEED)
    cases = {url: incident(url) for url in (postgres_url, city_db)}
    asked = [(1.0, None, None), (2.5, None, None), (None, "110108", None), (None, "110102", None)]
    asked += [(None, None, _drawn(ring)) for ring in BOXES]
    for radius, district, drawn in asked:
        pg, lite = (emergency.query_resources(url, cases[url], radius, district, drawn) for url in cases)
        assert [r["code"] for r in pg.matches] == [r["code"] for r in lite.matches], (radius, district)
        assert pg.districts == lite.districts
    assert pg.matches and len(pg.districts) >= 3
    assert [s["code"] for s in emergency.shelters(postgres_url, cases[postgres_url])] == [
        s["code"] for s in emergency.shelters(city_db, cases[city_db])
    ]
    near = f"ST_SetSRID(ST_MakePoint({ZGC[0]}, {ZGC[1]}), 4326)"
    with transaction(postgres_url) as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        for query, index in (
            (f"SELECT id FROM resource ORDER BY geom <-> {near} LIMIT 5", "ix_resource_geom"),
            (f"SELECT id FROM resource WHERE ST_DWithin(geom::geography, {near}::geography, 1000)", "ix_resource_geog"),
            (f"SELECT adcode FROM district WHERE ST_Intersects(geom, ST_Buffer({near}, 0.01))", "ix_district_geom"),
        ):
            plan = "\n".join(session.scalars(text(f"EXPLAIN {query}")))
            assert index in plan, plan


def _where(url: str) -> Counter:
    """Readings per partition."""
    from sqlalchemy import text

    with transaction(url) as session:
        return Counter(
            dict(session.execute(text("SELECT tableoid::regclass::text, count(*) FROM reading GROUP BY 1")).all())
        )


def test_readings_live_in_monthly_partitions_and_retention_drops_whole_months(postgres_url):
    from datetime import UTC, date, datetime, timedelta

    from cockpit.actor import Actor
    from cockpit.services.iot import ingestion, retention
    from data_access import partitions
    from data_access.db import write_transaction

    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    device = "110108-manhole_tilt-00017"
    before = _where(postgres_url)
    fresh = [telemetry(device, seq, now - timedelta(seconds=60 - seq)) for seq in range(1, 21)]
    assert ingestion.ingest_mqtt(postgres_url, fresh).stored == 20
    assert ingestion.ingest_mqtt(postgres_url, fresh).stored == 0  # redelivered: stored once
    old_month = retention.month_start(now.date(), 20)
    old = [telemetry(device, 1000 + k, datetime(old_month.year, old_month.month, 3, 12, k)) for k in range(5)]
    older = [telemetry(device, 2000 + k, datetime(2001, 1, 1, 0, k)) for k in range(3)]
    assert ingestion.ingest_mqtt(postgres_url, old + older).stored == 8

    def where() -> dict[str, int]:
        return {k: v for k, v in (_where(postgres_url) - before).items() if v}

    assert where() == {f"reading_{now:%Y%m}": 20, "reading_default": 8}
    with write_transaction(postgres_url) as session:
        partitions.add_month(session, old_month)  # its readings move out of the default partition
    assert where() == {f"reading_{now:%Y%m}": 20, f"reading_{old_month:%Y%m}": 5, "reading_default": 3}

    kept = retention.keep(postgres_url, Actor("cli:test", "admin"), 13, now.date())
    assert kept.dropped_months == [f"{old_month:%Y-%m}"] and kept.deleted == 8
    assert _where(postgres_url) == before + Counter({f"reading_{now:%Y%m}": 20})
    with transaction(postgres_url) as session:
        have = partitions.months(session)
    assert date(now.year, now.month, 1) in have and len([m for m in have if m > now.date()]) >= 3
    assert audit_actions(postgres_url)[-1] == "readings.retention"


def test_concurrent_writers_store_each_reading_once_without_deadlock(postgres_url):
    """Two ingestion processes of `cockpit ingest --workers 2` write batches touching the same devices in
    any order, and both may get the same redelivered batch: no deadlock, nothing stored twice."""
    import threading
    from datetime import UTC, datetime, timedelta

    from cockpit.services.iot import ingestion

    upgrade(postgres_url)
    load_sample_city(postgres_url, "small", 7)
    start = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=1)
    devices = [f"110108-manhole_tilt-{n:05d}" for n in range(20, 40)]
    batches = [
        [
            telemetry(devices[(k * 7 + i) % 20], 10_000 + k * 100 + i, start + timedelta(seconds=k * 100 + i))
            for i in range(100)
        ]
        for k in range(12)
    ]
    stored, errors = [], []

    def writer(order: list[int]) -> None:
        try:
            for k in order:
                stored.append(ingestion.ingest_mqtt(postgres_url, batches[k]).stored)
        except Exception as error:  # the assertion below names it
            errors.append(error)

    forward, backward = list(range(12)), list(reversed(range(12)))
    threads = [threading.Thread(target=writer, args=(order,)) for order in (forward, backward, forward)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and sum(stored) == 1200
