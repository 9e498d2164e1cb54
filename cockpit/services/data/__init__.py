"""The big-data platform's services: the catalog, imports, quality, sharing, data conflicts, the data-service
components, air quality."""
