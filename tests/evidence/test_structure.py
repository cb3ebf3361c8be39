"""A CSV file that cannot be read as its columns: the cause once, one line, never a traceback or a cascade."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import edit, validate_errors

DERBYSHIRE = b"derbyshire,Derbyshire Constabulary,"
NOT_CLOSED = "a quoted cell runs on past the end of its line: its closing quote is missing (or the cell holds a line break)"

CASES = {
    "a quote never closed": (
        lambda p: edit(p, "forces.csv", DERBYSHIRE, b'derbyshire,"Derbyshire Constabulary,'),
        f'data/forces.csv:9:name: {NOT_CLOSED} (found "Derbyshire Constabulary,Derbyshire", '
        'expected a closing " on line 9 (the quote runs on to line 44))'),
    "a quote closed by the next quoted cell": (
        lambda p: edit(p, "foi_force_counts.csv", b"refuge-2023,dorset,17,306,6,", b'refuge-2023,"dorset,17,306,6,'),
        'data/foi_force_counts.csv:8:force_id: the row does not have one cell per column '
        '(found "3 cells", expected 6 cells, one per column; a quote (") in the row may have joined cells)'),
    "a quote that swallows rows up to a later quote": (
        lambda p: (edit(p, "forces.csv", DERBYSHIRE, b'derbyshire,"Derbyshire Constabulary,'),
                   edit(p, "forces.csv", b"warwickshire,Warwickshire Police,", b'warwickshire,Warwickshire Police",')),
        f'data/forces.csv:9:name: {NOT_CLOSED} (found "Derbyshire Constabulary,Derbyshire", '
        'expected a closing " on line 9 (the quote runs on to line 40))'),
    "a quote in the header": (
        lambda p: edit(p, "forces.csv", b"force_id,name", b'force_id,"name'),
        f'data/forces.csv:1:name: {NOT_CLOSED} (found "name,short_name", expected a closing " on line 1 (the quote runs on to line 44))'),
    "a line break inside a cell": (
        lambda p: edit(p, "forces.csv", DERBYSHIRE, b'derbyshire,"Derbyshire\nConstabulary",'),
        f'data/forces.csv:9:name: {NOT_CLOSED} (found "Derbyshire", expected a closing " on line 9 (the quote runs on to line 10))'),
    "a cell over the csv module's field limit": (
        lambda p: edit(p, "forces.csv", DERBYSHIRE, b"derbyshire," + b"x" * 140_000 + b","),
        'data/forces.csv:9:name: the cell is longer than a cell may be (found "140,000 characters", expected at most 131,072 characters)'),
}


@pytest.fixture
def fresh_csv_limit():
    """Give the csv module its default field limit, as in a fresh process (frictionless raises it when it reads a CSV)."""
    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


@pytest.mark.parametrize("case", list(CASES))
def test_an_unreadable_csv_is_one_line(project: Path, fresh_csv_limit: None, case: str) -> None:
    change, error = CASES[case]
    change(project)
    assert validate_errors(project) == [error, "Error: 1 problem(s) in data/; fix them and run again"]
