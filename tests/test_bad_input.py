"""Bad data end to end: `ibsa-report build`, run as a command, stops on a broken CSV and the served site stays."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ibsa_report.sources import SITE, copy_sources
from quarto_lite.project import read_config
from ibsa_report.dev.serve import serve

from conftest import ROOT, tree_hashes

COUNTS = "data/foi_force_counts.csv"
DORSET = "refuge-2023,dorset,17,306,"


def command() -> list[str]:
    """Return the installed `ibsa-report` command (beside this Python, as in .venv/bin)."""
    script = Path(sys.executable).with_name("ibsa-report")
    found = str(script) if script.is_file() else shutil.which("ibsa-report")
    assert found, "the ibsa-report command is not installed (pip install -e '.[test]')"
    return [found]


def fetch(url: str) -> bytes:
    """Return the body of a GET through the HTTP server."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.mark.parametrize(("cell", "error"), [
    ("x17", 'data/foi_force_counts.csv:8:charged_summonsed: value has the wrong type (found "x17", expected a whole number)'),
    ("-17", 'data/foi_force_counts.csv:8:charged_summonsed: value is below the minimum (found "-17", expected at least 0)'),
], ids=["not-a-number", "negative"])
def test_a_broken_csv_stops_the_build_and_the_served_site_is_unchanged(real_project: Path, tmp_path: Path,
                                                                        cell: str, error: str) -> None:
    project = copy_sources(ROOT, tmp_path / "project")
    shutil.copytree(real_project / SITE, project / SITE)
    counts = project / COUNTS
    text = counts.read_text(encoding="utf-8")
    assert DORSET in text, f"the Dorset row of {COUNTS} has changed; update the test"
    before = tree_hashes(project / SITE)
    pages = ["index.html", "chapters/charging.html", "downloads/chart-funnel.csv"]
    with serve(project / SITE, urlsplit(read_config(project).site_url).path) as base:
        served_before = {page: fetch(base + page) for page in pages}
        counts.write_text(text.replace(DORSET, f"refuge-2023,dorset,{cell},306,"), encoding="utf-8")
        done = subprocess.run([*command(), "--project", str(project), "build", "--engine", "builtin"],
                              capture_output=True, text=True, timeout=300)
        served_after = {page: fetch(base + page) for page in pages}
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.splitlines() == [f"Error: {error}", "1 problem(s) in data/; the site was not built"]
    assert done.stdout == ""
    assert tree_hashes(project / SITE) == before
    assert served_after == served_before
    assert not list(project.glob(".staging*"))
