"""Sessions, CSRF and security headers, wired onto the Flask server with kept libraries
(flask-login, Flask-WTF, flask-talisman)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import flask
from dash import Dash
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from cockpit import auth, context
from cockpit.inputs import BadInput, strict_json
from cockpit.services.support import audit
from cockpit.settings import Settings

CSRF_COOKIE = "_csrf_token"  # the cookie dash-renderer reads to send the X-CSRFToken header

csrf = CSRFProtect()


def content_security_policy(app: Dash, settings: Settings) -> dict[str, object]:
    """Only this origin; Dash's own inline bootstrap script is allowed by its hash, nothing else inline.
    Styles may be inline because Leaflet and React set them at run time."""
    images = ["'self'", "data:", "blob:"]
    if settings.tile_url:
        tiles = urlsplit(settings.tile_url)
        images.append(f"{tiles.scheme}://{tiles.netloc}")
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def _set_csrf_cookie(response: flask.Response) -> flask.Response:
    if flask.request.path.startswith(("/api/", "/assets/", "/_dash-component-suites/")):
        return response
    settings = context.settings()
    response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Strict", secure=settings.cookie_secure, httponly=False)
    return response


def _csrf_refused(error: CSRFError) -> tuple[flask.Response, int]:
    audit.record_alone(
        context.settings().database_url,
        auth.current_actor(),
        "csrf.refused",
        f"route:{flask.request.path}",
        after={"reason": error.description},
    )
    return flask.jsonify(error=f"CSRF check failed: {error.description}"), 400


# The largest body each kind of request may carry (413 beyond it): a full batch of 5,000 readings is about
# 0.5 MB, a callback with the rules table about 100 KB; everything else is a small form or a short JSON.
BODY_LIMITS = (
    ("/api/v1/readings", 2 * 1024 * 1024),
    ("/field/api/photos", 13 * 1024 * 1024),
    ("/api/v1/datasets", 2 * 1024**3),  # an import's file, spooled to disk by the server, never held in memory
    ("/platform/data/upload", 2 * 1024**3),  # one photo of at most 12 MB, with its form around it
    ("/_dash-update-component", 1024 * 1024),
    ("/api/", 64 * 1024),
    ("/", 16 * 1024),
)


def _limit_body() -> None:
    path = flask.request.path
    flask.request.max_content_length = next(limit for prefix, limit in BODY_LIMITS if path.startswith(prefix))


def _strict_body() -> tuple[flask.Response, int] | None:
    """A JSON body is parsed strictly before any handler sees it (cockpit.inputs)."""
    request = flask.request
    if request.method not in auth.UNSAFE or not request.is_json or not request.content_length:
        return None
    try:
        strict_json(request.get_data(cache=True))
    except BadInput as error:
        return flask.jsonify(error=f"bad input: {error}"), 400
    return None


def _callback_shape(app: Dash) -> Callable[[], tuple[flask.Response, int] | None]:
    """A callback request is checked for its shape before Dash reads it: Dash answers a body that is not an
    object, names no server callback (an unknown or a client-side output) or gives its page router a path
    that is not one with a 500."""

    def check() -> tuple[flask.Response, int] | None:
        request = flask.request
        if request.path != "/_dash-update-component" or request.method != "POST":
            return None
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str):
            return flask.jsonify(error="bad input: a callback request is an object naming its output"), 400
        if not isinstance(body.get("inputs"), list) or not isinstance(body.get("state", []), list):
            return flask.jsonify(error="bad input: a callback request lists its inputs and state"), 400
        spec = app.callback_map.get(body["output"])
        if spec is None or "callback" not in spec:
            return flask.jsonify(error=f"no server callback for {body['output'][:80]!r}"), 404
        if body["output"].startswith(PAGE_ROUTER) and not _a_path(body["inputs"]):
            return flask.jsonify(error="bad input: the page router takes a path that starts with /"), 400
        return None

    return check


PAGE_ROUTER = ".._pages_content."


def _a_path(inputs: list) -> bool:
    pathname = next((i.get("value") for i in inputs if isinstance(i, dict) and i.get("property") == "pathname"), "")
    return isinstance(pathname, str) and pathname.startswith("/") and len(pathname) <= 2048


def _component_path() -> tuple[flask.Response, int] | None:
    """A component bundle's path is a file name under its package: `..` (however it is encoded) is a 404,
    not an error in Dash's file lookup."""
    path = flask.request.path
    if path.startswith("/_dash-component-suites/") and (".." in path or "\\" in path):
        return flask.jsonify(error="no such file"), 404
    return None


def install_sessions(app: Dash, settings: Settings) -> None:
    """Sign-in, the gate and CSRF: before anything else can serve a request."""
    server = app.server
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        SESSION_REFRESH_EACH_REQUEST=False,  # the server's session record keeps the times, not the cookie
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        WTF_CSRF_TIME_LIMIT=None,  # bounded by the session instead: the wall keeps one page open for days
        WTF_CSRF_SSL_STRICT=settings.cookie_secure,
    )
    if settings.proxies:  # behind nginx: the client's address and scheme come from the trusted proxy's headers
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies)
    auth.login_manager.init_app(server)
    server.before_request(_limit_body)
    server.before_request(auth.gate)
    csrf.init_app(server)
    server.before_request(_strict_body)
    server.before_request(_callback_shape(app))
    server.before_request(_component_path)
    server.register_error_handler(CSRFError, _csrf_refused)
    server.after_request(_set_csrf_cookie)
    server.after_request(auth.stamp_request_id)


def install_headers(app: Dash, settings: Settings) -> None:
    """Security headers last, once Dash has every inline script whose hash the policy must allow."""
    Talisman(
        app.server,
        force_https=False,
        strict_transport_security=settings.cookie_secure,
        session_cookie_secure=settings.cookie_secure,
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=content_security_policy(app, settings),
        referrer_policy="same-origin",
    )
