"""Photos from the field, taken in with care: a phone's upload is untrusted bytes. Size is limited before
anything is decoded; the type is decided by the content (Pillow), never by the name; the pixel count is
read from the header and refused before decoding, so a decompression bomb costs nothing. The image is then
re-encoded as JPEG without any metadata (a phone's EXIF holds its make, serial numbers and more), except
the GPS position and time, which are kept in the database as evidence. A thumbnail is made for the desk."""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit, rate
from data_access import field
from data_access.db import transaction, write_transaction

MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 48_000_000  # a 48-megapixel phone camera
FORMATS = ("JPEG", "PNG", "WEBP", "MPO")  # MPO: the JPEG many phones write
THUMB_PX = 320
MAX_SIDE = 16_384  # a panorama is wider; 48,000,000 × 1 px is no photo (the JPEG encoder fails on it)
UPLOADS_PER_MINUTE = 20  # a worker photographs a scene, not a film: a burst is refused with the wait
KEPT_PX = 4096  # evidence is kept at most this long a side: a 48 MP original would be stored ×2.4 its size
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
TAKEN_AT, DATETIME = 36867, 306


class PhotoError(Refused):
    http = 400


def folder(var_dir: Path) -> Path:
    return var_dir / "photos"


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


def _write(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def store(url: str, var_dir: Path, actor: Actor, data: bytes) -> dict[str, Any]:
    """Check, clean and keep one photo; returns its row. PhotoError says what was wrong with it."""
    rate.take(url, actor, "photo_upload", UPLOADS_PER_MINUTE)
    image = _decoded(data)
    kept = evidence(image)
    clean = ImageOps.exif_transpose(image).convert("RGB")
    clean.thumbnail((KEPT_PX, KEPT_PX))
    clean.info = {}  # Pillow would carry the JPEG comment (and ICC, DPI) into the new file
    body = io.BytesIO()
    clean.save(body, "JPEG", quality=85)  # no exif= argument: nothing of the original's metadata survives
    thumb = clean.copy()
    thumb.thumbnail((THUMB_PX, THUMB_PX))
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=80)
    digest = hashlib.sha256(body.getvalue()).hexdigest()
    target = folder(var_dir)
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write(target / f"{digest}.jpg", body.getvalue())
    _write(target / f"{digest}.thumb.jpg", small.getvalue())
    with write_transaction(url) as session:
        row = field.add_photo(
            session,
            {
                "sha256": digest,
                "case_id": None,
                "uploaded_by": actor.name,
                "uploaded_at": stored_now(),
                "width": clean.width,
                "height": clean.height,
                "size": len(body.getvalue()),
                **kept,
            },
        )
        audit.record(session, actor, "photo.upload", f"photo:{row['id']}", after=kept | {"size": row["size"]})
    return row


def readable(url: str, var_dir: Path, actor: Actor, photo_id: int, thumb: bool) -> Path | None:
    """The file of a photo this actor may see: the desk sees every photo, a field worker their own."""
    with transaction(url) as session:
        row = field.photo(session, photo_id)
    if row is None or (actor.role == "field_worker" and row["uploaded_by"] != actor.name):
        return None
    path = folder(var_dir) / f"{row['sha256']}{'.thumb' if thumb else ''}.jpg"
    return path if path.exists() else None
