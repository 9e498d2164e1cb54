"""The HTTP edges: /api/v1 (`common` holds the blueprint and what every route module shares), Open311, the
field page's, the import wizard's and the 3D scene's own routes. They check the role, call the services and
answer; no decision is made here."""
