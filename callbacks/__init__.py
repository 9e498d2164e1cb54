"""One module per page: thin wiring from inputs to services. Each exposes register(app)."""

from callbacks import emergency, iot, overview, shell, support

MODULES = [shell, overview, iot, emergency, support]


def register(app) -> None:
    for module in MODULES:
        module.register(app)
