"""One module per page, layout only, each declaring its PAGE once. PAGES is the navigation and wall order;
adding a page is one page module, one callbacks module and one line here."""

from pages import (
    cim,
    construction,
    data,
    emergency,
    field,
    industry,
    iot,
    not_found,
    operations,
    overview,
    planning,
    safety,
    services,
    support,
)

PAGES = [
    overview.PAGE,
    operations.PAGE,
    safety.PAGE,
    emergency.PAGE,
    data.PAGE,
    iot.PAGE,
    cim.PAGE,
    planning.PAGE,
    construction.PAGE,
    services.PAGE,
    industry.PAGE,
    support.PAGE,
    field.PAGE,
]
NOT_FOUND = not_found
