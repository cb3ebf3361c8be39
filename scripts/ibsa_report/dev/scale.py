"""Synthetic, larger copies of the project for the scale benchmark: more FOI rounds, more forces.

A copy with n rounds repeats every row of the FOI tables (rounds, responses, force counts and outcome
totals) under n - 1 new round ids. A copy with k times the forces repeats every force, with its
responses and counts, under k - 1 new force ids, and multiplies each round's stated numbers of forces
and offences and its outcome rows' offences by k (the published percentages stay true); as each force
has a page of its own, that copy has about k times the pages. Every rule still holds, so a copy
validates and builds as the project does. Nothing here is evidence: the copies live in scratch
folders and are deleted after the benchmark.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from ibsa_report.evidence.package import DATA_DIR
from ibsa_report.sources import copy_sources

ROUND_TABLES = ("foi_rounds", "foi_responses", "foi_force_counts", "foi_outcome_totals")
FORCE_ROWS = ("foi_responses", "foi_force_counts")  # the FOI tables with a row per force (besides forces.csv)
ROUND_STATED = ("forces_asked", "forces_responded", "forces_included", "stated_recorded_total", "stated_charged_total")


def copy_id(original: str, k: int) -> str:
    """Return the id of the k-th synthetic copy of a round or a force (k >= 2; copy 1 is the original)."""
    return f"{original}-copy-{k}"


def rewrite(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> None:
    """Rewrite a CSV file's rows with change (same columns, same quoting rules)."""
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    fields = list(reader.fieldnames or [])
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(change(list(reader)))
    path.write_text(out.getvalue(), encoding="utf-8")


def repeated(rows: list[dict[str, str]], column: str, times: int, **labelled: str) -> list[dict[str, str]]:
    """Return the rows, then times - 1 copies of them with column's id (and each labelled column) marked copy k."""
    copies = list(rows)
    for k in range(2, times + 1):
        copies += [{**row, column: copy_id(row[column], k), **{c: f"{row[c]} {label} {k}" for c, label in labelled.items()}}
                   for row in rows]
    return copies


def multiplied(rows: list[dict[str, str]], columns: tuple[str, ...], factor: int) -> list[dict[str, str]]:
    """Return the rows with each of columns' whole numbers multiplied by factor."""
    return [{**row, **{c: str(int(row[c]) * factor) for c in columns}} for row in rows]


def table(project: Path, name: str) -> Path:
    """Return the path of one of data/'s tables."""
    return project / DATA_DIR / f"{name}.csv"


def with_rounds(project: Path, rounds: int) -> None:
    """Rewrite a project's FOI tables in place so that it holds `rounds` times its FOI rounds."""
    for name in ROUND_TABLES:
        rewrite(table(project, name), lambda rows: repeated(rows, "round_id", rounds))


def with_forces(project: Path, factor: int) -> None:
    """Rewrite a project's tables in place so that it has `factor` times its forces (and so its force pages)."""
    rewrite(table(project, "forces"), lambda rows: repeated(rows, "force_id", factor, name="copy", short_name="copy"))
    for name in FORCE_ROWS:
        rewrite(table(project, name), lambda rows: repeated(rows, "force_id", factor))
    rewrite(table(project, "foi_rounds"), lambda rows: multiplied(rows, ROUND_STATED, factor))
    rewrite(table(project, "foi_outcome_totals"), lambda rows: multiplied(rows, ("offences",), factor))


def scaled_copy(project: Path, target: Path, rounds: int = 1, forces: int = 1) -> Path:
    """Copy the project's sources to target with `rounds` times its FOI rounds and `forces` times its forces."""
    copy = copy_sources(project, target)
    if forces > 1:
        with_forces(copy, forces)
    if rounds > 1:
        with_rounds(copy, rounds)
    return copy
