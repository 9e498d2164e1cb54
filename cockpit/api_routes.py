"""The modules that add their routes to the /api/v1 blueprint (cockpit.api) when imported: the factory
imports this module, so registering the blueprint registers every route."""

from cockpit import (
    api_catalog,
    api_cim,
    api_conflicts,
    api_construction,
    api_industry,
    api_planning,
    api_safety,
    api_services,
    api_sharing,
)

ROUTE_MODULES = (
    api_catalog,
    api_cim,
    api_conflicts,
    api_construction,
    api_industry,
    api_planning,
    api_safety,
    api_services,
    api_sharing,
)
