"""Check that a CSV file can be read at all: present, not empty, UTF-8, the right columns, some rows.

These checks run before the Table Schema checks so that a broken file gets one clear line (with the
row and the column) instead of a cascade of errors or a traceback.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ibsa_report.evidence.package import ResourceSpec
from ibsa_report.evidence.problems import Problem

BOM = "\ufeff"


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

    header, rows, lines = _parse(text)
    problems = _header_problems(spec, header)
    if problems:
        return None, problems
    if not any(any(cell.strip() for cell in row) for row in rows):
        key = "+".join(spec.primary_key) or first
        return None, [problem("no-rows", 2, key, "header only", "at least one row of data")]
    return RawTable(spec, header, rows, lines), []


def _parse(text: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Split CSV text into header, rows and the line number each row starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows: list[list[str]] = []
    lines: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        rows.append(row)
        lines.append(start)
    return header, rows, lines


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
