"""The command line (ibsa_report/cli.py) through Click's CliRunner: exit codes and the exact messages."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ibsa_report import cli as cli_module
from ibsa_report.build import BuildResult
from ibsa_report.cli import cli
from ibsa_report.evidence.summary import summary_lines
from ibsa_report.release.citation import read_version
from ibsa_report.evidence.validate import validate_project
from ibsa_report.sources import SITE, copy_sources

from conftest import ROOT

CURRENT = read_version(ROOT)[0]
WRONG_TYPE = ('data/foi_force_counts.csv:2:charged_summonsed: value has the wrong type '
              '(found "thirty", expected a whole number)')


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A project whose data has one bad cell: a word where foi_force_counts.csv wants a count."""
    project = tmp_path / "broken"
    shutil.copytree(ROOT / "data", project / "data")
    for name in ("_quarto.yml", "CITATION.cff"):
        shutil.copy(ROOT / name, project / name)
    counts = project / "data" / "foi_force_counts.csv"
    text = counts.read_text(encoding="utf-8")
    counts.write_text(text.replace("refuge-2023,bedfordshire,30,", "refuge-2023,bedfordshire,thirty,", 1), encoding="utf-8")
    return project


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_lists_every_command(flag: str) -> None:
    result = run(flag)
    assert result.exit_code == 0
    assert "Build and check the IBSA criminal-justice report." in result.stdout
    commands = result.stdout.split("Commands:")[1].split()
    for name in ("archive", "bench", "build", "manifest", "publish", "release", "validate"):
        assert name in commands


def test_validate_prints_the_summary() -> None:
    result = run("--project", str(ROOT), "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == "\n".join(summary_lines(validate_project(ROOT).tables)) + "\n"
    assert result.stdout.splitlines()[0] == "15 tables valid against data/datapackage.json"
    assert result.stderr == ""


def test_validate_names_file_row_and_field(broken: Path) -> None:
    result = run("--project", str(broken), "validate")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{WRONG_TYPE}\nError: 1 problem(s) in data/; fix them and run again\n"


def test_validate_as_json(broken: Path) -> None:
    result = run("--project", str(broken), "validate", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert [p["message"] for p in document["problems"]] == [WRONG_TYPE]
    assert document["problems"][0] | {"message": ""} == {
        "code": "wrong-type", "path": "data/foi_force_counts.csv", "row": 2, "field": "charged_summonsed",
        "value": "thirty", "expected": "a whole number", "note": "", "message": ""}


def test_build_refuses_bad_data_and_builds_nothing(broken: Path) -> None:
    result = run("--project", str(broken), "build", "--engine", "builtin")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {WRONG_TYPE}\n1 problem(s) in data/; the site was not built\n"
    assert not (broken / SITE).exists()


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_build_ends_with_a_timed_summary_and_shows_pages_only_on_a_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool) -> None:
    def fake_build(root: Path, engine: str, progress=None, fresh: bool = False) -> BuildResult:
        if progress is not None:
            progress("index.qmd", 1.26)
            progress("chapters/one.qmd", 0.04)
        return BuildResult("builtin", root / SITE, 2)

    monkeypatch.setattr(cli_module, "build_site", fake_build)
    monkeypatch.setattr(cli_module, "_stderr_is_a_terminal", lambda: terminal)
    result = run("--project", str(tmp_path), "build")
    assert result.exit_code == 0
    assert re.fullmatch(rf"built 2 pages into {re.escape(str(tmp_path / SITE))} with the builtin engine in "
                        r"\d+\.\d s\n", result.stdout), result.stdout
    assert result.stderr == ("rendered index.qmd in 1.3 s\nrendered chapters/one.qmd in 0.0 s\n" if terminal else "")


def test_an_unknown_engine_is_a_usage_error() -> None:
    result = run("build", "--engine", "nope")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Invalid value for '--engine': 'nope' is not one of 'auto', 'quarto', 'builtin'."


def test_an_unknown_command_is_a_usage_error() -> None:
    result = run("frobnicate")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: No such command 'frobnicate'."


@pytest.mark.parametrize("command", ["archive", "publish"])
def test_archive_and_publish_want_a_built_site(broken: Path, command: str) -> None:
    result = run("--project", str(broken), command)
    assert result.exit_code == 1
    assert result.stderr == "Error: _site/ has no index.html: run `ibsa-report build` first\n"


@pytest.mark.parametrize(("version", "message"), [
    ("banana", "version 'banana' is not of the form X.Y.Z (three whole numbers in ASCII digits, without leading "
               "zeros)"),
    ("0.0.1", f"version 0.0.1 is not greater than the current version {CURRENT} (in CITATION.cff)"),
    ("99.0.0", "CHANGELOG.md has no entry for 99.0.0: add a '## [99.0.0]' section saying what changed "
              "(and any corrected figures under 'Corrections'), then run again"),
])
def test_release_refuses_and_changes_nothing(tmp_path: Path, version: str, message: str) -> None:
    project = copy_sources(ROOT, tmp_path / "project")
    before = (project / "CITATION.cff").read_text(encoding="utf-8")
    result = run("--project", str(project), "release", version, "--no-git")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    assert (project / "CITATION.cff").read_text(encoding="utf-8") == before


def test_release_with_an_unreadable_project_says_why(broken: Path) -> None:
    (broken / "_quarto.yml").write_text("website: [unclosed\n", encoding="utf-8")
    result = run("--project", str(broken), "release", "9.0.0", "--no-git")
    assert result.exit_code == 1
    assert result.stderr == "Error: _quarto.yml:2: not valid YAML: expected ',' or ']', but got '<stream end>'\n"


def test_archive_with_an_unreadable_citation_file_says_where(broken: Path) -> None:
    cff = broken / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace("\nversion: ", "\nversion: [", 1), encoding="utf-8")
    result = run("--project", str(broken), "archive")
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(cff.read_text(encoding="utf-8").splitlines(), start=1) if text.startswith("version:"))
    assert result.stderr == f"Error: CITATION.cff:{line + 1}: not valid YAML: expected ',' or ']', but got ':'\n"


def test_release_of_the_real_project_refuses_while_it_has_no_site_address(tmp_path: Path) -> None:
    """The one line naming the missing setting; nothing written (a release is cited by its address)."""
    project = copy_sources(ROOT, tmp_path / "project")
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8") + "\n## [9.0.0]\n\nA test entry.\n", encoding="utf-8")
    before = (project / "CITATION.cff").read_text(encoding="utf-8")
    result = run("--project", str(project), "release", "9.0.0", "--no-git")
    assert result.exit_code == 1
    assert result.stderr == ("Error: website.site-url in _quarto.yml (or SITE_URL) is not set: a release is cited by "
                             "its address; set it to the address the site is published at, then run again\n")
    assert (project / "CITATION.cff").read_text(encoding="utf-8") == before and not (project / "_site").exists()
