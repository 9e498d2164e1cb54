"""The pixel work on an uploaded photo, run in a child process of its own (`python -m` this module): decoding a
48-megapixel phone photo costs about a second of CPU, which on the web worker's one thread froze every page
that worker served. The child is bounded (CPU seconds, memory) and imports nothing but Pillow and the
refusal type. It judges the header before any pixel is decoded (type by content, pixel count, shape), then
re-encodes the image as JPEG without any metadata (EXIF with the phone's make and serials, the JPEG comment,
ICC), at most KEPT_PX a side, with a thumbnail; the GPS position and time it read are handed back as
evidence for the database."""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path
from typing import Any

import orjson
from PIL import Image, ImageOps, UnidentifiedImageError

from cockpit.refusal import Refused

MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 48_000_000  # a 48-megapixel phone camera
FORMATS = ("JPEG", "PNG", "WEBP", "MPO")  # MPO: the JPEG many phones write
THUMB_PX = 320
MAX_SIDE = 16_384  # a panorama is wider; 48,000,000 × 1 px is no photo (the JPEG encoder fails on it)
KEPT_PX = 4096  # evidence is kept at most this long a side: a 48 MP original would be stored ×2.4 its size
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
TAKEN_AT, DATETIME = 36867, 306


class PhotoError(Refused):
    http = 400


def _opened(data: bytes, load: bool) -> Image.Image:
    """Pillow's own refusals as ours: a bomb is too many pixels, anything else not an image."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if load:
                image.verify()
                image = Image.open(io.BytesIO(data))
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError("photo_too_many_pixels", mp=MAX_PIXELS // 1_000_000) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise PhotoError("photo_not_image") from None
    return image


def _decoded(data: bytes) -> Image.Image:
    """The header is read and judged before any pixel is decoded."""
    if not data:
        raise PhotoError("photo_empty")
    if len(data) > MAX_BYTES:
        raise PhotoError("photo_too_big", mb=MAX_BYTES // (1024 * 1024))
    probe = _opened(data, load=False)
    if probe.format not in FORMATS:
        raise PhotoError("photo_not_image")
    if probe.width * probe.height > MAX_PIXELS:
        raise PhotoError("photo_too_many_pixels", mp=MAX_PIXELS // 1_000_000)
    if max(probe.width, probe.height) > MAX_SIDE:
        raise PhotoError("photo_bad_shape", most=MAX_SIDE)
    return _opened(data, load=True)


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if str(ref).upper() == negative else degrees


def evidence(image: Image.Image) -> dict[str, Any]:
    """The GPS position and the time the phone wrote into the photo, when it did."""
    exif = image.getexif()
    gps = exif.get_ifd(GPS_IFD)
    lat = _degrees(gps.get(2), gps.get(1), "S") if gps else None
    lon = _degrees(gps.get(4), gps.get(3), "W") if gps else None
    ok = lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180
    taken = exif.get_ifd(EXIF_IFD).get(TAKEN_AT) or exif.get(DATETIME)
    return {
        "gps_lon": round(lon, 6) if ok else None,
        "gps_lat": round(lat, 6) if ok else None,
        "taken_at": str(taken)[:32] if taken else None,
    }


def clean(data: bytes) -> tuple[bytes, bytes, dict[str, Any]]:
    """The kept JPEG, its thumbnail, and what is recorded of it (size, evidence)."""
    image = _decoded(data)
    kept = evidence(image)
    cleaned = ImageOps.exif_transpose(image).convert("RGB")
    cleaned.thumbnail((KEPT_PX, KEPT_PX))
    cleaned.info = {}  # Pillow would carry the JPEG comment (and ICC, DPI) into the new file
    body = io.BytesIO()
    cleaned.save(body, "JPEG", quality=85)  # no exif= argument: nothing of the original's metadata survives
    thumb = cleaned.copy()
    thumb.thumbnail((THUMB_PX, THUMB_PX))
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=80)
    return body.getvalue(), small.getvalue(), kept | {"width": cleaned.width, "height": cleaned.height}


def main(source: str, kept: str, thumb: str) -> int:
    """SOURCE → KEPT and THUMB; prints what is recorded, or the refusal, as one JSON object."""
    try:
        body, small, meta = clean(Path(source).read_bytes())
    except PhotoError as error:
        sys.stdout.buffer.write(orjson.dumps({"refused": error.key, "values": error.values}))
        return 0
    Path(kept).write_bytes(body)
    Path(thumb).write_bytes(small)
    sys.stdout.buffer.write(orjson.dumps(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
