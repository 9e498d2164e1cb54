from hypothesis import given
from hypothesis import strategies as st

from cockpit.services.data.aqi import BREAKPOINTS_1H, IAQI_STEPS, aqi, iaqi, level_of


def test_breakpoints_map_to_their_index():
    for pollutant, table in BREAKPOINTS_1H.items():
        for concentration, index in zip(table, IAQI_STEPS, strict=False):
            assert iaqi(pollutant, concentration) == index, (pollutant, concentration)


def test_rounds_up_between_breakpoints():
    assert iaqi("pm25", 36) == 52  # 50 + 50/40 * 1 = 51.25 -> 52
    assert iaqi("pm25", 0.1) == 1


def test_beyond_table_caps_at_500():
    assert iaqi("pm25", 999) == 500
    assert iaqi("pm10", 600) == 500


def test_so2_above_one_hour_table_uses_24h_table():
    assert iaqi("so2", 800) == 200
    assert iaqi("so2", 1600) == 300


def test_levels_and_colours():
    assert level_of(50) == ("excellent", "#00e400")
    assert level_of(51) == ("good", "#ffff00")
    assert level_of(301) == ("severe", "#7e0023")


def test_primary_pollutant_only_above_50():
    clean = aqi({"pm25": 10, "pm10": 20})
    assert clean is not None and clean.primary is None and clean.value == 20
    dirty = aqi({"pm25": 120, "pm10": 100, "no2": None})
    assert dirty is not None and dirty.primary == "pm25" and dirty.value == 158


def test_nothing_measured_gives_none():
    assert aqi({"pm25": None, "pm10": None}) is None


@given(st.sampled_from(sorted(BREAKPOINTS_1H)), st.floats(0, 5000), st.floats(0, 5000))
def test_index_is_monotonic_and_bounded(pollutant, a, b):
    low, high = sorted((a, b))
    assert 0 <= iaqi(pollutant, low) <= iaqi(pollutant, high) <= 500
