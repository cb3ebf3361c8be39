"""The cross-table rules are linear in the rows: whole-table operations, not one filter per FOI round."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from ibsa_report.dev.scale import copy_id, scaled_copy
from ibsa_report.evidence.rules import RULES
from ibsa_report.evidence.validate import validate_project

from conftest import ROOT, validate_errors

# The frame-level calls a rule could repeat per round: each one reads a whole table.
WHOLE_TABLE = {"__getitem__": pd.DataFrame, "groupby": pd.DataFrame, "merge": pd.DataFrame,
               "query": pd.DataFrame, "isin": pd.Series, "__eq__": pd.Series}


def tables_with(tmp_path: Path, rounds: int) -> dict[str, pd.DataFrame]:
    result = validate_project(scaled_copy(ROOT, tmp_path / f"rounds-{rounds}", rounds=rounds))
    assert result.ok, [p.message for p in result.problems]
    assert len(result.tables["foi_rounds"]) == rounds
    return result.tables


def operations(monkeypatch: pytest.MonkeyPatch, tables: dict[str, pd.DataFrame]) -> Counter[str]:
    """Run every rule and count, per rule, the whole-table calls it makes."""
    counts: Counter[str] = Counter()
    current = [""]
    for name, owner in WHOLE_TABLE.items():
        original = getattr(owner, name)

        def counted(*args, _original=original, _label=f"{owner.__name__}.{name}", **kwargs):
            counts[f"{current[0]}: {_label}"] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
    for _, rule in RULES:
        current[0] = rule.__name__
        assert rule(tables) == []
    monkeypatch.undo()
    return counts


def test_the_rules_make_as_many_whole_table_calls_for_50_rounds_as_for_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = tables_with(tmp_path, 5), tables_with(tmp_path, 50)
    few, many = operations(monkeypatch, small), operations(monkeypatch, large)
    grew = {op: (few[op], many[op]) for op in many if many[op] != few[op]}
    assert not grew, f"whole-table calls that grow with the rounds (5 rounds, 50 rounds): {grew}"
    assert sum(few.values()) > 0  # the counter sees the rules' calls


@pytest.mark.parametrize("table, old, new, expected", [
    ("foi_force_counts.csv", b"bedfordshire,30,262,11,", b"bedfordshire,31,262,12,", "stated_charged_total"),
    ("foi_responses.csv", b"bedfordshire,yes,yes,", b"bedfordshire,yes,no,", "forces_included"),
    ("foi_outcome_totals.csv", b",14,891,6,", b",14,892,6,", "stated_recorded_total"),
])
def test_a_problem_in_one_synthetic_round_is_reported_on_that_round_alone(tmp_path: Path, table: str, old: bytes, new: bytes,
                                                                          expected: str) -> None:
    project = scaled_copy(ROOT, tmp_path / "p", rounds=4)
    path = project / "data" / table
    lines = path.read_bytes().splitlines(keepends=True)
    third = copy_id("refuge-2023", 3).encode()
    target = next(i for i, line in enumerate(lines) if line.startswith(third + b",") and old in line)
    lines[target] = lines[target].replace(old, new, 1)
    path.write_bytes(b"".join(lines))
    errors = validate_errors(project)
    rounds_line = 1 + 3  # header, then refuge-2023 and its copies 2, 3 in order
    assert any(e.startswith(f"data/foi_rounds.csv:{rounds_line}:{expected}:") for e in errors), errors
    assert not any(e.startswith("data/foi_rounds.csv:") and not e.startswith(f"data/foi_rounds.csv:{rounds_line}:")
                   for e in errors), errors
