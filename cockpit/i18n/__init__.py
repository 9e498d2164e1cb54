"""Every string the UI shows, Chinese first, English through the switch. Each page keeps its own table in a
module here; they are merged into one TABLE, and a key defined twice fails at import, so two pages cannot
quietly give one key two texts."""

from __future__ import annotations

import importlib
import pkgutil

LANGS = ("zh", "en")
COOKIE = "cockpit_lang"
# every module here is a page's table (or the words the pages share): found, not listed, so a new page's texts
# need no line anywhere else
TABLES = tuple(
    importlib.import_module(f"{__name__}.{m.name}")
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
)


def merged(tables) -> dict[str, tuple[str, str]]:
    """One table from the page tables; a key in two of them is a programming error."""
    whole: dict[str, tuple[str, str]] = {}
    for table in tables:
        twice = whole.keys() & table.TEXTS.keys()
        if twice:
            raise KeyError(f"i18n keys defined twice ({table.__name__}): {sorted(twice)}")
        whole.update(table.TEXTS)
    return whole


TABLE = merged(TABLES)


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`; a missing key is a programming error and fails loudly."""
    text = TABLE[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def organisation(name: str, lang: str) -> str:
    """A department or authority by its official name, in English where the table knows it (names from
    imported data it does not know stay as given)."""
    key = "org." + name
    return t(key, lang) if key in TABLE else name


def normalise(lang: str | None, default: str) -> str:
    return lang if lang in LANGS else default
