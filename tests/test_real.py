import collections

import pytest

from sample_data import real


@pytest.fixture(scope="module")
def frame():
    return real.district_frame(real.districts())


def test_all_sixteen_districts_with_adcodes():
    rows = real.districts()
    assert len(rows) == 16
    assert {r["adcode"] for r in rows} == {
        f"1101{n:02d}" for n in (1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19)
    }
    assert all("GCJ-02 -> WGS84" in r["source"] for r in rows)


def test_base_layers_match_the_provenance_counts():
    counts = collections.Counter(f["layer"] for f in real.base_features())
    assert counts == {"road": 1125, "building": 889, "water": 12, "green": 144, "poi": 241, "coverage": 3}


def test_facilities_are_city_wide_and_placed_in_districts(frame):
    rows = real.facilities(frame)
    kinds = collections.Counter(r["kind"] for r in rows)
    assert kinds == {"metro_station": 364, "hospital": 44, "shelter": 1181}
    hospital = next(r for r in rows if r["name"] == "北京大学第三医院")
    assert hospital["district_adcode"] == "110108"
    assert sum(r["district_adcode"] is None for r in rows) <= 2


def test_air_stations_are_the_twelve_real_ones(frame):
    rows = real.air_stations(frame)
    assert len(rows) == 12
    wanliu = next(r for r in rows if r["code"] == "wanliu_aq")
    assert wanliu["district_adcode"] == "110108"
    assert (wanliu["lon"], wanliu["lat"]) == (116.287, 39.987)


def test_air_series_is_complete_and_numeric():
    hours = real.air_quality_hours()
    assert len(hours) == 12 * 35064
    assert hours["so2"].dtype.kind == "f"  # the stray blank in the Aotizhongxin file reads as missing
    assert hours.groupby("station_code").size().eq(35064).all()
    assert str(hours["ts"].min()) == "2013-03-01 00:00:00"
