"""Static files compressed once per process. Flask-Compress compresses every response anew: for Dash's plotly
bundle (4.7 MB) that is half a second of a worker's CPU on every first visit of every browser, wall screen and
phone. The component suites and assets never change while a process runs (their URLs carry a fingerprint), so
each is compressed the first time it is asked for and kept; Flask-Compress leaves a response that is already
encoded alone."""

from __future__ import annotations

import gzip
from threading import Lock

import brotli
import flask

PREFIXES = ("/_dash-component-suites/", "/assets/")
TYPES = ("application/javascript", "text/javascript", "text/css", "application/json")
BROTLI_QUALITY = 4  # as Flask-Compress: the first visit waits no longer than before
_kept: dict[tuple[str, str], bytes] = {}
_lock = Lock()


def _encoding(accepted: str) -> str | None:
    offered = {part.split(";")[0].strip() for part in accepted.split(",")}
    return "br" if "br" in offered else "gzip" if "gzip" in offered else None


def _compressed(data: bytes, encoding: str) -> bytes:
    return brotli.compress(data, quality=BROTLI_QUALITY) if encoding == "br" else gzip.compress(data, 6)


def precompressed(response: flask.Response) -> flask.Response:
    request = flask.request
    if (
        request.method != "GET"
        or not request.path.startswith(PREFIXES)
        or response.status_code != 200
        or response.mimetype not in TYPES
        or "Content-Encoding" in response.headers
    ):
        return response
    encoding = _encoding(request.headers.get("Accept-Encoding", ""))
    if encoding is None:
        return response
    key = (request.path, encoding)  # not the query: a made-up query string must not grow the store
    body = _kept.get(key)
    if body is None:
        response.direct_passthrough = False
        body = _compressed(response.get_data(), encoding)
        with _lock:
            _kept[key] = body
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    response.headers["Content-Length"] = str(len(body))
    response.vary.add("Accept-Encoding")
    return response


def install(server: flask.Flask) -> None:
    """Register after Flask-Compress: Flask runs after-request functions last registered first."""
    server.after_request(precompressed)
