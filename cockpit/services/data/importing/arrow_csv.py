"""The fast way through a plain CSV: Arrow's parser, columns kept as Arrow text. A file is plain when every
block decodes in its encoding, no line is blank and no quoted field spans lines: then each record is one line,
so a row's line number is known without the `csv` module counting, and rows of the wrong width still come back
one by one (Arrow's invalid-row handler) to be quarantined with their line. Any other file takes the `csv`
module's way (cockpit.services.data.importing.tabular), which quarantines line by line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv

from cockpit.services.data.importing.batch import BATCH_ROWS, Batch, Problem, unique_names
from cockpit.services.data.importing.errors import ImportFailed


def plain(path: Path, encoding: str) -> bool:
    """One pass over the bytes (the page cache keeps them for the parse that follows)."""
    with path.open("rb") as handle:
        rest = b""
        while True:
            chunk = handle.read(1 << 20)
            block = rest + chunk
            if not block:
                return True
            cut = len(block) if not chunk else block.rfind(b"\n") + 1
            if cut == 0:
                rest = block
                continue
            block, rest = block[:cut], block[cut:]
            if block.startswith((b"\n", b"\r\n")) or b"\n\n" in block or b"\n\r\n" in block:
                return False
            try:
                block.decode(encoding)
            except UnicodeDecodeError:
                return False
            if b'"' in block and any(line.count(b'"') % 2 for line in block.split(b"\n") if b'"' in line):
                return False


def batches(path: Path, encoding: str, size: int) -> Iterator[Batch]:
    with path.open("rb") as handle:
        head = handle.readline().decode(encoding).removeprefix("\ufeff")
        sample = handle.read(1 << 16)
    block = max(1 << 16, min(1 << 22, len(sample) // max(1, sample.count(b"\n")) * BATCH_ROWS))
    try:
        columns = unique_names(next(csv.reader(io.StringIO(head))))
    except (StopIteration, csv.Error):
        raise ImportFailed("import.empty") from None
    width = len(columns)
    names = [f"c{i}" for i in range(width)]  # Arrow's names; the field names may repeat or be blank
    schema = pa.schema([(name, pa.string()) for name in names])
    invalid: dict[int, Problem | None] = {}

    def set_aside(row: pcsv.InvalidRow) -> str:
        if row.text.strip(", \t\r"):
            reason = f"has {row.actual_columns} fields, the header has {row.expected_columns}"
            invalid[row.number] = Problem(row.number, reason, row.text[:1000])
        else:
            invalid[row.number] = None  # a line of separators only: layout, not data
        return "skip"

    with path.open("rb") as handle:
        try:
            reader = pcsv.open_csv(
                handle,
                read_options=pcsv.ReadOptions(
                    skip_rows=1, column_names=names, use_threads=False, block_size=block, encoding=encoding
                ),
                parse_options=pcsv.ParseOptions(invalid_row_handler=set_aside),
                convert_options=pcsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), null_values=[""], strings_can_be_null=True
                ),
            )
        except pa.ArrowInvalid as error:
            if "Empty CSV file" in str(error):
                raise ImportFailed("import.empty") from None
            raise ImportFailed("import.unreadable", reason=str(error)[:300]) from None
        line = 1  # the header's
        while True:
            try:
                table = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as error:
                raise ImportFailed("import.unreadable", reason=str(error)[:300]) from None
            numbers, problems = [], []
            while len(numbers) < table.num_rows:
                line += 1
                if line in invalid:
                    problem = invalid.pop(line)
                    if problem is not None:
                        problems.append(problem)
                else:
                    numbers.append(line)
            yield Batch(columns, [], numbers, table=table, problems=problems, progress=min(1.0, handle.tell() / size))
        problems = [p for p in invalid.values() if p is not None]
        if problems:
            yield Batch(
                columns, [], [], table=pa.RecordBatch.from_pylist([], schema=schema), problems=problems, progress=1.0
            )
