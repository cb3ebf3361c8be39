"""Check that a CSV file can be read at all: present, not empty, UTF-8, the right columns, some rows.

These checks run before the Table Schema checks so that a broken file gets one clear line (with the
row and the column) instead of a cascade of errors or a traceback.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ibsa_report.evidence.package import ResourceSpec
from ibsa_report.evidence.problems import Problem, printable

BOM = "\ufeff"
# The csv module refuses a cell over its field limit with an error (131,072 characters by default, until
# frictionless raises the limit for the whole process). The reader is given a large limit, so that the
# same file always reads the same way, and a cell longer than CELL_LIMIT is a problem in its own right.
CELL_LIMIT = 131_072
READER_LIMIT = 2**31 - 2


@dataclass(frozen=True)
class RawTable:
    """A CSV file read as text: its header and rows, with the line each row starts on."""

    spec: ResourceSpec
    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def read_raw(spec: ResourceSpec) -> tuple[RawTable | None, list[Problem]]:
    """Read a resource's file; return the table, or None with the problems that stop it being read."""
    expected_header = "a header row: " + ",".join(spec.field_names)
    first = spec.field_names[0]

    def problem(code: str, row: int, field: str, value: str, expected: str) -> Problem:
        return Problem(code, spec.rel_path, row, field, value, expected)

    if not spec.path.is_file():
        return None, [problem("missing-file", 1, first, spec.rel_path, "the file to exist")]
    data = spec.path.read_bytes()
    if not data.strip():
        return None, [problem("empty-file", 1, first, f"{len(data)} bytes", expected_header)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_encoding_problem(spec, data, exc)]
    if text.startswith(BOM):
        return None, [problem("byte-order-mark", 1, first, "\\ufeff", "the file to start with the header")]

    try:
        records = _parse(text)
    except csv.Error as exc:
        return None, [Problem("unreadable-csv", spec.rel_path, 1, first, "", "CSV text", str(exc))]
    stop = _runaway_quote(spec, records) or _long_cells(spec, records)
    if stop:
        return None, stop
    header = records[0].cells if records else []
    rows, lines = [r.cells for r in records[1:]], [r.start for r in records[1:]]
    problems = _header_problems(spec, header) or _shape_problems(spec, records)
    if problems:
        return None, problems
    if not any(any(cell.strip() for cell in row) for row in rows):
        key = "+".join(spec.primary_key) or first
        return None, [problem("no-rows", 2, key, "header only", "at least one row of data")]
    return RawTable(spec, header, rows, lines), []


@dataclass(frozen=True)
class _Record:
    """One CSV record (the header or a row): its cells and the lines it starts and ends on."""

    cells: list[str]
    start: int
    end: int


def _parse(text: str) -> list[_Record]:
    """Split CSV text into records, the header first, with the lines each starts and ends on."""
    csv.field_size_limit(READER_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[_Record] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        records.append(_Record(cells, start, reader.line_num))
    return records


def _column(names: list[str], index: int) -> str:
    """Name the column at index."""
    return names[index] if index < len(names) else f"(column {index + 1})"


def _runaway_quote(spec: ResourceSpec, records: list[_Record]) -> list[Problem]:
    """Report, once, the first record that runs over several lines: an unclosed quote swallows the rows after it."""
    for record in records:
        if record.end > record.start:
            names = spec.field_names if record is records[0] else records[0].cells
            index = next((i for i, c in enumerate(record.cells) if "\n" in c or "\r" in c), 0)
            first_line = (record.cells[index].splitlines() or [""])[0] if record.cells else ""
            return [Problem("quote-not-closed", spec.rel_path, record.start, _column(names, index), printable(first_line),
                            f'a closing " on line {record.start} (the quote runs on to line {record.end})')]
    return []


def _shape_problems(spec: ResourceSpec, records: list[_Record]) -> list[Problem]:
    """Report each row with more or fewer cells than the header (a stray quote joins cells); blank rows are the schema's."""
    header = records[0].cells
    problems = []
    for record in records[1:]:
        cells = record.cells
        if not cells or len(cells) == len(header):
            continue
        joined = next((i for i, c in enumerate(cells) if "," in c), None)
        index = joined if joined is not None else min(len(cells), len(header))
        hint = '; a quote (") in the row may have joined cells' if joined is not None else ""
        problems.append(Problem("row-shape", spec.rel_path, record.start, _column(header, index), f"{len(cells)} cells",
                                f"{len(header)} cells, one per column{hint}"))
    return problems


def _long_cells(spec: ResourceSpec, records: list[_Record]) -> list[Problem]:
    """Report every cell longer than CELL_LIMIT characters."""
    names = records[0].cells if records else spec.field_names
    return [Problem("cell-too-long", spec.rel_path, record.start, _column(names, i), f"{len(cell):,} characters",
                    f"at most {CELL_LIMIT:,} characters")
            for record in records for i, cell in enumerate(record.cells) if len(cell) > CELL_LIMIT]


def _header_problems(spec: ResourceSpec, header: list[str]) -> list[Problem]:
    """Compare the header with the schema's columns: missing, extra, out of order."""
    expected = spec.field_names
    found = ",".join(header)
    problems = [
        Problem("missing-column", spec.rel_path, 1, name, found, "a column named " + name)
        for name in expected
        if name not in header
    ]
    problems += [
        Problem("extra-column", spec.rel_path, 1, name or f"(column {i})", name, "only " + ",".join(expected))
        for i, name in enumerate(header, start=1)
        if name not in expected
    ]
    if not problems and header != expected:
        problems.append(Problem("column-order", spec.rel_path, 1, expected[0], found, ",".join(expected)))
    return problems


def _encoding_problem(spec: ResourceSpec, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """Locate the first byte that is not UTF-8: its line, and the column it falls in."""
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    line = data[:exc.start].count(b"\n") + 1
    prefix = data[line_start:exc.start].decode("utf-8", errors="replace")
    column = len(next(csv.reader([prefix]), [""])) - 1 if prefix else 0
    names = spec.field_names
    field = names[column] if column < len(names) else f"(column {column + 1})"
    bad = data[exc.start:exc.end].hex(" ")
    return Problem("not-utf8", spec.rel_path, line, field, f"bytes {bad}", "UTF-8 text")
