from datetime import UTC, datetime

import orjson
import pytest

from cockpit.services.cim import basemap
from cockpit.services.data import air
from cockpit.services.overview import overview


def test_current_air_at_a_known_hour(city_url):
    current = air.current_air(city_url, datetime(2026, 11, 24, 6, tzinfo=UTC))
    assert current["hour"] == datetime(2016, 11, 24, 14)
    assert len(current["stations"]) == 12
    measured = [s for s in current["stations"] if s["aqi"] is not None]
    assert len(measured) >= 10
    assert all(s["measured_at"] <= current["hour"] for s in measured)
    assert current["city_aqi"] == round(sum(s["aqi"] for s in measured) / len(measured))


def test_vital_signs_count_by_district(city_url):
    signs = overview.vital_signs(city_url)
    assert signs.totals["devices"] == 332 + 48 + 158  # the structural sensors, the key areas' cameras
    assert signs.totals["hospital"] == 44
    haidian = next(r for r in signs.by_district if r["adcode"] == "110108")
    assert haidian["devices"] >= 200
    assert haidian["hospitals"] == 6
    assert sum(r["shelters"] for r in signs.by_district) == signs.totals["shelter"]
    assert signs.by_district[0]["adcode"] == "110108"


@pytest.mark.parametrize("layer", sorted(basemap.LAYERS))
def test_every_layer_is_a_feature_collection(city_url, layer):
    collection = orjson.loads(basemap.layer_json(city_url, layer))
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    assert all(f["geometry"]["type"] for f in collection["features"])


def test_devices_layer_says_which_are_generated(city_url):
    features = orjson.loads(basemap.layer_json(city_url, "devices"))["features"]
    assert {f["properties"]["generated"] for f in features} == {True, False}


def test_unknown_layer_is_a_key_error(city_url):
    with pytest.raises(KeyError):
        basemap.layer_json(city_url, "secrets")


def test_sqlite_writers_queue_across_threads_but_not_on_themselves(tmp_path):
    """Writers wait their turn on the file lock; a writer nested in its own thread does not wait on itself
    (SQLite then refuses it after its busy timeout instead of the thread hanging for ever)."""
    import threading
    import time

    from data_access.db import _writers_queue

    url = f"sqlite:///{tmp_path / 'queue.db'}"
    order: list[str] = []
    nested = threading.Event()

    def first() -> None:
        with _writers_queue(url):
            with _writers_queue(url):
                nested.set()
            time.sleep(0.3)
            order.append("first done")

    def second() -> None:
        with _writers_queue(url):
            order.append("second in")

    a = threading.Thread(target=first, daemon=True)
    a.start()
    assert nested.wait(5)
    b = threading.Thread(target=second, daemon=True)
    b.start()
    a.join(5)
    b.join(5)
    assert order == ["first done", "second in"]
