"""Releases in a scratch git repository: refusals change nothing; archived versions never change."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from ibsa_report.release.citation import apa, read_citation
from ibsa_report.sources import SITE
from ibsa_report.cli import cli
from ibsa_report.release.release import VERSIONED
from ibsa_report.release.versions import freeze

from conftest import ROOT, busy, lock_held, tree_hashes

FIXTURE = Path(__file__).parents[1] / "fixtures" / "site"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


def add_changelog_entry(repo: Path, version: str, text: str) -> None:
    log = repo / "CHANGELOG.md"
    log.write_text(log.read_text(encoding="utf-8").replace(
        "## [Unreleased]\n", f"## [Unreleased]\n\n## [{version}]\n\n- {text}\n"), encoding="utf-8")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scratch git repository holding the fixture project, the real data and assets, committed."""
    return make_repo(tmp_path / "repo")


def make_repo(project: Path) -> Path:
    """Make project a git repository holding the fixture project, the real data and assets, committed."""
    shutil.copytree(FIXTURE, project)
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "assets", project / "assets")
    (project / ".gitignore").write_text("_site/\n_site.*/\n.staging*/\n/.build.lock\n_downloads/\n_includes/\n"
                                        "references.yaml\n.archives/\n/.quarto/\n/.cache/\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "test@example.org")
    git(project, "config", "user.name", "Test")
    add_changelog_entry(project, "1.0.0", "First release.")
    example = apa(read_citation(project))
    (project / "README.md").write_text(f"# Fixture\n\nCite as:\n\n> {example[:40]}\n> {example[40:]}\n", encoding="utf-8")
    commit_all(project, "Start")
    return project


def run(repo: Path, *args: str):
    """Run the command line on repo; releases build with the built-in engine, whatever is on the PATH."""
    engine = ["--engine", "builtin"] if args[:1] == ("release",) else []
    return CliRunner().invoke(cli, ["--project", str(repo), *args, *engine])


def snapshot(repo: Path) -> dict[str, object]:
    """Hash every file outside .git (the work tree, _site/ included), and record git's status, HEAD and the tags."""
    state: dict[str, object] = {"files": {name: digest for name, digest in tree_hashes(repo).items()
                                          if not name.startswith(".git/")}}
    state["status"] = git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored")
    state["HEAD"] = git(repo, "rev-parse", "HEAD")
    state["tags"] = git(repo, "tag")
    return state


def set_cff_version(repo: Path, version: str) -> None:
    """Write version into CITATION.cff (both places) and commit it."""
    cff = repo / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace("version: 0.1.0", f"version: {version}"), encoding="utf-8")
    commit_all(repo, "Set a version")


def leave_archive(repo: Path) -> None:
    """Leave _site/v/1.0.0/ as an attempt that stopped after archiving would."""
    (repo / SITE / "v" / "1.0.0").mkdir(parents=True)
    (repo / SITE / "v" / "1.0.0" / "index.html").write_text("from an earlier attempt\n", encoding="utf-8")


def fake_site(repo: Path) -> None:
    """Put a built-looking _site/ in place."""
    (repo / SITE).mkdir()
    (repo / SITE / "index.html").write_text("<html><head></head><main></main></html>\n", encoding="utf-8")


def edit_config(old: str, new: str):
    """Return a step that replaces old by new in the repository's _quarto.yml (and leaves it uncommitted)."""
    def edit(repo: Path) -> None:
        config = repo / "_quarto.yml"
        text = config.read_text(encoding="utf-8")
        assert old in text, old
        config.write_text(text.replace(old, new), encoding="utf-8")
    return edit


SITE_LINE = '  site-url: "https://fixture-owner.github.io/fixture/"\n'
REPO_LINE = '  repo-url: "https://github.com/fixture-owner/fixture"\n'


NOT_X_Y_Z = "is not of the form X.Y.Z (three whole numbers in ASCII digits, without leading zeros)"


def zipped_forces(repo: Path, ref: str) -> bytes:
    """Return forces.csv from the dataset zip stored at ref."""
    data = subprocess.run(["git", "show", ref], cwd=repo, capture_output=True, check=True).stdout
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("forces.csv")


