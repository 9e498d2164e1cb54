"""The sharing API against a served cockpit: catalog, records as JSON, GeoJSON and CSV (formula cells
neutralised) by cursor, imports as multipart uploads that run as a child process and are followed to the
end, refusals for roles, unshared data, bad parameters and bad files."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
import requests
from fixtures.db import TEST_ACTOR

from cockpit.services.support import users

FORMATS = Path(__file__).resolve().parent.parent / "sample_data" / "formats"


@pytest.fixture(scope="module")
def tokens(city_url) -> dict[str, str]:
    return {
        role: users.create_token(city_url, TEST_ACTOR, f"api-catalog-{role}", role) for role in ("analyst", "leader")
    }


def get(served, token, path, **params):
    return requests.get(served + path, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def dataset_id(served, token, name) -> int:
    found = get(served, token, "/api/v1/datasets", q=name).json()["datasets"]
    return next(d["id"] for d in found if d["name"] == name)


def upload(served, token, path: Path, **form) -> requests.Response:
    with path.open("rb") as handle:
        return requests.post(
            served + "/api/v1/datasets",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": (path.name, handle)},
            data=form,
            timeout=60,
        )


def finished(served, token, status_url: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        version = get(served, token, status_url).json()["version"]
        if version["status"] != "loading":
            return version
        time.sleep(0.3)
    raise AssertionError("the import did not finish in 60 s")


def test_catalog_lists_and_describes_datasets(served, tokens):
    listed = get(served, tokens["leader"], "/api/v1/datasets", q="避难").json()["datasets"]
    assert {"shelters", "shelters_emergency", "shelters_civil"} <= {d["name"] for d in listed}
    shelters = next(d for d in listed if d["name"] == "shelters")
    assert shelters["sharing"] == "unconditional"
    one = get(served, tokens["leader"], f"/api/v1/datasets/{shelters['id']}").json()
    assert one["dataset"]["rows"] == 1181 and {"lon", "lat"} <= {f["name"] for f in one["fields"]}
    assert get(served, tokens["leader"], "/api/v1/datasets/999999").status_code == 404
    paths = requests.get(served + "/api/v1/openapi.json", timeout=10).json()["paths"]
    assert {"/api/v1/datasets", "/api/v1/datasets/{id}/records", "/api/v1/imports/{id}"} <= set(paths)


def test_records_page_by_cursor_in_three_formats(served, tokens):
    shelters = dataset_id(served, tokens["leader"], "shelters")
    first = get(served, tokens["leader"], f"/api/v1/datasets/{shelters}/records", limit=500)
    body = first.json()
    assert len(body["records"]) == 500 and body["next_cursor"] and 'rel="next"' in first.headers["Link"]
    rest = get(served, tokens["leader"], f"/api/v1/datasets/{shelters}/records", limit=5000, cursor=body["next_cursor"])
    ids = [r["_id"] for r in body["records"] + rest.json()["records"]]
    assert len(ids) == len(set(ids)) == 1181 and rest.json()["next_cursor"] is None
    geo = get(served, tokens["leader"], f"/api/v1/datasets/{shelters}/records", format="geojson", limit=3).json()
    assert geo["type"] == "FeatureCollection" and geo["features"][0]["geometry"]["type"] == "Point"
    text = get(served, tokens["leader"], f"/api/v1/datasets/{shelters}/records", format="csv", limit=3).text
    assert len(list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))) == 4


def test_bad_parameters_and_unshared_data_are_refused(served, tokens):
    shelters = dataset_id(served, tokens["leader"], "shelters")
    base = f"/api/v1/datasets/{shelters}/records"
    for params in ({"bbox": "1,2,3"}, {"bbox": "200,0,201,1"}, {"format": "xml"}, {"limit": "0"}, {"cursor": "[1"}):
        answer = get(served, tokens["leader"], base, **params)
        assert answer.status_code == 400 and answer.json()["error"], params
    assert get(served, tokens["leader"], base, fields="no_such").status_code == 400
    cases = dataset_id(served, tokens["analyst"], "cases")
    refused = get(served, tokens["leader"], f"/api/v1/datasets/{cases}/records")
    assert refused.status_code == 403 and refused.json()["code"] == "catalog.not_shared"
    assert get(served, tokens["analyst"], f"/api/v1/datasets/{cases}/records").status_code == 200
    assert requests.get(served + base, timeout=10).status_code == 401


def test_an_uploaded_csv_imports_in_the_background_and_exports_safely(served, tokens, tmp_path):
    path = tmp_path / "hotline.csv"
    path.write_text("工单,内容,数量\n1,=cmd|' /C calc'!A0,3\n2,正常诉求,-4\n", encoding="gb18030")
    answer = upload(
        served, tokens["analyst"], path, dataset="hotline_sample", department="市政务服务局", sharing="unconditional"
    )
    assert answer.status_code == 202, answer.text
    version = finished(served, tokens["analyst"], answer.json()["status_url"])
    assert version["status"] == "ready" and version["rows"] == 2 and version["encoding"] == "gb18030"
    dataset = answer.json()["dataset_id"]
    text = get(served, tokens["leader"], f"/api/v1/datasets/{dataset}/records", format="csv").text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][2].startswith("'=") and rows[2][3] == "-4"  # the formula neutralised, the number kept


def test_imports_need_the_analyst_role_and_a_readable_file(served, tokens, tmp_path):
    geo = FORMATS / "rotterdam_subset.city.json"
    assert upload(served, tokens["leader"], geo, dataset="x", department="y").status_code == 403
    missing = upload(served, tokens["analyst"], geo, dataset="x")
    assert missing.status_code == 400 and missing.json()["code"] == "import.no_dataset"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01" * 100)
    assert (
        upload(served, tokens["analyst"], junk, dataset="junk", department="y").json()["code"]
        == "import.unknown_format"
    )
    answer = upload(served, tokens["analyst"], geo, dataset="rotterdam_api", department="规划院")
    version = finished(served, tokens["analyst"], answer.json()["status_url"])
    assert version["status"] == "failed" and version["message"].startswith("import.no_crs")
    bad = upload(served, tokens["analyst"], geo, dataset="r2", department="d", frequency="hourly")
    assert bad.status_code == 400 and bad.json()["code"] == "import.bad_attribute"


def test_conflicts_are_listed_detected_and_decided_through_the_api(served, tokens):
    listed = get(served, tokens["leader"], "/api/v1/conflicts", status="open", limit=5).json()["conflicts"]
    assert len(listed) == 5 and {"left_value", "right_value", "rule", "department"} <= set(listed[0])
    assert get(served, tokens["leader"], "/api/v1/conflicts", status="nonsense").status_code == 400
    bearer = {"Authorization": f"Bearer {tokens['analyst']}"}
    refused = requests.post(
        served + "/api/v1/conflicts/detect",
        json={},
        headers={"Authorization": f"Bearer {tokens['leader']}"},
        timeout=30,
    )
    assert refused.status_code == 403
    ran = requests.post(
        served + "/api/v1/conflicts/detect", json={"comparison": "shelter_registers"}, headers=bearer, timeout=60
    )
    assert ran.status_code == 200 and ran.json()["detections"][0]["new"] == 0
    target = listed[0]["id"]
    headers = bearer | {"Idempotency-Key": f"conflict-{target}"}
    body = {"action": "dismiss", "reason": "同一场所两个出入口"}
    first = requests.post(served + f"/api/v1/conflicts/{target}/transition", json=body, headers=headers, timeout=30)
    again = requests.post(served + f"/api/v1/conflicts/{target}/transition", json=body, headers=headers, timeout=30)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["conflict"]["status"] == "dismissed"
    later = requests.post(served + f"/api/v1/conflicts/{target}/transition", json=body, headers=bearer, timeout=30)
    assert later.status_code == 409


def test_datasets_export_as_ngsi_ld_entities_of_their_smart_data_model(served, tokens):
    devices = dataset_id(served, tokens["leader"], "devices")
    answer = get(served, tokens["leader"], f"/api/v1/datasets/{devices}/records", format="ngsi-ld", limit=3)
    assert answer.headers["Content-Type"].startswith("application/ld+json")
    (entity, *_) = answer.json()
    assert entity["type"] == "Device" and entity["id"].startswith("urn:ngsi-ld:Device:devices:")
    assert entity["location"]["type"] == "GeoProperty" and entity["location"]["value"]["type"] == "Point"
    assert entity["category"]["type"] == "Property" and "@context" in entity
    hospitals = dataset_id(served, tokens["leader"], "hospitals")
    (poi, *_) = get(served, tokens["leader"], f"/api/v1/datasets/{hospitals}/records", format="ngsi-ld", limit=1).json()
    assert poi["type"] == "PointOfInterest" and poi["category"]["value"] == ["hospital"]


def test_ngsi_ld_entities_name_a_context_the_cockpit_serves(served, tokens):
    """N20: the entities' @context pointed at GitHub and ETSI, which an air-gapped consumer cannot reach."""
    devices = dataset_id(served, tokens["leader"], "devices")
    (entity, *_) = get(served, tokens["leader"], f"/api/v1/datasets/{devices}/records", format="ngsi-ld").json()
    assert entity["@context"] == served + "/api/v1/ngsi-ld/context.jsonld"
    served_context = requests.get(entity["@context"], timeout=10)
    assert served_context.status_code == 200 and served_context.headers["Content-Type"].startswith(
        "application/ld+json"
    )
    terms = served_context.json()["@context"]
    assert {"Device", "PointOfInterest", "Property", "GeoProperty", "location", "category"} <= set(terms)
    used = {k for k in entity if not k.startswith("@")} - {"id", "type"}
    assert used <= set(terms)


