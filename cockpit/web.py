"""Plain Flask routes beside Dash: map layers by URL (cached, compressed) and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
from flask_caching import Cache

from cockpit import context
from cockpit.i18n import COOKIE, LANGS
from cockpit.services import basemap

LAYER_TTL = 300  # seconds; the base map changes only with `cockpit init`, devices' state within minutes

blueprint = flask.Blueprint("cockpit_web", __name__)
cache = Cache()


@blueprint.get("/geo/<layer>.json")
def geo_layer(layer: str) -> flask.Response:
    if layer not in basemap.LAYERS:
        return flask.jsonify(error=f"unknown layer {layer!r}; known: {', '.join(basemap.LAYERS)}"), 404
    key = f"geo:{layer}"
    body = cache.get(key)
    if body is None:
        body = basemap.layer_json(context.settings().database_url, layer)
        cache.set(key, body, timeout=LAYER_TTL)
    response = flask.Response(body, mimetype="application/geo+json")
    response.cache_control.private = True
    response.cache_control.max_age = 60
    return response


@blueprint.get("/lang/<code>")
def switch_language(code: str) -> flask.Response:
    """Remember the choice in a cookie and go back to the page the viewer came from (same origin only)."""
    if code not in LANGS:
        flask.abort(404)
    referrer = urlsplit(flask.request.referrer or "/")
    same_origin = not referrer.netloc or referrer.netloc == flask.request.host
    target = (referrer.path or "/") if same_origin else "/"
    response = flask.redirect(target)
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