def blobs(repo: Path, ref: str, path: str) -> dict[str, str]:
    """Return {file: blob id} under path in ref."""
    lines = git(repo, "ls-tree", "-r", ref, path).splitlines()
    return {line.split("\t")[1]: line.split()[2] for line in lines}


@pytest.mark.parametrize("prepare, args, message", [
    (lambda r: None, ["release", "0.1.0"], "Error: version 0.1.0 is not greater than the current version 0.1.0 (in CITATION.cff)\n"),
    (lambda r: None, ["release", "0.0.9"], "Error: version 0.0.9 is not greater than the current version 0.1.0 (in CITATION.cff)\n"),
    (lambda r: None, ["release", "2.0.0"], "Error: CHANGELOG.md has no entry for 2.0.0: add a '## [2.0.0]' section saying "
                                           "what changed (and any corrected figures under 'Corrections'), then run again\n"),
    (lambda r: None, ["release", "1.0"], f"Error: version '1.0' {NOT_X_Y_Z}\n"),
    (lambda r: None, ["release", "01.0.1"], f"Error: version '01.0.1' {NOT_X_Y_Z}\n"),
    (lambda r: None, ["release", "1.00.0"], f"Error: version '1.00.0' {NOT_X_Y_Z}\n"),
    (lambda r: None, ["release", "\uff11.0.0"], f"Error: version '\uff11.0.0' {NOT_X_Y_Z}\n"),
    (lambda r: None, ["release", "1.0.0\n"], f"Error: version '1.0.0\\n' {NOT_X_Y_Z}\n"),
    (edit_config(SITE_LINE, ""), ["release", "1.0.0"],
     "Error: website.site-url in _quarto.yml (or SITE_URL) is not set: a release is cited by its address; set it to "
     "the address the site is published at, then run again\n"),
    (edit_config(SITE_LINE, '  site-url: "https://example.org/ibsa-report/"\n'), ["release", "1.0.0"],
     'Error: website.site-url in _quarto.yml (or SITE_URL) is a placeholder ("https://example.org/ibsa-report/": '
     "example.org is a host reserved for examples): set it to the address the site is published at, then run again\n"),
    (edit_config(REPO_LINE, '  repo-url: "https://github.com/OWNER/ibsa-report"\n'), ["release", "1.0.0"],
     'Error: website.repo-url in _quarto.yml is a placeholder ("https://github.com/OWNER/ibsa-report": OWNER stands '
     "for a name still to be filled in): set it to the repository's address, then run again\n"),
    (edit_config(REPO_LINE, ""), ["release", "1.0.0"],
     "Error: website.repo-url in _quarto.yml is not set: a release is cited by its address; set it to the "
     "repository's address, then run again\n"),
    (lambda r: set_cff_version(r, "../../escaped"), ["release", "1.0.0"],
     f"Error: CITATION.cff: version '../../escaped' {NOT_X_Y_Z}\n"),
    (lambda r: (set_cff_version(r, "../../escaped"), fake_site(r)), ["archive"],
     f"Error: CITATION.cff: version '../../escaped' {NOT_X_Y_Z}\n"),
    (lambda r: set_cff_version(r, "../../escaped"), ["build", "--engine", "builtin"],
     f"Error: CITATION.cff: version '../../escaped' {NOT_X_Y_Z}\n"),
    (lambda r: git(r, "tag", "v1.0.0"), ["release", "1.0.0"],
     "Error: tag v1.0.0 exists already: 1.0.0 has been released; choose the next version\n"),
    (lambda r: git(r, "checkout", "-q", "--detach"), ["release", "1.0.0"],
     "Error: HEAD is detached: check out the branch to release from (git switch main), so that the release commit "
     "is on it\n"),
    (lambda r: (r / "notes.txt").write_text("draft\n", encoding="utf-8"), ["release", "1.0.0"],
     "Error: the working tree has untracked files (notes.txt): commit, remove or ignore them first; the release "
     "would build them into the archive but the tag would not hold them\n"),
    (leave_archive, ["release", "1.0.0"],
     "Error: _site/v/1.0.0 exists, left by an earlier attempt: an archived copy is never rewritten, so if 1.0.0 was "
     "not released, remove _site/v/1.0.0 and run again\n"),
    (lambda r: (r / "index.qmd").write_text("changed\n", encoding="utf-8"), ["release", "1.0.0"],
     "Error: the working tree has uncommitted changes: commit or stash them first, so that the release is exactly "
     "what the tag names\n"),
], ids=["same-version", "older-version", "no-changelog-entry", "not-x-y-z", "leading-zero", "leading-zero-minor",
        "full-width-digit", "trailing-newline", "no-site-url", "example-org-site-url", "owner-repo-url", "no-repo-url",
        "cff-release", "cff-archive", "cff-build", "existing-tag",
        "detached-head", "untracked-file", "archive-left-over", "uncommitted"])
