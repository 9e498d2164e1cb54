"""Server push over server-sent events: every open page gets new alarms within a poll of the bus, and the
simulated clock every few seconds. Works with any number of gunicorn workers (the bus is shared). A stream
ends within CLOCK_EVERY_S of its session ending (sign-out, reset, disable) rather than outliving it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import flask
import flask_login
import orjson

from cockpit import auth, bus, context
from cockpit.services import alarms, live_status, users

blueprint = flask.Blueprint("cockpit_push", __name__)
CLOCK_EVERY_S = 5.0
MAX_STREAM_S = 3600.0  # the browser reconnects by itself; bounded streams free threads from dead clients


def _event(name: str, data: object, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {orjson.dumps(data, default=str).decode()}\n\n"


@blueprint.get("/events")
@auth.guard("push")
def events() -> flask.Response:
    settings = context.settings()
    url, cache_url = settings.database_url, settings.cache_url
    token = flask_login.current_user.token
    sees_alarms = auth.allowed("view")  # a field worker's phone gets the clock (and so its tasks), not alarms

    def stream() -> Iterator[str]:
        yield "retry: 2000\n\n"
        seen = -1
        last_clock = 0.0
        started = time.monotonic()
        while time.monotonic() - started < MAX_STREAM_S:
            if not users.session_alive(url, token):
                yield _event("ended", {})  # the page reloads and meets the sign-in form
                return
            newest = bus.wait(url, cache_url, seen, timeout=CLOCK_EVERY_S if seen >= 0 else 0)
            if newest != seen:
                seen = newest
                if sees_alarms:
                    yield _event("alarms", alarms.feed(url), seen)
            if time.monotonic() - last_clock >= CLOCK_EVERY_S:
                last_clock = time.monotonic()
                yield _event("status", live_status.status(url))

    response = flask.Response(flask.stream_with_context(stream()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response
