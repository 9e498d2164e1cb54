"""What a request needs to know about the running cockpit: its settings and the viewer's language."""

from __future__ import annotations

import flask

from cockpit.i18n import COOKIE, normalise
from cockpit.settings import Settings

SETTINGS_KEY = "COCKPIT_SETTINGS"


def settings() -> Settings:
    return flask.current_app.config[SETTINGS_KEY]


def lang() -> str:
    """The viewer's language: their cookie if they switched, else the install's default."""
    default = settings().lang
    if not flask.has_request_context():
        return default
    return normalise(flask.request.cookies.get(COOKIE), default)