def test_a_refused_release_says_why_and_changes_nothing(repo: Path, prepare, args, message) -> None:
    prepare(repo)
    before = snapshot(repo)
    result = run(repo, *args)
    assert result.exit_code == 1
    assert result.output == message
    assert snapshot(repo) == before


def test_invalid_data_refuses_the_release(repo: Path) -> None:
    counts = repo / "data" / "foi_force_counts.csv"
    counts.write_text(counts.read_text(encoding="utf-8").replace("bedfordshire,30,262", "bedfordshire,300,262"),
                      encoding="utf-8")
    commit_all(repo, "Break the data")
    before = snapshot(repo)
    result = run(repo, "release", "1.0.0")
    assert result.exit_code == 1
    assert "data/foi_force_counts.csv:" in result.output and "a release needs valid data" in result.output
    assert snapshot(repo) == before


def test_no_git_prints_the_commands_and_commits_nothing(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    result = run(repo, "release", "1.0.0", "--no-git")
    assert result.exit_code == 0, result.output
    assert "run: git tag -a v1.0.0 -m Version 1.0.0" in result.output
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "tag") == ""
    assert 'version: "1.0.0"' in (repo / "_quarto.yml").read_text(encoding="utf-8")


def test_two_releases_and_a_publish_keep_every_version(repo: Path) -> None:
    # Release 1.0.0 and publish it.
    result = run(repo, "release", "1.0.0")
    assert result.exit_code == 0, result.output
    assert git(repo, "tag") == "v1.0.0"
    assert git(repo, "log", "-1", "--format=%s") == "Release 1.0.0"
    assert git(repo, "status", "--porcelain") == "", "the release commit left files behind"
    assert apa(read_citation(repo)) in (repo / "README.md").read_text(encoding="utf-8")
    assert "(Version 1.0.0)" in apa(read_citation(repo))
    assert run(repo, "publish").exit_code == 0
    first = blobs(repo, "gh-pages", "v/1.0.0")
    assert "v/1.0.0/index.html" in first

    # A fresh checkout has no _site/: archives must come from the Pages branch.
    shutil.rmtree(repo / SITE)
    forces = repo / "data" / "forces.csv"
    forces.write_text(forces.read_text(encoding="utf-8").replace("Bedfordshire Police", "Bedfordshire Police Service"),
                      encoding="utf-8")
    add_changelog_entry(repo, "1.1.0", "Renamed a force.")
    commit_all(repo, "Change the data")
    result = run(repo, "release", "1.1.0")
    assert result.exit_code == 0, result.output
    assert run(repo, "publish").exit_code == 0

    # Change the data again and publish main, unreleased.
    forces.write_text(forces.read_text(encoding="utf-8").replace("Cambridgeshire Constabulary", "Cambridgeshire Police"),
                      encoding="utf-8")
    commit_all(repo, "Change the data again")
    assert run(repo, "build", "--engine", "builtin").exit_code == 0
    assert run(repo, "publish").exit_code == 0

    assert blobs(repo, "gh-pages", "v/1.0.0") == first, "archived 1.0.0 changed"
    assert "v/1.1.0/index.html" in blobs(repo, "gh-pages", "v/1.1.0")
    assert git(repo, "cat-file", "-e", "gh-pages:index.html") == ""
    index = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert index == {"latest": "1.1.0", "versions": [{"version": "1.1.0", "path": "v/1.1.0/"},
                                                      {"version": "1.0.0", "path": "v/1.0.0/"}]}
    live = BeautifulSoup(git(repo, "show", "gh-pages:index.html"), "html.parser")
    assert [a["href"] for a in live.select(".version-switcher a")] == ["index.html", "v/1.0.0/index.html"]
    assert live.select_one(".version-switcher summary").get_text() == "Version 1.1.0 (latest)"
    assert not live.select(".archive-banner") and not live.select('meta[name="robots"]')

    old = BeautifulSoup(git(repo, "show", "gh-pages:v/1.0.0/chapters/one.html"), "html.parser")
    assert old.select_one(".archive-banner").get_text().startswith("You are reading version 1.0.0")
    assert old.select_one(".archive-banner a")["href"] == "../../../chapters/one.html"
    assert old.select_one('meta[name="robots"]')["content"] == "noindex"
    assert old.select_one('link[rel="canonical"]')["href"] == "https://fixture-owner.github.io/fixture/chapters/one.html"
    assert b"Bedfordshire Police Service" not in zipped_forces(repo, "gh-pages:v/1.0.0/downloads/ibsa-report-data.zip")
    assert b"Bedfordshire Police Service" in zipped_forces(repo, "gh-pages:v/1.1.0/downloads/ibsa-report-data.zip")


