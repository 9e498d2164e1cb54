"""Who is acting, as services and the audit log need it; built by the web layer or the CLI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str
    role: str | None
    source_ip: str | None = None
    request_id: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.role is None
