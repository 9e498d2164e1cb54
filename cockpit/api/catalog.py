"""The sharing API of the big-data platform, on the /api/v1 blueprint: the catalog, a dataset's record, pages
of its records (JSON, GeoJSON or CSV, by cursor, bbox and fields), and imports (analysts), which answer 202
with the version to follow. Reading records checks the sharing attribute and writes the usage register."""

from __future__ import annotations

import math

import flask
import orjson

from cockpit import auth, context
from cockpit.api.common import (
    PATHS,
    blueprint,
    error_answer,
    int_arg,
    iso_times,
    operation_doc,
    public_doc,
    refuse,
    refused_answer,
)
from cockpit.api.data_upload import submit_upload
from cockpit.refusal import Refused
from cockpit.services.data import catalog, import_jobs, ngsi_ld, sharing
from cockpit.services.data.importing.errors import ImportFailed
from cockpit.services.kernel.export import to_csv

FORMATS = ("json", "geojson", "csv", "ngsi-ld")
MAX_RECORDS = 5000
MAX_FIELDS = 200

PATHS.update(
    {
        "/api/v1/ngsi-ld/context.jsonld": {
            "get": public_doc("The JSON-LD context the NGSI-LD exports name (core and Smart Data Model terms)")
        },
        "/api/v1/datasets": {
            "get": operation_doc("The catalog: datasets ranked by match and quality", "catalog.read", ("q", "limit")),
            "post": operation_doc(
                "Import a file as a new version of a dataset (multipart form); 202 with the version to follow",
                "dataset.import",
                body="multipart/form-data: file, dataset, department[, title, crs, encoding]",
            ),
        },
        "/api/v1/datasets/{id}": {
            "get": operation_doc("A dataset's catalog record, fields and versions", "catalog.read")
        },
        "/api/v1/datasets/{id}/records": {
            "get": operation_doc(
                "A page of records: cursor pagination, bbox=w,s,e,n, fields=a,b, format=json|geojson|csv|ngsi-ld "
                "(entities of the matching Smart Data Model); the "
                "read is written in the usage register with its purpose",
                "catalog.read",
                ("limit", "cursor", "bbox", "fields", "format", "purpose"),
            )
        },
        "/api/v1/imports/{id}": {"get": operation_doc("An import version's status and progress", "catalog.read")},
    }
)


def _card(card: catalog.Card) -> dict:
    return iso_times(card.__dict__)


@blueprint.get("/ngsi-ld/context.jsonld")
def ngsi_ld_context() -> flask.Response:
    """The JSON-LD context the exported entities name: served here, for a consumer with no internet."""
    response = flask.Response(orjson.dumps(ngsi_ld.context()), mimetype="application/ld+json")
    response.cache_control.max_age = 86400
    return response


@blueprint.get("/datasets")
@auth.guard("catalog.read")
def list_datasets() -> flask.Response:
    query = flask.request.args.get("q", "")[:200]
    cards = catalog.search(context.database_url(), query, int_arg("limit", 100, 1, 1000))
    return flask.jsonify(datasets=[_card(c) for c in cards])


@blueprint.get("/datasets/<id:dataset_id>")
@auth.guard("catalog.read")
def get_dataset(dataset_id: int) -> tuple[flask.Response, int]:
    found = catalog.detail(context.database_url(), dataset_id)
    if found is None:
        return error_answer(404, f"no dataset {dataset_id}")
    return flask.jsonify(
        dataset=_card(found.card)
        | {"description": found.record["description"], "keywords": found.record["keywords"], "extent": found.extent},
        fields=found.fields,
        versions=[iso_times(v) for v in found.versions],
        quality=[iso_times(q) for q in found.quality],
        lineage=found.lineage,
    ), 200


def _bbox() -> tuple[float, float, float, float] | None:
    raw = flask.request.args.get("bbox")
    if raw is None:
        return None
    try:
        west, south, east, north = (float(p) for p in raw.split(","))
    except ValueError:
        refuse(f"bbox must be west,south,east,north in degrees, not {raw[:80]!r}")
    if not all(map(math.isfinite, (west, south, east, north))) or not (
        -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    ):
        refuse("bbox must hold -180 <= west <= east <= 180 and -90 <= south <= north <= 90")
    return west, south, east, north


