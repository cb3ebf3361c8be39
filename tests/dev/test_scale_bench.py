"""`ibsa-report bench --scale`: the growth it reports, its budgets, and a real run on small copies."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ibsa_report.cli import cli
from ibsa_report.dev.scale import scaled_copy
from ibsa_report.dev.scale_bench import Step, growth, scale_failures, scale_lines
from ibsa_report.evidence.validate import validate_project

from conftest import ROOT


def validation(label: str, rows: int, read: float, rules: float) -> Step:
    return Step("validate", label, rows, "rows", read + rules, read, rules)


def test_growth_is_the_time_ratio_over_the_size_ratio_within_one_kind() -> None:
    steps = [validation("1 round", 100, 0.9, 0.1), validation("10 rounds", 1000, 9.0, 1.0),
             validation("100 rounds", 10000, 900.0, 100.0), Step("build", "1 round", 50, "pages", 60.0),
             Step("build", "10 rounds", 50, "pages", 300.0, rounds=10), Step("build", "10x the forces", 500, "pages", 1200.0)]
    assert [growth(steps, i) for i in range(6)] == ["", "1.00 by rows", "10.00 by rows", "", "0.50 by rounds", "2.00 by pages"]
    lines = scale_lines(steps)
    assert "(read 0.90 + rules 0.10)" in lines[1] and lines[2].endswith("1.00 by rows") and lines[3].endswith("10.00 by rows")
    assert "1.20 s per page" in lines[4] and "10.000 s per 1,000 rows" in lines[1]  # 1 s over 100 rows


def test_each_missed_budget_is_named() -> None:
    met = [validation("1 round", 100, 0.2, 0.01), validation("1,000 rounds", 70000, 2.0, 0.9)]
    assert scale_failures(met) == []
    missed = [validation("10 rounds", 900, 0.2, 0.3), validation("1,000 rounds", 70000, 2.0, 1.5)]
    assert scale_failures(missed) == [
        "validate 10 rounds: the rules took 0.30 s, longer than reading data/ (0.20 s)",
        "validate 1,000 rounds: 3.50 s is over the 3 s budget",
    ]


def test_a_copy_with_more_forces_is_valid_and_states_totals_to_match(tmp_path: Path) -> None:
    base = validate_project(ROOT).tables
    copy = validate_project(scaled_copy(ROOT, tmp_path / "copy", rounds=2, forces=3))
    assert copy.ok, [p.message for p in copy.problems]
    assert len(copy.tables["forces"]) == 3 * len(base["forces"])
    assert len(copy.tables["foi_force_counts"]) == 2 * 3 * len(base["foi_force_counts"])
    assert copy.tables["foi_rounds"]["stated_recorded_total"].tolist() == 2 * [3 * base["foi_rounds"]["stated_recorded_total"].iloc[0]]
    assert copy.tables["foi_outcome_totals"]["published_percent"].tolist() == 2 * base["foi_outcome_totals"]["published_percent"].tolist()


def test_the_scale_bench_validates_and_builds_small_copies() -> None:
    result = CliRunner().invoke(cli, ["--project", str(ROOT), "bench", "--scale", "--rounds", "1,3",
                                      "--build-rounds", "1", "--forces", "1", "--engine", "builtin"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    one, three, build = (next(line for line in lines if line.startswith(start))
                         for start in ("validate  1 round ", "validate  3 rounds ", "build  1 round "))
    assert int(one.split()[3].replace(",", "")) < int(three.split()[3].replace(",", ""))  # the rows, in the size column
    forces = len((ROOT / "data" / "forces.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert int(build.split()[3].replace(",", "")) > forces  # the built copy's pages: one per force, and the chapters
    assert result.stdout.rstrip().endswith("all budgets met")


def test_a_bad_list_of_rounds_is_refused_in_one_line() -> None:
    result = CliRunner().invoke(cli, ["--project", str(ROOT), "bench", "--scale", "--rounds", "1,x"])
    assert result.exit_code == 2
    assert "'1,x' is not a comma-separated list of whole numbers" in result.output
