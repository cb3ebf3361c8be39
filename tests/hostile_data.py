"""Hostile text planted in data/: which columns can hold free text, the payload, and planting it.

A column can hold the payload when data/datapackage.json lets it hold any text: a `string` field
with no `pattern` and no `enum` (ids, dates written as text, web addresses, and lists of ids have a
pattern; kinds and statuses an enum; counts, dates and booleans another type). The payload is appended
to every cell of the column that holds a value, so the rows keep their order, their keys stay unique and
the rules across tables still hold; it starts with " !", which sorts before any letter, so that no list
sorted by its text changes order. Cells that are empty, or hold the registry's "unknown", stay as they are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNKNOWN = "unknown"  # data/sources.csv: a detail not confirmed (the bibliography leaves it out)
HOST = "evil.invalid"  # a host no page may request anything from

# Every way of turning data text into markup or script the report's renderers could meet, on one line
# (a line break would be folded), without the present tense (theme summaries must be in the past) and
# without ';' (the sources registry splits authors at it; see planted_text for ',').
PAYLOAD = (
    ' !{tag} <script>alert("{tag}")</script> <img src=x onerror=alert("{tag}")> <svg onload=alert("{tag}")></svg>'
    ' <details open ontoggle=alert("{tag}")>{tag}</details> <a href="javascript:alert(\'{tag}\')">a</a>'
    ' [j](javascript:alert("{tag}")) [d](data:text/html,<script>alert("{tag}")</script>)'
    ' ![i](http://' + HOST + '/{tag}.png) ![s](data:image/svg+xml,<svg onload=alert("{tag}")>) <https://' + HOST + '/{tag}>'
    ' [s]{{onclick=alert("{tag}")}} $x^2$ $$y$$ @refuge-2023-blog [@wilson-1927] *em* __b__ `c` `<b>r</b>`{{=html}}'
    ' &amp &lt %{{y}} | a | b | =HYPERLINK("http://' + HOST + '") \\(z\\) <!-- end{tag}'
)


def payload(tag: str) -> str:
    """Return the payload marked with tag (the column's own mark, shown in any alert it could open)."""
    return PAYLOAD.format(tag=tag)


NAMES = {("sources", "author")}  # 'Family, Given; Family, Given': the reference list shows "Given Family"


def planted_text(column: "Column", tag: str) -> str:
    """Return the payload for a column: in a list of names without ',' (it would move the payload's words)."""
    text = payload(tag)
    return text.replace(",", " ") if (column.resource, column.field) in NAMES else text


@dataclass(frozen=True)
class Column:
    """One column of one CSV file in data/."""

    resource: str
    path: str
    field: str

    def __str__(self) -> str:
        return f"data/{self.path}:{self.field}"


def why_constrained(field: dict[str, Any]) -> str | None:
    """Say why the schema keeps a field from holding free text (type, pattern, enum), or None if it does not."""
    kind = field.get("type", "string")
    if kind != "string":
        return f"type {kind}"
    rules = field.get("constraints", {})
    for rule in ("pattern", "enum"):
        if rule in rules:
            return rule
    return None


def columns(project: Path) -> tuple[list[Column], list[tuple[Column, str]]]:
    """Return the free-text columns of data/, and the others with why the schema constrains them."""
    descriptor = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    free, constrained = [], []
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            column = Column(resource["name"], resource["path"], field["name"])
            reason = why_constrained(field)
            if reason is None:
                free.append(column)
            else:
                constrained.append((column, reason))
    return free, constrained


def tags(cols: Sequence[Column]) -> dict[Column, str]:
    """Give each column a short mark: P00, P01, ..."""
    return {column: f"P{i:02d}" for i, column in enumerate(cols)}


def plant(project: Path, planted: dict[Column, str], *, first_row_only: bool = False) -> None:
    """Append each column's payload to its cells that hold a value (or to the first such cell only)."""
    by_file: dict[str, dict[str, str]] = {}
    for column, text in planted.items():
        by_file.setdefault(column.path, {})[column.field] = text
    for path, fields in by_file.items():
        target = project / "data" / path
        original = target.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(original, newline="")))
        header = rows[0]
        for name, text in fields.items():
            index = header.index(name)
            for row in (r for r in rows[1:] if r[index] not in ("", UNKNOWN)):
                row[index] += text
                if first_row_only:
                    break
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n" if "\r\n" in original else "\n").writerows(rows)
        target.write_text(out.getvalue(), encoding="utf-8", newline="")


def batches(cols: Iterable[Column], count: int) -> list[list[Column]]:
    """Deal the columns into count builds, round robin, so each build holds columns of many tables."""
    dealt: list[list[Column]] = [[] for _ in range(count)]
    for i, column in enumerate(cols):
        dealt[i % count].append(column)
    return [batch for batch in dealt if batch]
