"""Cell checks that a Table Schema cannot be trusted to make: characters that hide or reorder text, and numbers.

frictionless reads ``+2``, `` 17 ``, ``1_000``, ``017`` and Arabic-Indic digits as integers, ``NaN``
and ``1e5`` as numbers, and integers of any size, which pandas then cannot hold. A control character
(NUL, escape, a line break inside a cell) or a Unicode bidirectional control (U+202A-U+202E,
U+2066-U+2069, which reorder the text around them on the page) would reach readers unseen. Each is
refused here, one problem per cell.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ibsa_report.evidence.problems import Problem, printable
from ibsa_report.evidence.structure import RawTable

BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
INT64_MAX = 2**63 - 1
PLAIN_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
PLAIN_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
SHOWN = 40  # characters of a long cell shown on each side of the first bad character


def cell_problems(raw: RawTable) -> list[Problem]:
    """Return a problem for each cell holding a hidden character, or a number not written plainly or too large."""
    spec = raw.spec
    missing = set(spec.missing_values)
    kinds = {name: spec.fields[name].get("type", "string") for name in spec.field_names}
    problems = []
    for row, line in zip(raw.rows, raw.lines):
        for name, cell in zip(raw.header, row):
            found = character_problem(cell) or (None if cell in missing else number_problem(cell, kinds.get(name, "")))
            if found is not None:
                code, value, expected = found
                problems.append(Problem(code, spec.rel_path, line, name, value, expected))
    return problems


def character_problem(cell: str) -> tuple[str, str, str] | None:
    """Return (code, value shown, expected) for the first control or bidirectional character in a cell."""
    for i, ch in enumerate(cell):
        if ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc":
            code = "bidi-control" if ch in BIDI_CONTROLS else "control-character"
            return code, printable(cell, i, SHOWN), f"the text without {character_name(ch)}"
    return None


def number_problem(cell: str, kind: str) -> tuple[str, str, str] | None:
    """Return (code, value, expected) for an integer or number that is not plain digits or is out of range."""
    if kind == "integer":
        plain, value = PLAIN_INTEGER.fullmatch(cell), _parse(int, cell)
    elif kind == "number":
        plain, value = PLAIN_NUMBER.fullmatch(cell), _parse(Decimal, cell)
    else:
        return None
    if value is None:
        return None  # not a number at all: the schema check says so
    if not plain:
        written = str(value) if kind == "integer" else (format(value, "f") if value.is_finite() else "")
        return "number-form", cell, (f"{written} (the same number in plain digits)" if written
                                     else "a number in plain digits, such as 12.5")
    if (kind == "integer" and abs(value) > INT64_MAX) or (kind == "number" and not math.isfinite(float(value))):
        return "number-too-large", cell, f"at most {INT64_MAX:,}" if kind == "integer" else "a number below 1e308"
    return None


def _parse(kind: type, cell: str):
    """Return the cell read as int or Decimal (as frictionless reads it), or None if it is not one."""
    try:
        return kind(cell)
    except (ValueError, ArithmeticError, InvalidOperation):
        return None


def character_name(ch: str) -> str:
    """Name a character for a message: U+202E (RIGHT-TO-LEFT OVERRIDE); control characters by code alone."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")
