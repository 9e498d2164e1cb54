"""One module per page, layout only. PAGES is the navigation order; only working pages are listed."""

from pages import overview

PAGES = [overview]
