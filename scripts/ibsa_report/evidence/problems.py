"""Data problems: one structured record per problem, rendered as one line for the person editing the CSV.

Every problem knows its file, row and field. ``row`` is the line number in the file (the header is
line 1), so an editor can jump straight to it. The message comes from one template per ``code``::

    data/foi_force_counts.csv:5:charged_summonsed: charged/summonsed is greater than recorded offences (found "400", expected at most 306)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable

TEMPLATES: dict[str, str] = {
    # the file as a whole
    "descriptor": "the data package description is invalid: {note}",
    "unsafe-path": "a resource's path must name a file inside data/; the file was not read",
    "missing-resource": "the data package has no resource the report needs",
    "weak-schema": "the schema of {note} is weaker than the report's checks rely on; the table was not read",
    "link-outside": "the file is a symbolic link to somewhere outside data/; the file was not read",
    "missing-file": "the file named in data/datapackage.json does not exist",
    "empty-file": "the file is empty",
    "not-utf8": "the file is not UTF-8 text; save it as 'CSV UTF-8'",
    "byte-order-mark": "the file starts with a byte-order mark; save it as 'CSV UTF-8' without one",
    "missing-column": "column is missing from the header",
    "extra-column": "column is not described in data/datapackage.json",
    "column-order": "columns are not in the order data/datapackage.json gives",
    "no-rows": "the file has a header but no rows",
    "quote-not-closed": "a quoted cell runs on past the end of its line: its closing quote is missing (or the cell holds a line break)",
    "cell-too-long": "the cell is longer than a cell may be",
    "unreadable-csv": "the file cannot be read as CSV: {note}",
    # a row or a cell
    "wrong-type": "value has the wrong type",
    "required": "value is missing",
    "below-minimum": "value is below the minimum",
    "above-maximum": "value is above the maximum",
    "not-allowed": "value is not one of the allowed values",
    "bad-format": "value does not have the required form",
    "duplicate-key": "the same key appears on more than one row",
    "unknown-reference": "value refers to something that does not exist",
    "row-shape": "the row does not have one cell per column",
    "control-character": "the value contains a control character, which would not show on the page",
    "bidi-control": "the value contains a Unicode bidirectional control, which would reorder the text around it on the page",
    "number-form": "a number must be written in plain digits (no plus sign, spaces, separators, leading zeros or exponent)",
    "number-too-large": "the number is too large",
    "schema": "{note}",
    # across tables
    "charged-exceeds-recorded": "charged/summonsed is greater than recorded offences",
    "rate-mismatch": "the published percentage does not match the counts",
    "total-mismatch": "{note}",
    "count-mismatch": "{note}",
    "included-without-data": "a force that provided no data cannot be included in the analysis",
    "count-exceeds-denominator": "the count is greater than its denominator",
    "missing-law-sources": "a legal status other than not-assessed must name its sources",
    "denominator-basis": "the denominator must be empty exactly when its basis is not-stated",
    "present-tense-law": "a theme summary reports what interviewees said in 2016/17, so it must not use the present tense",
    "checked-not-assessed": "a status the law-status research did not assess has no date checked",
}


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (or row, or file) of the data package."""

    code: str
    path: str
    row: int
    field: str
    value: str
    expected: str
    note: str = ""

    @property
    def message(self) -> str:
        """Render the one-line message."""
        what = TEMPLATES[self.code].format(note=self.note)
        return f'{self.path}:{self.row}:{self.field}: {what} (found "{self.value}", expected {self.expected})'


def printable(text: str, at: int = 0, width: int | None = None) -> str:
    """Show text on one line with every non-printing character escaped (\\x00, \\n, \\u202e); with width, cut around at."""
    start, end = (0, len(text)) if width is None else (max(0, at - width), min(len(text), at + width))
    shown = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text[start:end])
    return ("…" if start else "") + shown + ("…" if end < len(text) else "")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Order problems by file, then row, then field, without duplicates."""
    return sorted(set(problems), key=lambda p: (p.path, p.row, p.field, p.code, p.value))


def to_json(problems: Iterable[Problem]) -> str:
    """Render problems as a JSON document for machines."""
    items = [asdict(p) | {"message": p.message} for p in problems]
    return json.dumps({"valid": not items, "problems": items}, indent=2, ensure_ascii=False)
