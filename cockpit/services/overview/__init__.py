"""The overview's services: vital signs, the drill-down and what the video wall shows."""
