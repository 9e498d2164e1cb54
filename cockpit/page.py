"""The page contract: each page says once who may open it, how it is drawn, wired, shown on the wall and
known to be ready. The factory, navigation, wall rotation, access control and browser tests all read the
same list, so a page cannot be half-registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dash import Dash


@dataclass(frozen=True)
class Page:
    path: str
    nav: str
    title: str
    permission: str
    layout: Callable[..., object]
    callbacks: Callable[[Dash], None]
    ready: str
    wall: Callable[[], object] | None = None  # the page's wall view; None keeps it off the wall

    @property
    def name(self) -> str:
        return self.nav.removeprefix("nav.")
