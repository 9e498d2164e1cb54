"""The app factory: one Dash app over one Flask server, configured from Settings. Pages and callbacks are
handed in by app.py so the core never imports the layers above it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType

import dash
from dash import Dash
from flask_compress import Compress

from cockpit import context, web
from cockpit.i18n import t
from cockpit.settings import ROOT, Settings, load_settings
from cockpit.ui import shell


def _cache_config(settings: Settings) -> dict[str, object]:
    if settings.cache_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.cache_url}
    return {"CACHE_TYPE": "SimpleCache"}


def create_app(
    pages: Sequence[ModuleType],
    not_found: ModuleType,
    register_callbacks: Callable[[Dash], None],
    settings: Settings | None = None,
) -> Dash:
    settings = settings or load_settings()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        serve_locally=True,
        title=t("app.name", settings.lang),
        update_title=None,
        suppress_callback_exceptions=True,
    )
    server = app.server
    server.config[context.SETTINGS_KEY] = settings
    server.config["SECRET_KEY"] = settings.secret_key
    server.config.update(_cache_config(settings))
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html",
        "text/css",
        "application/javascript",
        "application/json",
        "application/geo+json",
    ]
    web.cache.init_app(server)
    Compress(server)
    server.register_blueprint(web.blueprint)

    nav = []
    for page in pages:
        dash.register_page(page.__name__, path=page.PATH, layout=page.layout, title=t(page.TITLE, settings.lang))
        nav.append((page.PATH, page.NAV))
    dash.register_page(
        "not_found_404", path=not_found.PATH, layout=not_found.layout, title=t(not_found.TITLE, settings.lang)
    )
    app.layout = lambda: shell(context.lang(), nav)
    register_callbacks(app)
    _register_scripts(app)
    return app


def _register_scripts(app: Dash) -> None:
    """Dash learns which component scripts it may serve while rendering its index page; render it once here
    so every gunicorn worker can serve every script, not only the worker that served the page."""
    with app.server.test_request_context("/"):
        app.server.preprocess_request()
        app.index()