def test_a_body_over_a_routes_limit_names_that_limit(served, tokens):
    """N19: 100 KB to a 64 KB route was refused as 'larger than 2048 KiB'."""
    answer = requests.post(
        served + "/api/v1/tickets/route",
        data=b"x" * 100_000,
        headers={"Authorization": f"Bearer {tokens['leader']}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 413 and "64 KiB" in answer.json()["error"]


def test_values_that_start_with_a_dash_are_values(served, tokens, tmp_path):
    """N5 (a): a file called -evil.csv, or a department --help, broke the import child's arguments and left the
    version loading for ever."""
    path = tmp_path / "-evil.csv"
    path.write_text("编号,名称\n1,甲\n2,乙\n", encoding="utf-8")
    answer = upload(
        served, tokens["analyst"], path, dataset="dash_values", department="--help", description="--actor=admin|admin"
    )
    assert answer.status_code == 202, answer.text
    version = finished(served, tokens["analyst"], answer.json()["status_url"])
    assert version["status"] == "ready" and version["rows"] == 2 and version["source_name"] == "-evil.csv"


def test_a_gzip_that_expands_beyond_reason_is_refused(served, tokens, tmp_path):
    """N6: 1 MB of gzip that expands to a gibibyte of whitespace was read for 22 s before failing."""
    import gzip

    bomb = tmp_path / "bomb.osm.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as sink:
        sink.write(b'<?xml version="1.0"?><osm version="0.6">')
        for _ in range(64):
            sink.write(b" " * (1 << 20))
    answer = upload(served, tokens["analyst"], bomb, dataset="osm_bomb", department="规划院")
    assert answer.status_code == 202 or answer.json()["code"] == "import.zip_bomb", answer.text
    if answer.status_code == 202:
        version = finished(served, tokens["analyst"], answer.json()["status_url"])
        assert version["status"] == "failed" and version["message"].startswith("import.zip_bomb")
