"""Importers of the big-data platform: files of every format a department sends, read as text first, typed by
inference, reprojected to WGS-84 and written as one dataset version (cockpit.services.data.importing.pipeline)."""
