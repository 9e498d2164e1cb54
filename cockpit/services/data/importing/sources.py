"""Which format a file is (by content first, then by name), and the reader for it. Archives are checked and
unpacked here (cockpit.services.data.importing.archive); the reader never sees the archive's own paths."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS
from pyproj.exceptions import CRSError

from cockpit.services.data.importing import archive
from cockpit.services.data.importing.cityjson import open_city
from cockpit.services.data.importing.errors import ImportFailed
from cockpit.services.data.importing.geo import GdalReader
from cockpit.services.data.importing.tabular import CsvReader, ExcelReader

FORMATS = ("csv", "excel", "geojson", "gpkg", "shapefile", "osm", "cityjson", "gtfs")
CHINESE_SYSTEMS = ("gcj02", "bd09")  # declared, converted by cockpit.services.data.importing.coords
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class Declared:
    """What the person importing says about the file that the file may not say itself."""

    crs: str | None = None  # EPSG:xxxx, a PROJ string, or gcj02 / bd09
    encoding: str | None = None


def parse_crs(text: str | None) -> CRS | None:
    if not text or text.lower() in CHINESE_SYSTEMS:
        return None
    try:
        return CRS.from_user_input(text)
    except CRSError as error:
        raise ImportFailed("import.bad_crs", crs=text[:100], reason=str(error)[:200]) from None


def sniff(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    name = path.name.lower()
    if not head:
        raise ImportFailed("import.empty")
    if head.startswith(b"SQLite format 3"):
        return "gpkg"
    if head.startswith(b"\x1f\x8b") or name.endswith((".osm", ".osm.gz", ".pbf")) or b"<osm" in head[:1024]:
        return "osm"
    if head.startswith(b"PK"):
        if name.endswith((".xlsx", ".xlsm")):
            return "excel"
        names = [i.filename.lower() for i in archive.members(path)]
        if any(n.endswith(".shp") for n in names):
            return "shapefile"
        if any(n.rsplit("/", 1)[-1] == "stops.txt" for n in names):
            return "gtfs"
        if any(n.startswith("xl/") for n in names):
            return "excel"
        raise ImportFailed("import.unknown_format", name=path.name[:100])
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "cityjson" if name.endswith(".city.json") or _says_cityjson(path) else "geojson"
    if b"\x00" not in head and (name.endswith((".csv", ".txt")) or b"," in head or b"\t" in head):
        return "csv"
    raise ImportFailed("import.unknown_format", name=path.name[:100])


def _says_cityjson(path: Path) -> bool:
    """CityJSON's "type" may come after its vertices; look a megabyte in, not just at the head."""
    with path.open("rb") as handle:
        return b'"CityJSON"' in handle.read(1 << 20)


def _gzipped(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _expands_within(path: Path) -> None:
    """A gzip file is read through once, counting, before the reader sees it: gzip says nothing trustworthy
    of its expanded size, and 1 MB of it can be a gibibyte of whitespace (the ratio a zip is held to)."""
    most = min(archive.MAX_TOTAL, archive.MAX_RATIO * max(1, path.stat().st_size))
    seen = 0
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                seen += len(chunk)
                if seen > most:
                    raise ImportFailed("import.zip_bomb", reason=f"more than {most} bytes from {path.stat().st_size}")
    except (OSError, EOFError) as error:
        raise ImportFailed("import.bad_zip", reason=str(error)[:200]) from None


def open_reader(path: Path, declared: Declared) -> tuple[object, Callable[[], None]]:
    """The reader for `path` and what to call when done with it (removes unpacked members)."""
    fmt = sniff(path)
    crs = parse_crs(declared.crs)
    if fmt == "csv":
        return CsvReader(path, declared.encoding), _nothing
    if fmt == "excel":
        return ExcelReader(path), _nothing
    if fmt == "cityjson":
        return open_city(path, crs), _nothing
    if fmt in ("geojson", "gpkg"):
        return GdalReader(str(path), fmt, crs), _nothing
    if fmt == "osm":
        if _gzipped(path):
            _expands_within(path)
        source = f"/vsigzip/{path}" if _gzipped(path) else str(path)
        return GdalReader(source, "osm", crs), _nothing
    infos = archive.members(path)
    if fmt == "shapefile":
        shapes = [i for i in infos if i.filename.lower().endswith(".shp")]
        if len(shapes) != 1:
            raise ImportFailed("import.many_shapefiles", count=len(shapes))
        stem = shapes[0].filename[: -len(".shp")].lower()
        parts = [
            i for i in infos if i.filename.lower().startswith(stem) and i.filename.lower().endswith(SHAPEFILE_PARTS)
        ]
        folder = archive.extract(path, parts)
        return _guarded(folder, lambda: GdalReader(str(next(folder.glob("*.[sS][hH][pP]"))), "shapefile", crs))
    tables = [i for i in infos if i.filename.lower().endswith(".txt")]
    folder = archive.extract(path, tables)
    return _guarded(folder, lambda: GdalReader(f"GTFS:{folder}", "gtfs", crs))


def _guarded(folder: Path, make: Callable[[], object]) -> tuple[object, Callable[[], None]]:
    def clean() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    try:
        return make(), clean
    except BaseException:
        clean()
        raise


def _nothing() -> None:
    return None
