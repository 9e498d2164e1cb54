"""Read the real Beijing files shipped in sample_data/ into plain rows, tagging each with its district."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import orjson
import pandas as pd
from shapely.geometry import shape

HERE = Path(__file__).resolve().parent
CITY = HERE / "city"
AIR = HERE / "air_quality"

BASE_FILES = {
    "road": "roads.geojson",
    "building": "buildings.geojson",
    "water": "water.geojson",
    "green": "green.geojson",
    "poi": "pois.geojson",
    "coverage": "coverage.geojson",
}
OSM_SOURCE = "OpenStreetMap (ODbL 1.0, © OpenStreetMap contributors)"

# UCI station name -> (id in stations.csv, official Chinese name of the monitoring station)
AIR_STATIONS = {
    "Aotizhongxin": ("aotizhongxin_aq", "奥体中心"),
    "Changping": ("pingchang_aq", "昌平镇"),
    "Dingling": ("dingling_aq", "定陵"),
    "Dongsi": ("dongsi_aq", "东四"),
    "Guanyuan": ("guanyuan_aq", "官园"),
    "Gucheng": ("gucheng_aq", "古城"),
    "Huairou": ("huairou_aq", "怀柔镇"),
    "Nongzhanguan": ("nongzhanguan_aq", "农展馆"),
    "Shunyi": ("shunyi_aq", "顺义新城"),
    "Tiantan": ("tiantan_aq", "天坛"),
    "Wanliu": ("wanliu_aq", "海淀区万柳"),
    "Wanshouxigong": ("wanshouxigong_aq", "万寿西宫"),
}
AIR_SOURCE = "UCI Beijing Multi-Site Air-Quality Data (CC BY 4.0)"
HOSPITAL_SOURCE = "real hospital (nwjf/hospital reference list, GCJ-02 -> WGS-84)"
SHELTER_SOURCE = "real shelter (Beijing open data via ohnowho/MyShleter_1.0, GCJ-02 -> WGS-84)"


def read_geojson(name: str) -> list[dict[str, Any]]:
    return orjson.loads((CITY / name).read_bytes())["features"]


def districts() -> list[dict[str, Any]]:
    rows = []
    for f in read_geojson("districts.geojson"):
        geom = shape(f["geometry"])
        point = geom.representative_point()
        p = f["properties"]
        rows.append(
            {
                "adcode": p["adcode"],
                "name": p["name"],
                "geometry": orjson.dumps(f["geometry"]).decode(),
                "lon": round(point.x, 6),
                "lat": round(point.y, 6),
                "source": p["source"],
            }
        )
    return rows


def district_frame(district_rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"adcode": [d["adcode"] for d in district_rows]},
        geometry=[shape(orjson.loads(d["geometry"])) for d in district_rows],
        crs="EPSG:4326",
    )


def district_of(points: list[tuple[float, float]], frame: gpd.GeoDataFrame) -> list[str | None]:
    """The adcode containing each (lon, lat), or None outside Beijing."""
    if not points:
        return []
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*zip(*points, strict=True)), crs="EPSG:4326")
    joined = gpd.sjoin(pts, frame, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [None if pd.isna(a) else a for a in joined["adcode"]]


def base_features() -> list[dict[str, Any]]:
    rows = []
    for layer, name in BASE_FILES.items():
        for f in read_geojson(name):
            p = f["properties"]
            minx, miny, maxx, maxy = shape(f["geometry"]).bounds
            kind = p.get("highway") or p.get("kind") or p.get("category") or p.get("building")
            rows.append(
                {
                    "layer": layer,
                    "osm_id": p.get("osm_id"),
                    "name": p.get("name"),
                    "kind": kind,
                    "properties": orjson.dumps(p).decode(),
                    "geometry": orjson.dumps(f["geometry"]).decode(),
                    "min_lon": minx,
                    "min_lat": miny,
                    "max_lon": maxx,
                    "max_lat": maxy,
                    "source": OSM_SOURCE if layer != "coverage" else f"OSM export footprint {p['src']}",
                }
            )
    return rows


def facilities(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Metro stations (entrances left out), reference hospitals and reference shelters, city-wide."""
    raw: list[tuple[str, str, str | None, dict[str, Any], list[float], str]] = []
    for f in read_geojson("metro_stations.geojson"):
        p = f["properties"]
        if p["category"] == "metro_station":
            raw.append(
                ("metro_station", p.get("osm_id") or p["name"], p["name"], p, f["geometry"]["coordinates"], OSM_SOURCE)
            )
    for f in read_geojson("hospitals_reference.geojson"):
        p = f["properties"]
        raw.append(("hospital", p["ref_id"], p["name"], p, f["geometry"]["coordinates"], p["src"]))
    for f in read_geojson("shelters_reference.geojson"):
        p = f["properties"]
        raw.append(("shelter", p["sid"], None, p, f["geometry"]["coordinates"], p["src"]))
    adcodes = district_of([(c[0], c[1]) for *_, c, _s in raw], frame)
    return [
        {
            "kind": kind,
            "ref": ref,
            "name": name,
            "lon": coords[0],
            "lat": coords[1],
            "district_adcode": adcode,
            "properties": orjson.dumps(props).decode(),
            "source": source,
        }
        for (kind, ref, name, props, coords, source), adcode in zip(raw, adcodes, strict=True)
    ]


def air_stations(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    coords = pd.read_csv(AIR / "stations.csv").set_index("stationId")
    rows = []
    for code, name in AIR_STATIONS.values():
        rows.append(
            {
                "code": code,
                "name": name,
                "lon": float(coords.at[code, "longitude"]),
                "lat": float(coords.at[code, "latitude"]),
                "source": AIR_SOURCE,
            }
        )
    for row, adcode in zip(rows, district_of([(r["lon"], r["lat"]) for r in rows], frame), strict=True):
        row["district_adcode"] = adcode
    return rows


def air_quality_hours() -> pd.DataFrame:
    """All 12 stations' hourly series as one frame in the air_quality_hour column layout."""
    frames = []
    for path in sorted(AIR.glob("PRSA_Data_*.csv.gz")):
        df = pd.read_csv(path, na_values=[" "], low_memory=False)
        station = df["station"].iloc[0]
        frames.append(
            pd.DataFrame(
                {
                    "station_code": AIR_STATIONS[station][0],
                    "ts": pd.to_datetime(df[["year", "month", "day", "hour"]]).dt.to_pydatetime(),
                    "pm25": df["PM2.5"],
                    "pm10": df["PM10"],
                    "so2": df["SO2"],
                    "no2": df["NO2"],
                    "co": df["CO"],
                    "o3": df["O3"],
                    "temp": df["TEMP"],
                    "pres": df["PRES"],
                    "dewp": df["DEWP"],
                    "rain": df["RAIN"],
                    "wd": df["wd"],
                    "wspm": df["WSPM"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
