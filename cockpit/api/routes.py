"""The modules that add their routes to the /api/v1 blueprint (cockpit.api.common) when imported: the factory
imports this module, so registering the blueprint registers every route."""

from cockpit.api import catalog, cim, conflicts, construction, core, industry, planning, safety, services, sharing

ROUTE_MODULES = (
    core,
    catalog,
    cim,
    conflicts,
    construction,
    industry,
    planning,
    safety,
    services,
    sharing,
)
