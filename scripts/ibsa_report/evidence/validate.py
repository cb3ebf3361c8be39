"""Validate the whole data package: readable files, Table Schemas, then cross-table rules.

Every problem is collected (not just the first). Rules run only on tables that passed the earlier
steps, so one broken file does not bury the report in follow-on errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ibsa_report.evidence.cells import cell_problems
from ibsa_report.evidence.expectations import missing_resources, weaker_than_expected
from ibsa_report.evidence.loading import to_frame
from ibsa_report.evidence.package import DATA_DIR, DescriptorError, load_descriptor, resource_specs
from ibsa_report.evidence.problems import Problem, sort_problems
from ibsa_report.evidence.rules import RULES, descriptor_source_ids
from ibsa_report.evidence.schema_checks import schema_problems
from ibsa_report.evidence.structure import read_raw


@dataclass
class Validation:
    """The outcome of validating a project's data: problems, and the typed frames of clean tables."""

    problems: list[Problem]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return True when no problem was found."""
        return not self.problems

    def report(self, stopped: str) -> str:
        """Return every problem, one line each, then how many there are and what they stopped."""
        lines = "\n".join(p.message for p in self.problems)
        return f"{lines}\n{len(self.problems)} problem(s) in data/; {stopped}"


class InvalidData(ValueError):
    """data/ has problems; the message lists each (file, row, field) and says what was stopped."""


def require_valid(project: Path, stopped: str) -> Validation:
    """Validate data/ and return the outcome; raise InvalidData, saying what was stopped, on any problem."""
    result = validate_project(project)
    if not result.ok:
        raise InvalidData(result.report(stopped))
    return result


def validate_project(project: Path) -> Validation:
    """Validate data/ in a project directory and return every problem found."""
    read = read_tables(project)
    return Validation(sort_problems(read.problems + cross_table_problems(read)), read.tables)


@dataclass
class ReadTables:
    """data/ as read and checked table by table: its problems so far, its clean tables, its descriptor (None if unreadable)."""

    problems: list[Problem]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    descriptor: dict[str, Any] | None = None


def read_tables(project: Path) -> ReadTables:
    """Read data/ with frictionless and check each table: the descriptor, the files, the cells and the Table Schemas."""
    try:
        descriptor, lines = load_descriptor(project)
    except DescriptorError as exc:
        return ReadTables([exc.problem])

    specs, problems = resource_specs(project, descriptor, lines)
    problems += missing_resources(descriptor, lines)
    raw = {}
    for spec in specs:
        weak = weaker_than_expected(spec, lines)
        problems += weak
        if weak:
            continue
        table, found = read_raw(spec)
        problems += found
        if table is not None:
            raw[spec.name] = table
            problems += cell_problems(table)

    # A cell refused above (a number not written plainly, say) is not reported again by frictionless.
    flagged = {(p.path, p.row, p.field) for p in problems}
    problems += [p for p in schema_problems(descriptor, project / DATA_DIR, raw) if (p.path, p.row, p.field) not in flagged]
    failed_paths = {p.path for p in problems}
    failed = {name for name, t in raw.items() if t.spec.rel_path in failed_paths}
    return ReadTables(problems, {name: to_frame(t) for name, t in raw.items() if name not in failed}, descriptor)


def cross_table_problems(read: ReadTables) -> list[Problem]:
    """Run each cross-table rule whose tables were read clean, and check the descriptor's source ids."""
    problems = []
    for needs, rule in RULES:
        if all(n in read.tables for n in needs):
            problems += rule(read.tables)
    if read.descriptor is not None and "sources" in read.tables:
        problems += descriptor_source_ids(read.descriptor, read.tables["sources"])
    return problems
