"""Static files are compressed once per process and served the same each time; other responses are left to
Flask-Compress, and a made-up query string does not grow the store."""

from __future__ import annotations

import gzip

import brotli

from cockpit import static_files

BUNDLE = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def test_a_bundle_is_compressed_once_and_served_whole(app_client):
    first = app_client.get(BUNDLE, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    plain = brotli.decompress(first.get_data())
    assert plain.startswith(b"/**") or b"plotly" in plain[:2000]
    kept = len(static_files._kept)
    again = app_client.get(BUNDLE + "?m=12345", headers={"Accept-Encoding": "br"})
    assert again.get_data() == first.get_data() and len(static_files._kept) == kept
    zipped = app_client.get(BUNDLE, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == plain
    raw = app_client.get(BUNDLE, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in raw.headers and raw.get_data() == plain


def test_pages_and_missing_files_are_not_kept(app_client):
    kept = len(static_files._kept)
    assert app_client.get("/login", headers={"Accept-Encoding": "br"}).status_code == 200
    assert app_client.get("/assets/no-such-file.js", headers={"Accept-Encoding": "br"}).status_code == 404
    assert len(static_files._kept) == kept
