"""Authorization on the server. One mechanism: `guard(permission)` wraps every Dash callback, page layout
and API route that reads restricted data or changes anything; a refusal is logged and answered 401/403.
Hiding navigation is only convenience; this is the protection."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import flask
import flask_login

from cockpit import context, inputs
from cockpit.actor import Actor
from cockpit.bidi import neutral
from cockpit.permissions import allows
from cockpit.services.data import sharing
from cockpit.services.support import audit, users

F = TypeVar("F", bound=Callable[..., Any])

API_PREFIX = ("/api/", "/open311/")  # bearer-token routes: the cockpit's API and its Open311 endpoint
SHARING_PATHS = ("/api/v1/datasets", "/api/v1/openapi.json", "/api/v1/services/", "/api/v1/ngsi-ld/")
# Paths anyone may fetch: the login form, code and styles (no data), the language switch, and the API,
# which authenticates every call itself by bearer token and ignores the session cookie (no CSRF through it).
PUBLIC_PREFIXES = ("/login", "/assets/", "/_dash-component-suites/", "/lang/", *API_PREFIX, "/_favicon.ico")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,31}")  # fits beside ours in the 64-character column
DATA_PREFIXES = (
    "/_dash-update-component",
    "/geo/",
    "/_dash-layout",
    "/_dash-dependencies",
    "/events",
    "/field/api/",
    "/photos/",
)

login_manager = flask_login.LoginManager()


class SessionUser(flask_login.UserMixin):
    """A signed-in person; their id for Flask-Login is the session's random token, so ending the session on
    the server (sign-out, reset, disable, idle, expiry) ends it for every copy of the cookie."""

    def __init__(self, row: dict[str, Any], token: str) -> None:
        self.user_id = row["id"]
        self.username = row["username"]
        self.display_name = row["display_name"]
        self.role = row["role"]
        self.token = token

    def get_id(self) -> str:
        return self.token


def session_rules() -> users.SessionRules:
    settings = context.settings()
    return users.SessionRules(
        idle=timedelta(minutes=settings.session_idle_minutes), absolute=timedelta(hours=settings.session_hours)
    )


@login_manager.user_loader
def _load_user(token: str) -> SessionUser | None:
    """Checked on every request that needs the viewer: the server's record decides, not the cookie."""
    row = users.resume_session(context.database_url(), token, session_rules())
    return SessionUser(row, token) if row else None


def current_actor() -> Actor:
    """The person or API client behind this request, anonymous when neither."""
    ip = flask.request.remote_addr if flask.has_request_context() else None
    request_id = logged_request_id() if flask.has_request_context() else None
    if flask.has_request_context() and flask.request.path.startswith(API_PREFIX):
        token = flask.g.get("api_client")
        if token:
            return Actor(f"token:{token['name']}", token["role"], ip, request_id)
        return Actor("anonymous", None, ip, request_id)  # the API takes bearer tokens only, never the cookie
    user = flask_login.current_user if flask.has_request_context() else None
    if user is not None and user.is_authenticated:
        return Actor(user.username, user.role, ip, request_id)
    return Actor("anonymous", None, ip, request_id)


def display_name() -> str:
    user = flask_login.current_user
    return neutral(user.display_name) if user.is_authenticated else ""


def worker_name() -> str:
    """The name a field worker's cases are assigned to (their display name, as the desk sees it)."""
    user = flask_login.current_user
    return user.display_name if user.is_authenticated else ""


def allowed(permission: str) -> bool:
    return allows(current_actor().role, permission)


def refuse(permission: str, obj: str) -> None:
    """Log the refusal and stop the request: 401 for nobody, 403 for a role without the permission."""
    actor = current_actor()
    audit.record_alone(context.database_url(), actor, "access.denied", obj, after={"permission": permission})
    status = 401 if actor.anonymous else 403
    flask.abort(
        flask.make_response(
            flask.jsonify(error=f"{'sign in first' if status == 401 else 'not permitted'}: {permission} on {obj}"),
            status,
        )
    )


def require(permission: str, obj: str) -> Actor:
    if not allowed(permission):
        refuse(permission, obj)
    return current_actor()


def guard(permission: str) -> Callable[[F], F]:
    """Check `permission`, then the arguments against the function's type hints (cockpit.inputs), before the
    wrapped callback or route runs; marks it so tests can find it."""

    def decorate(fn: F) -> F:
        check = inputs.checker(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require(permission, object_of_request() if flask.has_request_context() else fn.__qualname__)
            try:
                check(args, kwargs)
            except inputs.BadInput as error:
                inputs.refuse(str(error))
            return fn(*args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _bearer_client() -> dict[str, Any] | None:
    header = flask.request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return users.token_principal(context.database_url(), token.strip())


def gate() -> flask.Response | None:
    """Before every request: give it an id, resolve an API token, and keep the anonymous out of data."""
    flask.g.request_id = uuid.uuid4().hex  # made here: a client's X-Request-ID is never trusted as ours
    given = flask.request.headers.get("X-Request-ID", "")
    flask.g.client_request_id = given if CLIENT_REQUEST_ID.fullmatch(given) else None
    path = flask.request.path
    if flask.request.method in UNSAFE and not same_origin():
        refuse_origin()
    if path.startswith(API_PREFIX):
        flask.g.api_client = _bearer_client()
        if not path.startswith(SHARING_PATHS) and sharing.key_of(context.database_url(), flask.g.api_client):
            refuse("sharing", object_of_request())  # a department's sharing key reads the catalog, nothing else
        return None
    if path.startswith(PUBLIC_PREFIXES) or flask_login.current_user.is_authenticated:
        return None
    if path.startswith(DATA_PREFIXES):
        refuse("view", object_of_request())
    query = flask.request.query_string.decode("utf-8", "replace")
    return flask.redirect(flask.url_for("cockpit_web.login", next=path + (f"?{query}" if query else "")))


def same_origin() -> bool:
    """A browser names the page that sent a write in Origin (or, failing that, Referer); one from another
    origin (another port of this host included) is refused. Clients that send neither are not browsers.
    Hosts are compared, not schemes, so a proxy that ends TLS in front of the cockpit changes nothing."""
    sender = flask.request.headers.get("Origin") or flask.request.headers.get("Referer")
    if not sender:
        return True
    return sender != "null" and urlsplit(sender).netloc == flask.request.host


def refuse_origin() -> None:
    sender = (flask.request.headers.get("Origin") or flask.request.headers.get("Referer") or "")[:200]
    audit.record_alone(
        context.database_url(),
        current_actor(),
        "origin.refused",
        object_of_request(),
        after={"origin": sender},
    )
    flask.abort(flask.make_response(flask.jsonify(error=f"cross-origin write refused (from {sender})"), 403))


def object_of_request() -> str:
    """What a refused request was after: the callback's outputs, or the route."""
    if flask.request.path == "/_dash-update-component":
        body = flask.request.get_json(silent=True) or {}
        return f"callback:{str(body.get('output', '?'))[:200]}"
    return f"route:{flask.request.path[:200]}"


def logged_request_id() -> str | None:
    """The server's id, then the client's own (when it is a plain token) after a slash, so an integration can
    find its call in the audit log without its text ever standing in for ours."""
    ours, theirs = flask.g.get("request_id"), flask.g.get("client_request_id")
    return f"{ours}/{theirs}" if ours and theirs else ours


def stamp_request_id(response: flask.Response) -> flask.Response:
    response.headers["X-Request-ID"] = flask.g.get("request_id", "")
    if flask.g.get("client_request_id"):
        response.headers["X-Client-Request-ID"] = flask.g.client_request_id
    return response
