"""What a request needs to know about the running cockpit: its settings, the viewer's language and how they
read a time."""

from __future__ import annotations

from datetime import datetime

import flask

from cockpit.i18n import COOKIE, normalise
from cockpit.page import Wall
from cockpit.services.kernel import clock
from cockpit.settings import Settings

SETTINGS_KEY = "COCKPIT_SETTINGS"
WALLS_KEY = "COCKPIT_WALLS"  # page name -> (its permission, its Wall), from the pages' declarations


def settings() -> Settings:
    return flask.current_app.config[SETTINGS_KEY]


def database_url() -> str:
    return settings().database_url


def wall(name: str) -> tuple[str, Wall] | None:
    """The wall a page declared, with the permission its page asks; None for a name no page declares."""
    return flask.current_app.config[WALLS_KEY].get(name)


def lang() -> str:
    """The viewer's language: their cookie if they switched, else the install's default."""
    default = settings().lang
    if not flask.has_request_context():
        return default
    return normalise(flask.request.cookies.get(COOKIE), default)


def when(ts: datetime | None, style: str = "short") -> str:
    """A stored UTC time as this viewer reads it: the city's zone, their language."""
    return clock.show(ts, lang(), settings().timezone, style)


def local(ts: datetime) -> datetime:
    """A stored UTC time as a naive city time, for chart axes (plotly draws naive times as they are)."""
    return clock.to_city(ts, settings().timezone).replace(tzinfo=None)
