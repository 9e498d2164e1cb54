"""One module per page, layout only. PAGES is the navigation order; only working pages are listed."""

from pages import emergency, iot, not_found, operations, overview, support

PAGES = [overview, operations, emergency, iot, support]
NOT_FOUND = not_found
