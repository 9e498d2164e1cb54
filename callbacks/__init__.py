"""One module per page: thin wiring from inputs to services. Each exposes register(app)."""

from callbacks import emergency, iot, operations, overview, shell, support

MODULES = [shell, overview, operations, iot, emergency, support]


def register(app) -> None:
    for module in MODULES:
        module.register(app)
