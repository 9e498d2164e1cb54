"""Importers on the real files of ../shared/data/formats (copied under sample_data/formats) and on broken,
hostile and foreign-encoded files: what is read, what is reprojected, what is quarantined with a reason,
and that a failed import leaves nothing behind."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import orjson
import pyogrio
import pytest
from fixtures.db import TEST_ACTOR
from fixtures.helpers import fail_second_write
from fixtures.servers import require_or_skip
from shapely.geometry import Point
from sqlalchemy import func, select

from cockpit.services.data.importing import arrow_csv, coords
from cockpit.services.data.importing.errors import ImportFailed
from cockpit.services.data.importing.pipeline import Request, run
from cockpit.services.data.importing.sources import Declared
from data_access import catalog
from data_access.db import transaction
from data_access.models import DatasetRecord, DatasetVersion, ImportProblem

FORMATS = Path(__file__).resolve().parent.parent / "sample_data" / "formats"
HOSPITALS = Path(__file__).resolve().parent.parent / "sample_data" / "city" / "hospitals_reference.geojson"
DEPT = "市规划和自然资源委"


def load(url: str, path: Path, name: str, **declared: str):
    return run(url, Request(path, name, DEPT, declared=Declared(**declared)), TEST_ACTOR)


def stored(url: str, version_id: int) -> list[dict]:
    with transaction(url) as session:
        rows = session.scalars(select(DatasetRecord).where(DatasetRecord.version_id == version_id))
        return [{"data": orjson.loads(r.data), "lon": r.lon, "lat": r.lat, "geometry": r.geometry} for r in rows]


def names(url: str, version_id: int) -> list[str]:
    with transaction(url) as session:
        return [f["name"] for f in catalog.fields(session, version_id)]


def problems(url: str, version_id: int) -> list[dict]:
    with transaction(url) as session:
        return catalog.problems(session, version_id, 1000)


def test_osm_export_of_haidian_reads_every_layer_in_wgs84(db_url):
    report = load(db_url, FORMATS / "osm" / "haidian_zgc2017.osm.gz", "osm_zgc")
    assert report.format == "osm" and report.rows > 2000 and report.quarantined == 0
    fields = names(db_url, report.version_id)
    assert {"layer", "osm_id", "name", "building", "highway"} <= set(fields)
    rows = stored(db_url, report.version_id)
    layers = {r["data"][fields.index("layer")] for r in rows}
    assert {"points", "lines", "multipolygons"} <= layers
    placed = [r for r in rows if r["lon"] is not None]
    assert all(116.2 < r["lon"] < 116.4 and 39.9 < r["lat"] < 40.1 for r in placed)


def test_osm_pbf_made_by_osmium_reads_like_the_xml(db_url, tmp_path):
    if shutil.which("osmium") is None:
        require_or_skip("osmium-tool (Debian package osmium-tool)")
    pbf = tmp_path / "bupt.osm.pbf"
    subprocess.run(["osmium", "cat", str(FORMATS / "osm" / "haidian_bupt2025.osm.gz"), "-o", str(pbf)], check=True)
    xml = load(db_url, FORMATS / "osm" / "haidian_bupt2025.osm.gz", "bupt_xml")
    binary = load(db_url, pbf, "bupt_pbf")
    assert binary.format == "osm" and binary.rows == xml.rows > 100


def test_cityjson_buildings_become_footprints_with_heights_in_wgs84(db_url):
    report = load(db_url, FORMATS / "delft.city.json", "delft")
    assert report.crs == "EPSG:7415" and any("reprojected" in t for t in report.transforms)
    fields = names(db_url, report.version_id)
    rows = stored(db_url, report.version_id)
    buildings = [r for r in rows if r["data"][fields.index("type")] == "Building"]
    assert len(buildings) == 160
    assert all(4.3 < r["lon"] < 4.4 and 51.9 < r["lat"] < 52.1 for r in buildings)  # Delft, not RD metres
    assert all(orjson.loads(r["geometry"])["type"] in ("Polygon", "MultiPolygon") for r in buildings)
    heights = [r["data"][fields.index("height")] for r in buildings]
    assert all(isinstance(h, float) for h in heights) and max(heights) > 5


def _as_seq(doc: dict) -> bytes:
    """The document as CityJSONSeq (what `cjio … export jsonl` writes): a header line, then one feature per
    top-level object with its children and its own vertices."""
    header = {k: v for k, v in doc.items() if k not in ("CityObjects", "vertices")} | {
        "CityObjects": {},
        "vertices": [],
    }
    lines, objects = [orjson.dumps(header)], doc["CityObjects"]
    for key, obj in objects.items():
        if obj.get("parents"):
            continue
        used: dict[int, int] = {}

        def remap(b, used=used):
            return [remap(x) for x in b] if isinstance(b, list) else used.setdefault(b, len(used))

        members = {k: objects[k] for k in [key, *obj.get("children", [])]}
        moved = {
            k: o | {"geometry": [g | {"boundaries": remap(g["boundaries"])} for g in o.get("geometry", [])]}
            for k, o in members.items()
        }
        vertices = [doc["vertices"][i] for i in used]
        lines.append(orjson.dumps({"type": "CityJSONFeature", "id": key, "CityObjects": moved, "vertices": vertices}))
    return b"\n".join(lines) + b"\n"


def test_cityjsonseq_streams_a_feature_at_a_time_and_stores_what_the_document_does(db_url, tmp_path):
    seq = tmp_path / "delft.city.jsonl"
    seq.write_bytes(_as_seq(orjson.loads((FORMATS / "delft.city.json").read_bytes())))
    whole = load(db_url, FORMATS / "delft.city.json", "delft_doc")
    streamed = load(db_url, seq, "delft_seq")
    assert streamed.format == "cityjson" and streamed.rows == whole.rows == 570
    assert names(db_url, streamed.version_id) == names(db_url, whole.version_id)

    def by_id(version_id):
        return {r["data"][0]: (r["data"][3], round(r["lon"] or 0, 7)) for r in stored(db_url, version_id)}

    assert by_id(streamed.version_id) == by_id(whole.version_id)
    broken = tmp_path / "broken.city.jsonl"
    broken.write_bytes(seq.read_bytes()[:-200])
    with pytest.raises(ImportFailed) as refused:
        load(db_url, broken, "delft_broken")
    assert refused.value.key == "import.unreadable" and "line" in refused.value.say("en")


def test_cityjson_without_a_reference_system_needs_one_declared(db_url):
    with pytest.raises(ImportFailed) as refused:
        load(db_url, FORMATS / "rotterdam_subset.city.json", "rotterdam")
    assert refused.value.key == "import.no_crs"
    report = load(db_url, FORMATS / "rotterdam_subset.city.json", "rotterdam", crs="EPSG:7415")
    assert report.rows == 16
    assert all(4.4 < r["lon"] < 4.5 and 51.9 < r["lat"] < 52.0 for r in stored(db_url, report.version_id))


def test_gtfs_feed_gives_stops_and_trips_with_their_tables(db_url):
    report = load(db_url, FORMATS / "gtfs-sample-feed-1.zip", "gtfs")
    fields = names(db_url, report.version_id)
    rows = stored(db_url, report.version_id)
    by_layer: dict[str, list] = {}
    for r in rows:
        by_layer.setdefault(r["data"][fields.index("layer")], []).append(r)
    assert len(by_layer["stops"]) == 9 and all(r["lon"] is not None for r in by_layer["stops"])
    assert {"routes", "trips", "stop_times", "calendar"} <= set(by_layer)
    assert all(-118 < r["lon"] < -116 for r in by_layer["stops"])  # the sample feed is in Nevada


def test_geojson_geopackage_and_shapefile_in_another_crs_are_reprojected(db_url, tmp_path):
    frame = gpd.read_file(HOSPITALS).to_crs(4547)  # CGCS2000 / 3-degree Gauss-Kruger CM 114E
    gpkg = tmp_path / "hospitals.gpkg"
    frame.to_file(gpkg, driver="GPKG")
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "hospitals.shp", driver="ESRI Shapefile", encoding="UTF-8")
    archive = tmp_path / "hospitals.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, f"hospitals/{part.name}")
    reference = load(db_url, HOSPITALS, "hospitals_geojson")
    expected = sorted((round(r["lon"], 5), round(r["lat"], 5)) for r in stored(db_url, reference.version_id))
    for path, name in ((gpkg, "hospitals_gpkg"), (archive, "hospitals_shp")):
        report = load(db_url, path, name)
        assert "EPSG:4547" in report.crs and report.rows == 44
        got = sorted((round(r["lon"], 5), round(r["lat"], 5)) for r in stored(db_url, report.version_id))
        assert np.allclose(got, expected, atol=1e-5), name
        assert "北京协和医院" in {
            r["data"][names(db_url, report.version_id).index("name")] for r in stored(db_url, report.version_id)
        }


def test_a_shapefile_without_prj_is_refused_until_its_crs_is_declared(db_url, tmp_path):
    frame = gpd.read_file(HOSPITALS).to_crs(4547)
    frame.to_file(tmp_path / "h.shp", driver="ESRI Shapefile", encoding="UTF-8")
    archive = tmp_path / "noprj.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("h.*"):
            if part.suffix != ".prj":
                z.write(part, part.name)
    with pytest.raises(ImportFailed) as refused:
        load(db_url, archive, "noprj")
    assert refused.value.key == "import.no_crs"
    assert load(db_url, archive, "noprj", crs="EPSG:4547").rows == 44


def test_gbk_csv_is_detected_typed_and_bad_rows_quarantined(db_url, tmp_path):
    lines = ["编号,名称,人口,面积,登记日期,是否重点,经度,纬度,区划代码"]
    lines += [
        f"{i},海淀区第{i}网格,{1000 + i},{i * 1.5},2024-0{1 + i % 9}-1{i % 10},"
        f"{'是' if i % 2 else '否'},116.3{i},39.9{i},010{i}"
        for i in range(1, 21)
    ]
    lines.insert(4, "99,只有三列,1")  # a row with the wrong number of fields
    lines.append("100,坐标错误,5,1.0,2024-01-01,是,东经,39.9,0100")
    body = "\r\n".join(lines).encode("gbk") + b"\r\n101,\xff\xfe\xfd,1,1,2024-01-01,\xca\xc7,116.3,39.9,0101\r\n"
    path = tmp_path / "grid.csv"
    path.write_bytes(body)
    report = load(db_url, path, "grid_gbk")
    assert report.encoding == "gb18030" and "decoded gb18030" in report.transforms
    types = {f["name"]: f["type"] for f in report.fields}
    assert types == {
        "编号": "integer",
        "名称": "text",
        "人口": "integer",
        "面积": "number",
        "登记日期": "date",
        "是否重点": "boolean",
        "经度": "number",
        "纬度": "number",
        "区划代码": "text",  # leading zero: a code, not a number
    }
    quarantined = problems(db_url, report.version_id)
    reasons = " | ".join(p["reason"] for p in quarantined)
    assert report.rows == 20 and len(quarantined) == 3, reasons
    assert "has 3 fields" in reasons and "gb18030" in reasons and "are not numbers" in reasons
    unplaced = next(p for p in quarantined if "are not numbers" in p["reason"])
    assert "东经" in unplaced["raw"] and unplaced["row"] == 23  # the row as read, by its line in the file
    kept = stored(db_url, report.version_id)
    first = next(r for r in kept if r["data"][0] == 1)
    assert first["data"][1] == "海淀区第1网格" and first["data"][5] is True and first["lon"] == pytest.approx(116.31)


def test_declared_gcj02_coordinates_are_converted_to_wgs84(db_url, tmp_path):
    lon, lat = coords.wgs84_to_gcj02(np.array([116.391275]), np.array([39.906217]))
    path = tmp_path / "amap.csv"
    path.write_text(f"name,lng,lat\n天安门,{lon[0]:.7f},{lat[0]:.7f}\n", encoding="utf-8")
    report = load(db_url, path, "amap", crs="gcj02")
    assert "converted GCJ02 to WGS-84" in report.transforms
    (row,) = stored(db_url, report.version_id)
    assert row["lon"] == pytest.approx(116.391275, abs=1e-6) and row["lat"] == pytest.approx(39.906217, abs=1e-6)


def test_excel_sheet_imports_with_types(db_url, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位", "床位", "评级"])
    for i in range(5):
        sheet.append([f"医院{i}", 100 + i, "三级甲等"])
    path = tmp_path / "beds.xlsx"
    book.save(path)
    report = load(db_url, path, "beds")
    assert report.format == "excel" and report.rows == 5
    assert {f["name"]: f["type"] for f in report.fields}["床位"] == "integer"


def test_a_truncated_file_fails_whole_and_leaves_no_records(db_url, tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_bytes(HOSPITALS.read_bytes()[:3000])
    with pytest.raises(ImportFailed) as refused:
        load(db_url, broken, "broken")
    assert refused.value.key == "import.unreadable"
    with transaction(db_url) as session:
        version = session.scalars(select(DatasetVersion).order_by(DatasetVersion.id.desc())).first()
        assert version.status == "failed" and "import.unreadable" in version.message
        assert session.scalar(select(func.count()).select_from(DatasetRecord)) == 0


def test_a_version_appears_whole_or_not_at_all(db_url, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("n,v\n" + "".join(f"{i},{i * 2}\n" for i in range(50_000)), encoding="utf-8")
    first = load(db_url, path, "big")
    fail_second_write(monkeypatch)
    with pytest.raises(OSError):
        load(db_url, path, "big")
    with transaction(db_url) as session:
        record = catalog.dataset_by_name(session, "big")
        assert record["current_version_id"] == first.version_id  # readers still see version 1, whole
        versions = catalog.versions(session, record["id"])
        assert [v["status"] for v in versions] == ["failed", "ready"]
        failed = versions[0]["id"]
        assert session.scalar(select(func.count()).where(DatasetRecord.version_id == failed)) == 0
        assert session.scalar(select(func.count()).where(DatasetRecord.version_id == first.version_id)) == 50_000


def _zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_archives_with_traversal_or_bombs_are_refused(db_url, tmp_path):
    traversal = _zip(tmp_path / "evil.zip", {"../../etc/x.shp": b"x", "stops.txt": b"a"})
    with pytest.raises(ImportFailed) as refused:
        load(db_url, traversal, "evil")
    assert refused.value.key == "import.zip_path"
    bomb = _zip(tmp_path / "bomb.zip", {"stops.txt": b"0" * 50_000_000})
    with pytest.raises(ImportFailed) as refused:
        load(db_url, bomb, "bomb")
    assert refused.value.key == "import.zip_bomb"
    assert not list(Path("/etc").glob("x.shp"))


def test_files_of_no_known_format_and_empty_files_are_refused(db_url, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed) as refused:
        load(db_url, empty, "empty")
    assert refused.value.key == "import.empty"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ImportFailed) as refused:
        load(db_url, junk, "junk")
    assert refused.value.key == "import.unknown_format"


def test_quarantined_rows_keep_the_row_as_read(db_url, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    report = load(db_url, path, "short")
    (problem,) = problems(db_url, report.version_id)
    assert problem["row"] == 3 and "4,5" in problem["raw"]
    with transaction(db_url) as session:
        assert session.scalar(select(func.count()).select_from(ImportProblem)) == 1


def test_gcj_conversion_round_trips_within_a_centimetre():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(115.5, 117.5, 500), rng.uniform(39.4, 41.0, 500)
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat))
    assert np.abs(back[0] - lon).max() < 1e-7 and np.abs(back[1] - lat).max() < 1e-7
    bd_lon, bd_lat = coords.bd09_to_wgs84(np.array([116.404]), np.array([39.915]))
    assert abs(bd_lon[0] - 116.3911) < 0.002 and abs(bd_lat[0] - 39.9071) < 0.002


def test_pyogrio_written_point_in_web_mercator(db_url, tmp_path):
    frame = gpd.GeoDataFrame({"名称": ["点"]}, geometry=[Point(116.3, 39.9)], crs=4326).to_crs(3857)
    path = tmp_path / "m.geojson"
    pyogrio.write_dataframe(frame, path, driver="GeoJSON", layer_options={"RFC7946": "NO"})
    report = load(db_url, path, "mercator")
    (row,) = stored(db_url, report.version_id)
    assert row["lon"] == pytest.approx(116.3) and row["lat"] == pytest.approx(39.9)


PLAIN_ROWS = [
    "编号,名称,人口,面积,登记日期,是否重点,经度,纬度,备注",
    '1,"海淀区,第1网格",1200,1.5,2024-01-10,是,116.31,39.91,"他说""好"""',
    "2,第2网格,+1300,1e3,2024/1/5,TRUE,116.32,39.92,C:\\路径",
    "3,第3网格,12x,abc,2024-02-30,否,东经,39.93,",
    "4,只有三列,1",
    ",,",
    "5,第5网格,,2.5,2024-03-01,false,116.35,39.95,\x01控制符",
    *(
        f"{i},第{i}网格,{1000 + i},{i / 7:.4f},2024-04-{1 + i % 28:02d},否,116.{30 + i % 9},39.9{i % 10},"
        for i in range(6, 60)
    ),
]


