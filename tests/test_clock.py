from datetime import UTC, datetime

from cockpit.services.kernel.clock import SERIES_END, SERIES_START, historical_hour


def test_same_calendar_hour_in_beijing_time_of_latest_year():
    assert historical_hour(datetime(2026, 11, 24, 6, 30, tzinfo=UTC)) == datetime(2016, 11, 24, 14)


def test_january_maps_to_last_winter_of_series():
    assert historical_hour(datetime(2026, 1, 15, 0, tzinfo=UTC)) == datetime(2017, 1, 15, 8)


def test_utc_evening_is_next_day_in_beijing():
    assert historical_hour(datetime(2026, 2, 27, 20, tzinfo=UTC)) == datetime(2017, 2, 28, 4)


def test_leap_day_falls_back_to_28th():
    assert historical_hour(datetime(2028, 2, 29, 4, tzinfo=UTC)) == datetime(2017, 2, 28, 12)


def test_every_hour_of_a_year_lands_inside_the_series():
    start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    for hour in range(0, 366 * 24, 7):
        mapped = historical_hour(datetime.fromtimestamp(start + hour * 3600, UTC))
        assert SERIES_START <= mapped <= SERIES_END
