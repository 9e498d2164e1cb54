"""Authorization on the server. One mechanism: `guard(permission)` wraps every Dash callback, page layout
and API route that reads restricted data or changes anything; a refusal is logged and answered 401/403.
Hiding navigation is only convenience; this is the protection."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import flask
import flask_login

from cockpit import context
from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.services import audit, users

F = TypeVar("F", bound=Callable[..., Any])

# Paths anyone may fetch: the login form, code and styles (no data), the language switch, and the API,
# which authenticates every call itself by bearer token.
PUBLIC_PREFIXES = ("/login", "/assets/", "/_dash-component-suites/", "/lang/", "/api/", "/_favicon.ico")
DATA_PREFIXES = ("/_dash-update-component", "/geo/", "/_dash-layout", "/_dash-dependencies", "/events")

login_manager = flask_login.LoginManager()


class SessionUser(flask_login.UserMixin):
    """A signed-in person. The session id carries the password-change time, so a reset ends old sessions."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.user_id = row["id"]
        self.username = row["username"]
        self.display_name = row["display_name"]
        self.role = row["role"]
        self.stamp = row["password_changed_at"].isoformat()

    def get_id(self) -> str:
        return f"{self.user_id}:{self.stamp}"


@login_manager.user_loader
def _load_user(session_id: str) -> SessionUser | None:
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    row = users.session_user(context.settings().database_url, int(user_id))
    if row is None or row["password_changed_at"].isoformat() != stamp:
        return None
    return SessionUser(row)


def current_actor() -> Actor:
    """The person or API client behind this request, anonymous when neither."""
    ip = flask.request.remote_addr if flask.has_request_context() else None
    request_id = flask.g.get("request_id") if flask.has_request_context() else None
    token = flask.g.get("api_client") if flask.has_request_context() else None
    if token:
        return Actor(f"token:{token['name']}", token["role"], ip, request_id)
    user = flask_login.current_user if flask.has_request_context() else None
    if user is not None and user.is_authenticated:
        return Actor(user.username, user.role, ip, request_id)
    return Actor("anonymous", None, ip, request_id)


def display_name() -> str:
    user = flask_login.current_user
    return user.display_name if user.is_authenticated else ""


def allowed(permission: str) -> bool:
    return allows(current_actor().role, permission)


def refuse(permission: str, obj: str) -> None:
    """Log the refusal and stop the request: 401 for nobody, 403 for a role without the permission."""
    actor = current_actor()
    audit.record_alone(context.settings().database_url, actor, "access.denied", obj, after={"permission": permission})
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
    """Check `permission` before the wrapped callback or route runs; marks it so tests can find it."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require(permission, object_of_request() if flask.has_request_context() else fn.__qualname__)
            return fn(*args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _bearer_client() -> dict[str, Any] | None:
    header = flask.request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return users.token_principal(context.settings().database_url, token.strip())


def gate() -> flask.Response | None:
    """Before every request: give it an id, resolve an API token, and keep the anonymous out of data."""
    flask.g.request_id = uuid.uuid4().hex  # made here: a client's X-Request-ID is never trusted or echoed
    path = flask.request.path
    if path.startswith("/api/"):
        flask.g.api_client = _bearer_client()
        return None
    if path.startswith(PUBLIC_PREFIXES) or flask_login.current_user.is_authenticated:
        return None
    if path.startswith(DATA_PREFIXES):
        refuse("view", object_of_request())
    query = flask.request.query_string.decode("utf-8", "replace")
    return flask.redirect(flask.url_for("cockpit_web.login", next=path + (f"?{query}" if query else "")))


def object_of_request() -> str:
    """What a refused request was after: the callback's outputs, or the route."""
    if flask.request.path == "/_dash-update-component":
        body = flask.request.get_json(silent=True) or {}
        return f"callback:{str(body.get('output', '?'))[:200]}"
    return f"route:{flask.request.path[:200]}"


def stamp_request_id(response: flask.Response) -> flask.Response:
    response.headers["X-Request-ID"] = flask.g.get("request_id", "")
    return response
