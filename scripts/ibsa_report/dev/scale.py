"""Synthetic, larger copies of the project for the scale benchmark: more FOI rounds, more pages.

A copy with n rounds repeats every row of the FOI tables (rounds, responses, force counts and outcome
totals) under n - 1 new round ids, so that every rule still holds and the copy validates as the project
does. A copy with k times the chapters repeats each chapters/*.qmd under new names. Nothing here is
evidence: the copies live in scratch folders and are deleted after the benchmark.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ibsa_report.evidence.package import DATA_DIR
from ibsa_report.sources import copy_sources

ROUND_TABLES = ("foi_rounds", "foi_responses", "foi_force_counts", "foi_outcome_totals")
CHAPTERS = "chapters"


def copy_id(round_id: str, k: int) -> str:
    """Return the id of the k-th synthetic copy of a round (k >= 2; copy 1 is the round itself)."""
    return f"{round_id}-copy-{k}"


def repeat_rounds(text: str, rounds: int) -> str:
    """Return a FOI table's CSV with every row repeated under `rounds` round ids in all (the first the row's own)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = list(reader.fieldnames or [])
    rows = list(reader)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    for k in range(2, rounds + 1):
        writer.writerows({**row, "round_id": copy_id(row["round_id"], k)} for row in rows)
    return out.getvalue()


def with_rounds(project: Path, rounds: int) -> None:
    """Rewrite a project's FOI tables in place so that it holds `rounds` times its FOI rounds."""
    for table in ROUND_TABLES:
        path = project / DATA_DIR / f"{table}.csv"
        path.write_text(repeat_rounds(path.read_text(encoding="utf-8"), rounds), encoding="utf-8")


def with_chapters(project: Path, factor: int) -> list[Path]:
    """Add copies of each chapter so that there are `factor` times as many; return the new pages."""
    added = []
    for page in sorted((project / CHAPTERS).glob("*.qmd")):
        for k in range(2, factor + 1):
            copy = page.with_name(f"{page.stem}-copy-{k}.qmd")
            copy.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
            added.append(copy)
    return added


def scaled_copy(project: Path, target: Path, rounds: int = 1, chapters: int = 1) -> Path:
    """Copy the project's sources to target with `rounds` times its FOI rounds and `chapters` times its chapters."""
    copy = copy_sources(project, target)
    if rounds > 1:
        with_rounds(copy, rounds)
    if chapters > 1:
        with_chapters(copy, chapters)
    return copy