def test_a_plain_csv_takes_arrow_and_stores_what_the_csv_module_would(db_url, tmp_path, monkeypatch):
    path = tmp_path / "plain.csv"
    path.write_bytes("\r\n".join(PLAIN_ROWS).encode() + b"\r\n")
    assert arrow_csv.plain(path, "utf-8")
    fast = load(db_url, path, "plain_fast")
    monkeypatch.setattr(arrow_csv, "plain", lambda *_: False)
    slow = load(db_url, path, "plain_slow")
    assert (fast.rows, fast.quarantined) == (slow.rows, slow.quarantined) == (57, 2)
    assert fast.fields == slow.fields
    assert {f["name"]: f["type"] for f in fast.fields}["人口"] == "integer"
    fast_problems = [(p["row"], p["reason"][-15:]) for p in problems(db_url, fast.version_id)]
    assert fast_problems == [(p["row"], p["reason"][-15:]) for p in problems(db_url, slow.version_id)]
    assert sorted(r for r, _ in fast_problems) == [4, 5]  # 东经 on line 4; the short row on line 5
    fast_rows, slow_rows = stored(db_url, fast.version_id), stored(db_url, slow.version_id)
    assert fast_rows == slow_rows
    first, second = fast_rows[0]["data"], fast_rows[1]["data"]
    assert first[1] == "海淀区,第1网格" and first[8] == '他说"好"' and second[8] == "C:\\路径"
    assert second[2] == 1300 and second[3] == 1000 and second[4] == "2024-01-05" and second[5] is True
    assert fast_rows[2]["data"][2] is None and fast_rows[2]["data"][8] == "\x01控制符"


@pytest.mark.parametrize(
    "body",
    [b"a,b\n1,2\n\n3,4\n", b'a,b\n1,"two\nlines"\n', "a,b\n1,二\n".encode("gb18030") + b"2,\xff\xfe\n"],
    ids=["blank line", "quoted newline", "undecodable line"],
)
def test_files_that_are_not_plain_take_the_csv_modules_way(tmp_path, body):
    path = tmp_path / "odd.csv"
    path.write_bytes(body)
    assert not arrow_csv.plain(path, "gb18030" if b"\xff" in body else "utf-8")
