"""Component ids of the video wall (/wall): placed by its page module, filled by its callbacks."""

WALL_VIEW = "wall-view"
WALL_KPIS = "wall-kpis"
WALL_POINTS = "wall-points"
WALL_HIGHLIGHT = "wall-highlight"
WALL_CHART = "wall-chart"
WALL_TICKER = "wall-ticker"
WALL_REFRESH = "wall-refresh"
