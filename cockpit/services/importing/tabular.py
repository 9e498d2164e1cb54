"""CSV and Excel, text first. CSV encodings are detected (UTF-8 with or without BOM, then GB 18030 if the
text is valid in it, else charset-normalizer, with GB2312/GBK widened to GB18030, their superset);
each physical line is decoded on its own so one bad line
is quarantined instead of failing the file or being silently replaced. Both stream: memory is one batch."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import charset_normalizer
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from cockpit.services.importing import archive
from cockpit.services.importing.batch import BATCH_ROWS, Batch, Problem, unique_names
from cockpit.services.importing.errors import ImportFailed

SAMPLE = 1 << 20
FALLBACK = ("utf-8", "gb18030", "big5")
WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "ascii": "utf-8"}
csv.field_size_limit(1 << 20)


def detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    cut = sample if len(sample) < SAMPLE else sample[: sample.rfind(b"\n") + 1]
    try:
        cut.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        cut.decode("gb18030")
        return "gb18030"  # a city's own files: GB 18030 before any other multi-byte guess (cp949, shift_jis)
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(cut).best()
    if best is not None:
        return WIDER.get(best.encoding.lower(), best.encoding.lower())
    return _by_lines(cut)


def _by_lines(sample: bytes) -> str:
    """A sample with a few undecodable lines defeats whole-sample detection: take the first of the encodings a
    Chinese city's files come in that decodes nearly every line, so the bad lines are quarantined, not the file."""
    lines = [line for line in sample.splitlines() if line.strip()]
    for encoding in FALLBACK:
        good = 0
        for line in lines:
            try:
                line.decode(encoding)
                good += 1
            except UnicodeDecodeError:
                continue
        if lines and good / len(lines) >= 0.9:
            return encoding
    raise ImportFailed("import.encoding_unknown")


class CsvReader:
    format = "csv"
    crs = None

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = path
        self.encoding = encoding or detect_encoding(path)
        self.size = max(1, path.stat().st_size)
        self._read = 0
        self.bad_lines: list[Problem] = []

    def _lines(self) -> Iterator[str]:
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                self._read += len(raw)
                try:
                    line = raw.decode(self.encoding)
                except UnicodeDecodeError as error:
                    where = f"byte {error.start}"
                    self.bad_lines.append(Problem(number, f"line is not {self.encoding} text ({where})", _raw(raw)))
                    continue
                yield line.removeprefix("\ufeff") if number == 1 else line

    def batches(self) -> Iterator[Batch]:
        reader = csv.reader(self._lines())
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFailed("import.empty") from None
        except csv.Error as error:
            raise ImportFailed("import.unreadable", reason=str(error)) from None
        columns = unique_names(header)
        width = len(columns)
        batch = Batch(columns, [], [])
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                batch.problems.append(Problem(reader.line_num, f"not CSV: {error}", ""))
                continue
            if len(row) != width:
                if not any(row):
                    continue  # a blank line between records is layout, not data
                reason = f"has {len(row)} fields, the header has {width}"
                batch.problems.append(Problem(reader.line_num, reason, _raw(",".join(row))))
                continue
            batch.rows.append([None if v == "" else v for v in row])
            batch.numbers.append(reader.line_num)
            if len(batch.rows) >= BATCH_ROWS:
                yield self._close(batch)
                batch = Batch(columns, [], [])
        yield self._close(batch)

    def _close(self, batch: Batch) -> Batch:
        batch.problems.extend(self.bad_lines)
        self.bad_lines = []
        batch.progress = min(1.0, self._read / self.size)
        return batch


class ExcelReader:
    """The first worksheet that has anything in it; a cell's typed value is taken as its text."""

    format = "excel"
    crs = None
    encoding = None

    def __init__(self, path: Path) -> None:
        archive.members(path)  # an .xlsx is a zip: the same bomb and traversal checks apply
        try:
            self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise ImportFailed("import.unreadable", reason=str(error)[:200]) from None

    def batches(self) -> Iterator[Batch]:
        sheet = next((s for s in self.book.worksheets if s.max_row and s.max_row > 1), None)
        if sheet is None:
            raise ImportFailed("import.empty")
        total = max(1, sheet.max_row or 1)
        rows = sheet.iter_rows(values_only=True)
        columns = unique_names(list(next(rows)))
        width = len(columns)
        batch = Batch(columns, [], [])
        for number, row in enumerate(rows, start=2):
            cells = [_text(v) for v in row[:width]] + [None] * (width - len(row))
            if len(row) > width and any(v is not None for v in row[width:]):
                batch.problems.append(Problem(number, f"has values beyond the {width} headed columns", _raw(row)))
                continue
            if all(v is None for v in cells):
                continue
            batch.rows.append(cells)
            batch.numbers.append(number)
            if len(batch.rows) >= BATCH_ROWS:
                batch.progress = number / total
                yield batch
                batch = Batch(columns, [], [])
        batch.progress = 1.0
        yield batch
        self.book.close()


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raw(value: object) -> str:
    return (value.decode("latin-1") if isinstance(value, bytes) else str(value))[:1000]
