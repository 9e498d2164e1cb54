"""Rebuild assets/fonts/*.woff2: Noto Sans CJK SC (SIL OFL 1.1) cut down to GB 2312, ASCII, CJK punctuation
and every character of the sample city and the i18n table, so every client renders the same glyphs
without a font from elsewhere. Needs Debian's fonts-noto-cjk; run after adding strings or data."""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cockpit.i18n import TABLE  # noqa: E402

NOTO = Path("/usr/share/fonts/opentype/noto")
SC_INDEX = 2  # Noto Sans CJK SC inside the collection


def gb2312() -> str:
    chars = []
    for high in (*range(0xA1, 0xAA), *range(0xB0, 0xF8)):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def text_of_project() -> str:
    parts = [text for pair in TABLE.values() for text in pair]
    for path in (ROOT / "sample_data" / "city").glob("*.geojson"):
        parts.append(path.read_text(encoding="utf-8"))
    for path in (ROOT / "sample_data").glob("*.py"):
        parts.append(path.read_text(encoding="utf-8"))
    return "".join(parts)


def build(weight: str, text: str, out: Path) -> None:
    font = TTCollection(NOTO / f"NotoSansCJK-{weight}.ttc").fonts[SC_INDEX]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(out)
    print(f"{out.relative_to(ROOT)}: {out.stat().st_size:,} bytes")


def main() -> None:
    ascii_text = "".join(chr(c) for c in range(0x20, 0x7F))
    punctuation = "".join(chr(c) for c in range(0x3000, 0x3040)) + "".join(chr(c) for c in range(0xFF01, 0xFF5F))
    extra = "·—–…‘’“”℃°µ²³₂₃←→↑↓▲▼●○■□◆◇★☆✓✕×÷±≤≥"
    project = text_of_project()
    out_dir = ROOT / "assets" / "fonts"
    out_dir.mkdir(parents=True, exist_ok=True)
    build("Regular", ascii_text + punctuation + extra + gb2312() + project, out_dir / "NotoSansSC-Regular.woff2")
    build("Bold", ascii_text + punctuation + extra + project, out_dir / "NotoSansSC-Bold.woff2")


if __name__ == "__main__":
    main()