def test_publishing_a_site_that_lost_an_archive_is_refused(repo: Path) -> None:
    assert run(repo, "release", "1.0.0").exit_code == 0
    assert run(repo, "publish").exit_code == 0
    shutil.rmtree(repo / SITE / "v" / "1.0.0")
    result = run(repo, "publish")
    assert result.exit_code == 1
    assert "lacks archived versions 1.0.0 that gh-pages has" in result.output


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch repository with 1.0.0 released (archived in _site/v/1.0.0/ with its manifest), not published."""
    project = make_repo(tmp_path_factory.mktemp("released") / "repo")
    result = run(project, "release", "1.0.0")
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def copy_of_released(released: Path, tmp_path: Path) -> Path:
    """A copy of the released repository (work tree, _site/ and .git), safe to tamper with."""
    return Path(shutil.copytree(released, tmp_path / "repo", symlinks=True))


def test_a_release_writes_the_manifest_of_its_archive(copy_of_released: Path) -> None:
    copy = copy_of_released / SITE / "v" / "1.0.0"
    lines = (copy / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    files = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert [line.split("  ", 1)[1] for line in lines] == [f for f in files if f != "MANIFEST.sha256"]
    assert "index.html" in files and "downloads/ibsa-report-data.zip" in files
    check = subprocess.run(["sha256sum", "--check", "--quiet", "MANIFEST.sha256"], cwd=copy, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


ARCHIVED = f"{SITE}/v/1.0.0"


@pytest.mark.parametrize("tamper, message", [
    (lambda c: (c / "index.html").write_text("<p>altered</p>\n", encoding="utf-8"),
     f"archived version 1.0.0 has been altered: {ARCHIVED}/index.html does not match its hash in "
     f"{ARCHIVED}/MANIFEST.sha256"),
    (lambda c: (c / "chapters" / "one.html").unlink(),
     f"archived version 1.0.0 is incomplete: {ARCHIVED}/chapters/one.html is missing (listed in "
     f"{ARCHIVED}/MANIFEST.sha256)"),
    (lambda c: (c / "chapters" / "extra.html").write_text("<p>added</p>\n", encoding="utf-8"),
     f"archived version 1.0.0 has a file its manifest does not list: {ARCHIVED}/chapters/extra.html"),
    (lambda c: (c / "MANIFEST.sha256").unlink(),
     f"archived version 1.0.0 has no manifest ({ARCHIVED}/MANIFEST.sha256): check the copy, then run "
     "`ibsa-report manifest 1.0.0` to write one"),
], ids=["changed", "missing", "added", "no-manifest"])
@pytest.mark.parametrize("command", [("build", "--engine", "builtin"), ("publish",)], ids=["build", "publish"])
def test_an_altered_archive_is_refused_naming_the_file(copy_of_released: Path, tamper, message: str,
                                                       command: tuple[str, ...]) -> None:
    repo = copy_of_released
    tamper(repo / ARCHIVED)
    before = tree_hashes(repo / SITE)
    result = run(repo, *command)
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
    assert tree_hashes(repo / SITE) == before
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_an_archive_altered_on_the_pages_branch_is_refused_by_the_build(copy_of_released: Path) -> None:
    repo = copy_of_released
    assert run(repo, "publish").exit_code == 0
    # Someone commits a changed archived page straight onto gh-pages; a fresh clone has no _site/.
    pages = repo.parent / "pages"
    git(repo, "worktree", "add", "-q", str(pages), "gh-pages")
    (pages / "v" / "1.0.0" / "index.html").write_text("<p>altered</p>\n", encoding="utf-8")
    commit_all(pages, "Alter an archived page")
    shutil.rmtree(repo / SITE)
    result = run(repo, "build", "--engine", "builtin")
    assert result.exit_code == 1
    assert result.output == ("Error: archived version 1.0.0 has been altered: gh-pages:v/1.0.0/index.html does not "
                             "match its hash in gh-pages:v/1.0.0/MANIFEST.sha256\n")
    assert not (repo / SITE).exists()


def test_a_copy_archived_before_manifests_gets_one_from_the_manifest_command(copy_of_released: Path) -> None:
    repo = copy_of_released
    (repo / ARCHIVED / "MANIFEST.sha256").unlink()
    assert run(repo, "publish").exit_code == 1
    result = run(repo, "manifest", "1.0.0")
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {ARCHIVED}/MANIFEST.sha256\n"
    assert run(repo, "manifest", "1.0.0").output == (f"Error: {ARCHIVED}/MANIFEST.sha256 exists: an archived copy's "
                                                      "manifest is never rewritten\n")
    assert run(repo, "publish").exit_code == 0
    assert "v/1.0.0/MANIFEST.sha256" in blobs(repo, "gh-pages", "v/1.0.0")


def test_the_manifest_command_refuses_a_copy_that_differs_from_the_published_one(copy_of_released: Path) -> None:
    repo = copy_of_released
    (repo / ARCHIVED / "MANIFEST.sha256").unlink()
    git(repo, "update-ref", "refs/heads/gh-pages", publish_tree_commit(repo))
    (repo / ARCHIVED / "index.html").write_text("<p>altered</p>\n", encoding="utf-8")
    result = run(repo, "manifest", "1.0.0")
    assert result.exit_code == 1
    assert result.output == (f"Error: {ARCHIVED}/index.html differs from gh-pages:v/1.0.0: restore the published "
                             "copy before writing its manifest\n")
    assert not (repo / ARCHIVED / "MANIFEST.sha256").exists()


def publish_tree_commit(repo: Path) -> str:
    """Commit _site/ as it is (no checks) as a gh-pages commit, as a site published before manifests were."""
    env = {**os.environ, "GIT_INDEX_FILE": str(repo / ".git" / "pages-index")}
    subprocess.run(["git", "--work-tree", str(repo / SITE), "add", "--all", "--force", "."], cwd=repo, env=env, check=True)
    tree = subprocess.run(["git", "write-tree"], cwd=repo, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()
    return git(repo, "commit-tree", tree, "-m", "Published before manifests")


@pytest.mark.parametrize("args", [("release", "1.0.0"), ("archive",), ("publish",), ("manifest", "1.0.0")],
                         ids=["release", "archive", "publish", "manifest"])
def test_what_writes_the_site_waits_for_no_build(repo: Path, args: tuple[str, ...]) -> None:
    fake_site(repo)
    with lock_held(repo) as pid:
        before = snapshot(repo)
        result = run(repo, *args)
        assert snapshot(repo) == before
    assert result.exit_code == 1
    assert result.output == busy(pid)


def test_embed_pages_get_no_version_switcher_live_or_archived(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    (site / "embed").mkdir(parents=True)
    page = "<!DOCTYPE html><html><head><title>t</title></head><body><main>x</main></body></html>"
    (site / "index.html").write_text(page, encoding="utf-8")
    (site / "embed" / "chart-a.html").write_text(page, encoding="utf-8")
    freeze(site, "1.0.0")
    for root in (site, site / "v" / "1.0.0"):
        assert "version-switcher" in (root / "index.html").read_text(encoding="utf-8")
        assert "version-switcher" not in (root / "embed" / "chart-a.html").read_text(encoding="utf-8")
    assert 'name="robots" content="noindex"' in (site / "v" / "1.0.0" / "embed" / "chart-a.html").read_text(encoding="utf-8")
