"""The import rules (README, Layout): import-linter's contracts in pyproject.toml hold, and break on a planted import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = {
    "engine-is-generic": "The engine (quarto_lite) never imports the report",
    "evidence-analysis-report": "evidence -> analysis -> report, only downwards",
    "kernel-side": "What the chapters' kernel runs never imports site, release, dev, build or cli",
    "nothing-imports-cli": "Nothing imports the command line",
}


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the project's scripts/ with its pyproject.toml, without a cache."""
    env = os.environ | {"PYTHONPATH": str(project / "scripts")}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(project / "pyproject.toml")],
                          cwd=project, env=env, capture_output=True, text=True, check=False)


def test_the_import_rules_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout
    for name in CONTRACTS.values():
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize(("module", "planted", "contract"), [
    ("quarto_lite/qmd.py", "import ibsa_report.report.fmt", "engine-is-generic"),
    ("ibsa_report/evidence/tally.py", "from ibsa_report.analysis import stats", "evidence-analysis-report"),
    ("ibsa_report/analysis/stats.py", "from ibsa_report.report import fmt", "evidence-analysis-report"),
    ("ibsa_report/report/fmt.py", "import ibsa_report.site.downloads", "kernel-side"),
    ("ibsa_report/evidence/problems.py", "from ibsa_report import build", "kernel-side"),
    ("ibsa_report/release/versions.py", "import ibsa_report.cli", "nothing-imports-cli"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, planted: str, contract: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "scripts", project / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    target = project / "scripts" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}  # planted\n", encoding="utf-8")
    result = lint_imports(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{CONTRACTS[contract]} BROKEN" in result.stdout
    broken = [name for name in CONTRACTS.values() if f"{name} BROKEN" in result.stdout]
    assert broken == [CONTRACTS[contract]]


PAGE_IMPORTS = ("ibsa_report.evidence.frames", "ibsa_report.analysis.figures", "ibsa_report.analysis.overdispersion",
                "ibsa_report.report.charts", "ibsa_report.report.tables", "ibsa_report.report.quotes",
                "ibsa_report.report.force_page", "ibsa_report.report.recommendation_text", "ibsa_report.report.support",
                "ibsa_report.report.about", "ibsa_report.report.data_dictionary", "ibsa_report.report.interview_facts")


def test_what_the_pages_import_leaves_scipy_stats_until_a_statistic_needs_it() -> None:
    code = ("import sys\n" + "".join(f"import {m}\n" for m in PAGE_IMPORTS)
            + "print('scipy.stats' in sys.modules)\n"
            "from ibsa_report.analysis import stats\nstats.binomial_limit(0.1, 100, 0.975)\n"
            "print('scipy.stats' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.splitlines()
    assert before == "False", "a page's imports load scipy.stats (0.5 s) before any statistic needs it"
    assert after == "True"  # a funnel limit does need it
