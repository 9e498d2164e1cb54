"""Invisible direction controls make a name read as something it is not: "\u202egnp.exe" shows as "exe.png",
and a right-to-left override can turn one officer's name into another's. Wherever people's names and free
text are shown or exported, the controls are made visible instead of obeyed (Unicode TR 36, 'bidi spoofing')."""

from __future__ import annotations

from typing import Any

CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
VISIBLE = {ord(c): f"[U+{ord(c):04X}]" for c in CONTROLS}


def neutral(value: Any) -> Any:
    """Text with its direction controls shown as [U+202E] and the like; anything else as it is."""
    return value.translate(VISIBLE) if isinstance(value, str) else value
