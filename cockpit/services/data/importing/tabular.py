"""CSV and Excel, text first. CSV encodings are detected (UTF-8 with or without BOM, then GB 18030 if the
text is valid in it, else charset-normalizer, with GB2312/GBK widened to GB18030, their superset);
each physical line is decoded on its own so one bad line
is quarantined instead of failing the file or being silently replaced. Both stream: memory is one batch."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import charset_normalizer
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from cockpit.services.data.importing import archive, arrow_csv
from cockpit.services.data.importing.batch import BATCH_ROWS, Batch, Problem, unique_names
from cockpit.services.data.importing.errors import ImportFailed

SAMPLE = 1 << 20
BLOCK = 1 << 20
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
        """Lines decoded a block at a time (the codec's speed); a block that does not decode is decoded line by
        line, and only its bad lines are quarantined."""
        number = 0
        with self.path.open("rb") as handle:
            rest = b""
            while True:
                chunk = handle.read(BLOCK)
                block = rest + chunk
                cut = len(block) if not chunk else block.rfind(b"\n") + 1
                if not block:
                    return
                if cut == 0:
                    rest = block
                    continue
                block, rest = block[:cut], block[cut:]
                self._read += len(block)
                try:
                    text = block.decode(self.encoding)
                except UnicodeDecodeError:
                    yield from self._line_by_line(block, number)
                else:
                    yield from io.StringIO(text.removeprefix("\ufeff") if number == 0 else text, newline="")
                number += block.count(b"\n")

    def _line_by_line(self, block: bytes, before: int) -> Iterator[str]:
        for number, raw in enumerate(block.splitlines(keepends=True), start=before + 1):
            try:
                yield raw.decode(self.encoding)
            except UnicodeDecodeError as error:
                reason = f"line is not {self.encoding} text (byte {error.start})"
                self.bad_lines.append(Problem(number, reason, _raw(raw)))

    def batches(self) -> Iterator[Batch]:
        if arrow_csv.plain(self.path, self.encoding):
            return arrow_csv.batches(self.path, self.encoding, self.size)
        return self._parsed()

    def _parsed(self) -> Iterator[Batch]:
        reader = csv.reader(self._lines())
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFailed("import.empty") from None
        except csv.Error as error:
            raise ImportFailed("import.unreadable", reason=str(error)) from None
        columns = unique_names(header)
        width = len(columns)
        records = self._records(reader)
        while True:
            start = reader.line_num
            rows = list(islice(records, BATCH_ROWS))
            if not rows:
                break
            if reader.line_num - start == len(rows):  # one line a record: numbers are line numbers
                numbers = list(range(start + 1, reader.line_num + 1))
            else:  # a quoted field spans lines (or a record was unreadable): count back from the last line
                numbers = list(range(reader.line_num - len(rows) + 1, reader.line_num + 1))
            batch = Batch(columns, rows, numbers)
            if any(len(row) != width for row in rows):
                self._set_aside(batch, width)
            yield self._close(batch)

    def _records(self, reader) -> Iterator[list[str]]:
        """The parser's records; one it cannot read (a field over the size limit) is quarantined, not fatal."""
        while True:
            try:
                yield next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                self.bad_lines.append(Problem(reader.line_num, f"not CSV: {error}", ""))

    @staticmethod
    def _set_aside(batch: Batch, width: int) -> None:
        """Rows of the wrong width are quarantined; blank lines between records are layout, not data."""
        kept_rows, kept_numbers = [], []
        for row, number in zip(batch.rows, batch.numbers, strict=True):
            if len(row) == width:
                kept_rows.append(row)
                kept_numbers.append(number)
            elif any(row):
                reason = f"has {len(row)} fields, the header has {width}"
                batch.problems.append(Problem(number, reason, _raw(",".join(row))))
        batch.rows, batch.numbers = kept_rows, kept_numbers

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
