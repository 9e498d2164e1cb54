from sqlalchemy import func, select

from data_access.db import transaction
from data_access.models import AirQualityHour, Component, Device, District, Facility, Grid, Street
from sample_data.load import load_sample_city


def _count(url, model, *where):
    with transaction(url) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_loaded_city_counts(city_url):
    assert _count(city_url, District) == 16
    assert _count(city_url, Facility) == 364 + 44 + 1181
    assert _count(city_url, AirQualityHour) == 12 * 35064
    assert _count(city_url, Component) == 2000
    # road devices, meters in 40 buildings, stations, structural sensors on the projects of the template city
    assert _count(city_url, Device) == 200 + 3 * 40 + 12 + 48 + 158  # … and the key areas' cameras


def test_only_the_real_stations_are_unlabelled(city_url):
    assert _count(city_url, Device, Device.generated.is_(False)) == 12
    assert _count(city_url, Device, Device.generated.is_(False), Device.type != "air_quality") == 0
    for model in (Component, Street, Grid):
        assert _count(city_url, model, model.generated.is_(False)) == 0


def test_second_init_with_same_scale_is_a_no_op(city_url):
    with transaction(city_url) as session:
        before = session.scalars(select(Device.code).order_by(Device.id)).all()
    meta = load_sample_city(city_url, "small", 7)
    with transaction(city_url) as session:
        after = session.scalars(select(Device.code).order_by(Device.id)).all()
    assert meta["sample_scale"] == "small" and before == after


def test_new_seed_regenerates_but_keeps_real_data(db_url):
    load_sample_city(db_url, "small", 1)
    with transaction(db_url) as session:
        first = session.scalar(select(Device.lon).where(Device.generated.is_(True)).order_by(Device.id))
    load_sample_city(db_url, "small", 2)
    with transaction(db_url) as session:
        second = session.scalar(select(Device.lon).where(Device.generated.is_(True)).order_by(Device.id))
    assert first != second
    assert _count(db_url, District) == 16
    assert _count(db_url, Device) == 332 + 158
