"""Plain Flask routes beside Dash: sign-in and sign-out, map layers by URL (cached, compressed) and the
language switch."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import flask
import flask_login
import orjson
from flask_caching import Cache
from itsdangerous import BadData, URLSafeTimedSerializer

from cockpit import auth, context, vocab
from cockpit.i18n import COOKIE, LANGS, TABLE, t
from cockpit.permissions import allows
from cockpit.services.cim import basemap
from cockpit.services.support import audit, throttle, users

LAYER_TTL = 300  # seconds; the base map changes only with `cockpit init`
LIVE_TTL = 3  # device status and station readings follow the live city
WALL_SECONDS = (5, 45, 600)
FIELD_HOME = "/field"
DEVICE_COOKIE = "cockpit_device"  # accounts signed in to from this browser: their owner is never throttled out
DEVICE_DAYS = 90
DEVICE_NAMES = 8  # shortest, usual and longest time one scenario stays on the wall

blueprint = flask.Blueprint("cockpit_web", __name__, template_folder="templates")
cache = Cache()


def _local_path(target: str | None) -> str:
    """Only a path on this site, with its query (a shared drill-down address): never an open redirect."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _login_page(error: str | None = None, username: str = "", status: int = 200) -> tuple[str, int]:
    lang = context.lang()
    page = flask.render_template(
        "login.html",
        t=lambda key: t(key, lang),
        lang=lang,
        other_lang="en" if lang == "zh" else "zh",
        next=_local_path(flask.request.values.get("next")),
        username=username,
        error=error,
    )
    return page, status


def _trusted_names() -> list[str]:
    """Name hashes of the accounts this browser has signed in to (a signed cookie; tampering voids it)."""
    raw = flask.request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        names = _device_signer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadData:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(context.settings().secret_key, salt="cockpit-device")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if flask.request.method == "GET":
        return _login_page()
    url = context.database_url()
    username = flask.request.form.get("username", "")[:64]
    known = _trusted_names()
    attempt = throttle.Attempt(username, flask.request.remote_addr, throttle.name_hash(username) in known)
    wait = throttle.reserve(url, attempt, auth.current_actor())
    if wait:
        audit.record_alone(url, auth.current_actor(), "login.throttled", users.audit_name(url, username))
        page, status = _login_page(t("login.throttled", context.lang(), seconds=wait), username, 429)
        return page, status, {"Retry-After": str(wait)}
    user = users.authenticate(url, username, flask.request.form.get("password", ""))
    if user is None:
        audit.record_alone(url, auth.current_actor(), "login.failed", users.audit_name(url, username))
        return _login_page(t("login.failed", context.lang()), username, 401)
    throttle.succeeded(url, attempt)
    flask.session.clear()
    flask.session.permanent = True
    token = users.open_session(url, auth.current_actor(), user)
    flask_login.login_user(auth.SessionUser(user, token))
    target = _local_path(flask.request.form.get("next"))
    if target == "/" and not allows(user["role"], "view"):
        target = FIELD_HOME  # a field worker's phone opens on their tasks, not on the desk's overview
    response = flask.redirect(target)
    names = [throttle.name_hash(username), *(n for n in known if n != throttle.name_hash(username))]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_signer().dumps(names[:DEVICE_NAMES]),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Strict",
        secure=context.settings().cookie_secure,
    )
    return response


@blueprint.post("/logout")
def logout():
    actor = auth.current_actor()
    user = flask_login.current_user
    if not actor.anonymous:
        users.end_session(context.database_url(), actor, user.token)
    flask_login.logout_user()
    flask.session.clear()
    return flask.redirect(flask.url_for("cockpit_web.login"))


@blueprint.get("/wall")
@auth.guard("view")
def wall() -> flask.Response:
    """The address a video wall is pointed at: the overview in wall mode, which then shows the scenarios this
    account may see in turn (assets/wall.js), each for `every` seconds."""
    low, usual, high = WALL_SECONDS
    seconds = min(max(flask.request.args.get("every", usual, type=int), low), high)
    return flask.redirect(f"/?wall={seconds}")


@blueprint.get("/geo/<layer>.json")
@auth.guard("map.read")
def geo_layer(layer: str) -> flask.Response:
    if layer not in basemap.LAYERS:
        return flask.jsonify(error=f"unknown layer {layer!r}; known: {', '.join(basemap.LAYERS)}"), 404
    if layer in basemap.DESK_LAYERS:
        auth.require("view", f"route:{flask.request.path}")  # the registers and the live state are the desk's
    key = f"geo:{layer}"
    body = cache.get(key)
    if body is None:
        body = gzip.compress(basemap.layer_json(context.database_url(), layer), compresslevel=6)
        cache.set(key, body, timeout=LIVE_TTL if layer in basemap.LIVE_LAYERS else LAYER_TTL)
    if "gzip" in flask.request.headers.get("Accept-Encoding", ""):
        response = flask.Response(body, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = flask.Response(gzip.decompress(body), mimetype="application/geo+json")
    response.headers["Vary"] = "Accept-Encoding"
    response.cache_control.private = True
    response.cache_control.max_age = 5 if layer in basemap.LIVE_LAYERS else 60
    return response


@blueprint.get("/vocab.css")
def vocabulary_css() -> flask.Response:
    """The colours of the cockpit's vocabularies as CSS variables, from cockpit.vocab."""
    response = flask.Response(vocab.css(), mimetype="text/css")
    response.cache_control.max_age = 300
    return response


@blueprint.get("/vocab.js")
def vocabulary_script() -> flask.Response:
    """For the browser's own scripts: their texts in the viewer's language (the one i18n table) and the
    vocabularies' colours (cockpit.vocab)."""
    lang = context.lang()
    texts = {key.removeprefix("js."): t(key, lang) for key in TABLE if key.startswith("js.")}
    body = (
        f"window.cockpitText = {orjson.dumps(texts).decode()};\n"
        f"window.cockpitVocab = {orjson.dumps(vocab.for_browser()).decode()};\n"
    )
    response = flask.Response(body, mimetype="application/javascript")
    response.headers["Vary"] = "Cookie"
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response


@blueprint.get("/lang/<code>")
def switch_language(code: str) -> flask.Response:
    """Remember the choice in a cookie and go back to the page the viewer came from (same origin only)."""
    if code not in LANGS:
        flask.abort(404)
    referrer = urlsplit(flask.request.referrer or "/")
    target = _local_path(referrer.path) if referrer.netloc in ("", flask.request.host) else "/"
    response = flask.redirect(target)
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