def _cursor() -> str | None:
    raw = flask.request.args.get("cursor")
    if raw is not None and len(raw) > 200:
        refuse("cursor is the next_cursor of the previous page, as given")
    return raw or None


def _fields() -> list[str] | None:
    raw = flask.request.args.get("fields")
    if not raw:
        return None
    names = [n.strip() for n in raw.split(",") if n.strip()]
    if len(names) > MAX_FIELDS:
        refuse(f"at most {MAX_FIELDS} fields")
    return names


@blueprint.get("/datasets/<id:dataset_id>/records")
@auth.guard("catalog.read")
def dataset_records(dataset_id: int) -> tuple[flask.Response, int]:
    shape = flask.request.args.get("format", "json")
    if shape not in FORMATS:
        return error_answer(400, f"format must be one of {', '.join(FORMATS)}")
    try:
        page = catalog.records(
            context.database_url(),
            auth.current_actor(),
            dataset_id,
            cursor=_cursor(),
            limit=int_arg("limit", 1000, 1, MAX_RECORDS),
            bbox=_bbox(),
            wanted=_fields(),
            purpose=flask.request.args.get("purpose") or flask.request.headers.get("X-Purpose"),
            route=f"records.{shape}",
            key=sharing.key_of(context.database_url(), flask.g.get("api_client")),
        )
    except Refused as error:
        return refused_answer(error)
    if shape == "csv":
        rows = [{k: v for k, v in r.items() if k != "_geometry"} for r in page.records]
        response = flask.Response(to_csv(rows, ["_id", *page.fields]), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="dataset-{dataset_id}.csv"'
    elif shape == "ngsi-ld":
        with_record = catalog.detail(context.database_url(), dataset_id).record
        here = flask.url_for("api_v1.ngsi_ld_context", _external=True)
        body = orjson.dumps(ngsi_ld.entities(with_record, page.records, here), default=str)
        response = flask.Response(body, mimetype="application/ld+json")
    elif shape == "geojson":
        features = [_feature(r) for r in page.records]
        body = {"type": "FeatureCollection", "features": features, "next_cursor": page.next_cursor}
        response = flask.Response(flask.json.dumps(body), mimetype="application/geo+json")
    else:  # orjson: a 1,000-record page is most of this route's time in the standard encoder
        body = orjson.dumps({"records": page.records, "next_cursor": page.next_cursor}, default=str)
        response = flask.Response(body, mimetype="application/json")
    if page.next_cursor:
        response.headers["Link"] = f'<{_next_url(page.next_cursor)}>; rel="next"'
    return response, 200


def _feature(record: dict) -> dict:
    geometry = record.get("_geometry") or record.get("geometry")
    if geometry is None and isinstance(record.get("lon"), int | float) and isinstance(record.get("lat"), int | float):
        geometry = {"type": "Point", "coordinates": [record["lon"], record["lat"]]}
    properties = {k: v for k, v in iso_times(record).items() if k not in ("_geometry", "geometry", "_id")}
    return {"type": "Feature", "id": record["_id"], "geometry": geometry, "properties": properties}


def _next_url(cursor: str) -> str:
    args = flask.request.args.to_dict() | {"cursor": cursor}
    return flask.url_for("api_v1.dataset_records", dataset_id=flask.request.view_args["dataset_id"], **args)


@blueprint.post("/datasets")
@auth.guard("dataset.import")
def post_dataset() -> tuple[flask.Response, int]:
    try:
        made = submit_upload()
    except ImportFailed as error:
        body, status = error.answer()
        return flask.jsonify(body), status
    return flask.jsonify(
        dataset_id=made["dataset_id"], version=iso_times(made), status_url=f"/api/v1/imports/{made['id']}"
    ), 202


@blueprint.get("/imports/<id:version_id>")
@auth.guard("catalog.read")
def import_status(version_id: int) -> tuple[flask.Response, int]:
    found = import_jobs.status(context.database_url(), version_id)
    if found is None:
        return error_answer(404, f"no import {version_id}")
    return flask.jsonify(version=iso_times(found)), 200
