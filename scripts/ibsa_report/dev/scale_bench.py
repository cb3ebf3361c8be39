"""How validation and the build grow with the data: synthetic copies with more FOI rounds and more forces.

Validation is timed in this process on copies with 1, 10, 100 and 1,000 times the FOI rounds (see
ibsa_report.dev.scale), split into reading data/ with frictionless and the cross-table rules; the build
is timed with `ibsa-report build` on copies with more rounds and with more forces (each force has a page,
so 10 times the forces is about 10 times the pages), each from an empty cache. Each step's growth is its
time ratio over its size ratio: 1 is linear, above 1 faster than linear.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quarto_lite.project import read_config
from ibsa_report.dev.bench import text_table, timed_build
from ibsa_report.dev.scale import scaled_copy
from ibsa_report.evidence.validate import cross_table_problems, read_tables
from ibsa_report.sources import CACHE_DIR, CACHE_SOURCE

VALIDATE_ROUNDS = (1, 10, 100, 1000)
BUILD_ROUNDS = (1, 10)
FORCES = 10
VALIDATE_BUDGET_SECONDS = 3.0  # at the largest size that the budget names
BUDGET_ROUNDS = 1000
RUNS = 3  # validation runs per size; the median is kept


@dataclass(frozen=True)
class Step:
    """One timed size: what was timed, its size (rows or pages) and seconds; read/rules for a validation."""

    what: str
    label: str
    size: int
    unit: str
    seconds: float
    read: float | None = None
    rules: float | None = None
    rounds: int = 1


def plural(n: int, word: str) -> str:
    """Return '1 round' or '10 rounds'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def time_validation(project: Path) -> tuple[float, float, int]:
    """Validate project RUNS times; return the median seconds reading data/ and running the rules, and its rows."""
    reads, rules = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        read = read_tables(project)
        middle = time.perf_counter()
        problems = read.problems + cross_table_problems(read)
        reads.append(middle - start)
        rules.append(time.perf_counter() - middle)
        if problems:
            raise RuntimeError(f"the synthetic copy {project.name} is not valid: {problems[0].message}")
    return statistics.median(reads), statistics.median(rules), sum(len(t) for t in read.tables.values())


def run_scale(project: Path, engine: str, log: Callable[[str], None] = print, *,
              validate_rounds: Sequence[int] = VALIDATE_ROUNDS, build_rounds: Sequence[int] = BUILD_ROUNDS,
              forces: int = FORCES) -> list[Step]:
    """Validate and build the synthetic copies; return each timed size, validations first."""
    steps = []
    with tempfile.TemporaryDirectory(prefix="ibsa-scale-") as scratch:
        for rounds in validate_rounds:
            copy = scaled_copy(project, Path(scratch) / f"validate-{rounds}", rounds=rounds)
            log(f"validating {plural(rounds, 'round')} ...")
            read, rules, rows = time_validation(copy)
            steps.append(Step("validate", plural(rounds, "round"), rows, "rows", read + rules, read, rules))
        builds = [(rounds, 1) for rounds in build_rounds] + ([(1, forces)] if forces > 1 else [])
        for rounds, factor in builds:
            label = plural(rounds, "round") if factor == 1 else f"{factor}x the forces"
            copy = scaled_copy(project, Path(scratch) / f"build-{rounds}-{factor}", rounds=rounds, forces=factor)
            log(f"building {label} ...")
            seconds = timed_build(copy, engine, extra_env={CACHE_DIR: str(copy / CACHE_SOURCE)})
            steps.append(Step("build", label, len(read_config(copy).rendered_pages()), "pages", seconds, rounds=rounds))
    return steps


def growth(steps: list[Step], i: int) -> str:
    """Return step i's time ratio over its size ratio, and the size it is taken by ('' for a first step).

    A validation is compared with the validation before it, by rows; a build with the first build, by
    rounds when the rounds differ (each force page has a section per round), else by pages.
    """
    step = steps[i]
    same = [s for s in steps[:i] if s.what == step.what]
    if not same:
        return ""
    ref = same[-1] if step.what == "validate" else same[0]
    if step.what == "build" and step.rounds != ref.rounds:
        by, size = "rounds", step.rounds / ref.rounds
    else:
        by, size = step.unit, step.size / ref.size
    return f"{(step.seconds / ref.seconds) / size:.2f} by {by}"


def per_unit(step: Step) -> str:
    """Return a step's seconds per page, or per 1,000 rows."""
    if step.unit == "pages":
        return f"{step.seconds / step.size:.2f} s per page"
    return f"{1000 * step.seconds / step.size:.3f} s per 1,000 {step.unit}"


def scale_lines(steps: list[Step]) -> list[str]:
    """Return the table: what, size, seconds (read + rules for a validation), seconds per unit, growth."""
    rows = []
    for i, step in enumerate(steps):
        split = f" (read {step.read:.2f} + rules {step.rules:.2f})" if step.read is not None else ""
        rows.append((f"{step.what}  {step.label}", f"{step.size:,} {step.unit}", f"{step.seconds:.2f} s{split}",
                     per_unit(step), growth(steps, i)))
    note = ("growth: the time ratio over the size ratio (1.00 is linear), against the validation above, "
            "or against the first build")
    return [*text_table(("", "size", "time", "per unit", "growth"), rows), note]


def scale_failures(steps: list[Step]) -> list[str]:
    """Return one line for every budget missed: validation at 1,000 rounds within 3 s, and rules no slower than the read."""
    failures = [f"validate {s.label}: the rules took {s.rules:.2f} s, longer than reading data/ ({s.read:.2f} s)"
                for s in steps if s.read is not None and s.rules is not None and s.rules > s.read]
    failures += [f"validate {s.label}: {s.seconds:.2f} s is over the {VALIDATE_BUDGET_SECONDS:g} s budget"
                 for s in steps if s.what == "validate" and s.label == plural(BUDGET_ROUNDS, "round")
                 and s.seconds > VALIDATE_BUDGET_SECONDS]
    return failures
