"""The page contract: each page says once who may open it, how it is drawn, wired, shown on the wall and
known to be ready. The factory, navigation, wall rotation, access control and browser tests all read the
same list, so a page cannot be half-registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dash import Dash


@dataclass(frozen=True)
class Wall:
    """What a page shows on the video wall: its view service (database URL -> a wall view model, decided there)
    and whether its map frames the gridded detail zone rather than the whole city. The wall asks the page's own
    permission."""

    view: Callable[[str], object]
    detail: bool = False


@dataclass(frozen=True)
class Page:
    path: str
    nav: str
    title: str
    permission: str
    layout: Callable[..., object]
    callbacks: Callable[[Dash], None]
    ready: str
    wall: Wall | None = None  # the page's wall view; None keeps it off the wall

    @property
    def name(self) -> str:
        return self.nav.removeprefix("nav.")
