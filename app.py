"""Entry point: builds the cockpit and exposes `server` for gunicorn (`gunicorn app:server`)."""

from callbacks import shell, wall_view
from cockpit.factory import create_app
from pages import NOT_FOUND, PAGES

app = create_app(PAGES, NOT_FOUND, (shell.register, wall_view.register))
server = app.server

if __name__ == "__main__":
    app.run(debug=False, port=8050)
