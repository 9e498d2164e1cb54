"""The one error an import fails with: a file the cockpit cannot take, said in words a department can act on."""

from __future__ import annotations

from cockpit.refusal import Refused


class ImportFailed(Refused):
    """Raised before or while reading a file; the version is marked failed and nothing of it is kept."""
