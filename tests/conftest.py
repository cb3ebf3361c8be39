"""Shared fixtures: a scratch copy of the project's data, the real site built once, the source documents and
Quarto's schema files."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ibsa_report.release.citation import read_version
from ibsa_report.release.versions import freeze

from ibsa_report.build import build_site
from ibsa_report.sources import SITE, copy_sources
from quarto_lite.quarto_schema import find_schema_dir

# The browser fixtures, defined once for the session (a second Chromium per module would not start):
# browser, the served real site (test_quarto.py overrides served_site with Quarto's) and a context.
from browser_session import browser, context, served_site  # noqa: E402,F401

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("IBSA_SEEDS_DIR", ROOT.parent / "shared" / "seeds"))
# The copies of the project the tests build share one page and picture cache (ibsa_report.sources.cache_dir):
# a page is taken from it only where its inputs (text, data, code, settings) are the same, so a copy with
# changed data or pages runs those pages again, and the first build of a session runs every page.
os.environ.setdefault("IBSA_CACHE_DIR", tempfile.mkdtemp(prefix="ibsa-test-cache-"))
# Copies of the project built in temporary folders are checked against the same Quarto schema.
if (_schema := find_schema_dir(ROOT)) is not None:
    os.environ.setdefault("QUARTO_SCHEMA_DIR", str(_schema))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a project directory holding a copy of the committed data/, safe to break."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


@pytest.fixture(scope="session")
def real_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the project with the real site built once per session in its _site/.

    The current version is also archived under _site/v/<version>/, so that every check of the site
    (browser, links, accessibility) covers an archived copy as well as the live pages.
    """
    project = copy_sources(ROOT, tmp_path_factory.mktemp("report") / "project")
    build_site(project, "builtin")
    freeze(project / SITE, read_version(project)[0])
    return project


@pytest.fixture(scope="session")
def seeds() -> Path:
    """Return the directory of the source documents; in CI their absence is an error, not a skip."""
    if not (SEEDS / "README.md").is_file():
        if os.environ.get("CI") and not os.environ.get("IBSA_SEEDS_OPTIONAL"):
            pytest.fail(f"source documents not found at {SEEDS}; CI must run with shared/ beside the clone")
        pytest.skip(f"source documents not found at {SEEDS} (set IBSA_SEEDS_DIR)")
    return SEEDS


@pytest.fixture(scope="session")
def quarto_schema_dir() -> Path:
    """Return the directory of Quarto 1.7.34's schema files; in CI their absence is an error, not a skip."""
    found = find_schema_dir(ROOT)
    if found is None or not (found / "project.yml").is_file():
        where = found or ROOT.parent / "shared" / "quarto-schema" / "1.7.34"
        if os.environ.get("CI") and not os.environ.get("IBSA_SCHEMA_OPTIONAL"):
            pytest.fail(f"Quarto's schema files not found at {where}; CI must run with shared/ beside the clone")
        pytest.skip(f"Quarto's schema files not found at {where} (set QUARTO_SCHEMA_DIR)")
    return found


def package_line(text: str, after: str | None = None) -> int:
    """The line of the real data/datapackage.json holding text (the first after `after`), counted from 1."""
    lines = (ROOT / "data" / "datapackage.json").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def edit(project: Path, name: str, old: bytes, new: bytes, after: bytes = b"") -> None:
    """Replace one exact occurrence of old with new in data/<name> (with after: the first one after that text)."""
    path = project / "data" / name
    data = path.read_bytes()
    start = data.index(after) if after else 0
    assert after or data.count(old) == 1, f"{old!r} should occur once in {name}"
    assert old in data[start:], f"{old!r} should occur in {name} after {after!r}"
    path.write_bytes(data[:start] + data[start:].replace(old, new, 1))


def validate_errors(project: Path) -> list[str]:
    """Run `ibsa-report validate` on a project; return its stderr lines, after checking it failed without a traceback."""
    from click.testing import CliRunner

    from ibsa_report.cli import cli

    result = CliRunner().invoke(cli, ["--project", str(project), "validate"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    return result.stderr.splitlines()


def tree_hashes(site: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under site, by relative path."""
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


@contextmanager
def lock_held(project: Path) -> Iterator[int]:
    """Run a process holding the project's build lock for the duration; yield its pid."""
    code = ("import sys, time\nfrom pathlib import Path\nfrom ibsa_report.staging import project_lock\n"
            "with project_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(project)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout.readline() == "held\n"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


def busy(pid: int) -> str:
    """Return what a command prints when another build, pid, holds the lock."""
    return f"Error: another build (pid {pid}) is running in this project: wait for it to finish, then run again\n"
