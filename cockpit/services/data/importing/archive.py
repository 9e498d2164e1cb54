"""Zip archives (Shapefile, GTFS) opened without trusting them: member names never become paths (no
traversal), and members, total size and compression ratio are bounded before a byte is extracted (no zip
bombs). The members the reader needs are copied into a private temporary folder under safe names."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from cockpit.services.data.importing.errors import ImportFailed

MAX_MEMBERS = 10_000
MAX_TOTAL = 4 * 1024**3  # uncompressed bytes
MAX_RATIO = 200  # uncompressed / compressed, per member and overall


def members(path: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFailed("import.bad_zip", reason=str(error)[:200]) from None
    if len(infos) > MAX_MEMBERS:
        raise ImportFailed("import.zip_bomb", reason=f"{len(infos)} members")
    for info in infos:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or ":" in info.filename:
            raise ImportFailed("import.zip_path", name=info.filename[:200])
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_TOTAL or total / packed > MAX_RATIO:
        raise ImportFailed("import.zip_bomb", reason=f"{total} bytes from {packed}")
    return infos


def extract(path: Path, wanted: list[zipfile.ZipInfo]) -> Path:
    """Copy `wanted` into a new private folder by their base names, never reading more than each member
    declares (a member that lies about its size is cut off and refused)."""
    folder = Path(tempfile.mkdtemp(prefix="cockpit-import-"))
    try:
        with zipfile.ZipFile(path) as archive:
            for info in wanted:
                target = folder / PurePosixPath(info.filename.replace("\\", "/")).name
                with archive.open(info) as source, target.open("wb") as sink:
                    copied = _copy_bounded(source, sink, info.file_size)
                if copied != info.file_size:
                    raise ImportFailed("import.zip_bomb", reason=f"{info.filename[:100]} is not its declared size")
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise ImportFailed("import.bad_zip", reason=str(error)[:200]) from None
    except ImportFailed:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _copy_bounded(source, sink, limit: int) -> int:
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            return copied
        sink.write(chunk)
    return copied
