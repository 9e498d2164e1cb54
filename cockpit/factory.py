"""The app factory: one Dash app over one Flask server, configured from Settings. The pages (each a
cockpit.page.Page) and the shell's callbacks are handed in by app.py so the core never imports the layers
above it; everything about a page is read from its declaration."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType

import dash
from dash import Dash
from flask_compress import Compress
from flask_wtf.csrf import generate_csrf

from cockpit import auth, context, inputs, push, security, static_files, web
from cockpit.api import (
    cim_scene,
    data_upload,
    field,
    routes,  # noqa: F401  (importing it puts every route on api.blueprint)
)
from cockpit.api import common as api
from cockpit.api import services as api_services
from cockpit.i18n import t
from cockpit.page import Page
from cockpit.services.support import audit
from cockpit.settings import ROOT, Settings, load_settings
from cockpit.ui.kit import denied, shell
from cockpit.ui.wall import layout as wall_layout

MAX_BODY_BYTES = 2 * 1024 * 1024  # the largest any route takes; each kind of request has its own (security.py)


def _cache_config(settings: Settings) -> dict[str, object]:
    if settings.cache_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.cache_url}
    return {"CACHE_TYPE": "SimpleCache"}


def create_app(
    pages: Sequence[Page],
    not_found: ModuleType,
    register_shared: Sequence[Callable[[Dash], None]],
    settings: Settings | None = None,
) -> Dash:
    settings = settings or load_settings()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        serve_locally=True,
        assets_ignore=r"^deck\.gl-",  # assets/vendor: loaded only by the page that needs it (assets/cim.js)
        title=t("app.name", settings.lang),
        update_title=None,
        external_scripts=["/vocab.js"],
        external_stylesheets=["/vocab.css"],
        suppress_callback_exceptions=True,
    )
    server = app.server
    server.config[context.SETTINGS_KEY] = settings
    server.config[context.WALLS_KEY] = {p.name: (p.permission, p.wall) for p in pages if p.wall is not None}
    server.config["SECRET_KEY"] = settings.secret_key
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
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
    static_files.install(server)
    server.url_map.converters["id"] = inputs.IdConverter
    server.register_blueprint(web.blueprint)
    security.install_sessions(app, settings)

    server.register_blueprint(api.blueprint)
    server.register_blueprint(api_services.open311)
    server.register_blueprint(push.blueprint)
    server.register_blueprint(field.blueprint)
    server.register_blueprint(data_upload.blueprint)
    server.register_blueprint(cim_scene.blueprint)
    security.csrf.exempt(api.blueprint)
    security.csrf.exempt(api_services.open311)

    for page in pages:
        dash.register_page(page.name, path=page.path, layout=_guarded(page), title=t(page.title, settings.lang))
    dash.register_page(
        "not_found_404", path=not_found.PATH, layout=not_found.layout, title=t(not_found.TITLE, settings.lang)
    )
    app.layout = lambda: _shell(pages)
    for register in register_shared:
        register(app)
    for page in pages:
        page.callbacks(app)
    _register_scripts(app)
    security.install_headers(app, settings)
    return app


def _shell(pages: Sequence[Page]):
    """The frame around every page, with only the navigation this viewer's role may use and the wall's
    rotation among the pages that declare a wall view."""
    mine = [p for p in pages if auth.allowed(p.permission)]
    nav = [(p.path, p.nav) for p in mine]
    wall = [p.path for p in mine if p.wall]
    actor = auth.current_actor()
    who = None if actor.anonymous else (auth.display_name(), actor.role)
    return shell(context.lang(), nav, who, generate_csrf() if who else "", wall)


def _guarded(page: Page) -> Callable[..., object]:
    """A page's layout only for roles with its permission; others get a notice and an audit row."""

    def layout(**query: str) -> object:
        if auth.allowed(page.permission):
            if "wall" in query and page.wall is not None:
                return wall_layout(page.name, page.wall.detail)
            return page.layout(**query)
        audit.record_alone(
            context.database_url(),
            auth.current_actor(),
            "access.denied",
            f"page:{page.path}",
            after={"permission": page.permission},
        )
        return denied(context.lang())

    return layout


def _register_scripts(app: Dash) -> None:
    """Dash finishes its setup (pages' inline title script among it) on the first request and learns which
    component scripts it may serve while rendering its index page. Do both here, before the CSP hashes are
    taken, so every gunicorn worker can serve every script, not only the worker that served the page."""
    with app.server.test_request_context("/"):
        app.server.preprocess_request()
        app.index()
