"""Cut a release: check, set the version everywhere, build, archive under _site/v/X.Y.Z/, commit and tag.

Every refusal happens before anything is written, so a refused release changes nothing: not the work
tree, not HEAD, not the tags, not _site/. The build lock is held from the first write to the tag.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ibsa_report.build import build_locked
from ibsa_report.release.citation import CFF, ZENODO, Citation, apa, citation_for, cff_text, read_version, zenodo_text
from quarto_lite.project import CONFIG, read_config
from ibsa_report.evidence.validate import InvalidData, require_valid
from ibsa_report.release.versions import ARCHIVE, freeze, parse_version
from ibsa_report.settings import release_problem
from ibsa_report.sources import SITE
from ibsa_report.release.git import git, git_maybe
from ibsa_report.staging import project_lock

CHANGELOG = "CHANGELOG.md"
PYPROJECT = "pyproject.toml"
README = "README.md"
VERSIONED = (CFF, ZENODO, PYPROJECT, CONFIG, CHANGELOG, README)


class ReleaseError(RuntimeError):
    """The release was refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Release:
    """What a release did, and the git commands it ran (or would run with --no-git)."""

    version: str
    archive: Path
    git_commands: list[list[str]]


def changelog_has(root: Path, version: str) -> bool:
    """Tell whether CHANGELOG.md has a '## [X.Y.Z]' heading for version."""
    text = (root / CHANGELOG).read_text(encoding="utf-8") if (root / CHANGELOG).is_file() else ""
    return re.search(rf"^## \[{re.escape(version)}\]", text, re.M) is not None


def check(root: Path, version: str, *, use_git: bool) -> Citation:
    """Refuse, with a message, unless the release can go ahead; return the current citation."""
    try:
        new = parse_version(version)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from exc
    try:
        config = read_config(root)
        current = citation_for(config)
    except ValueError as exc:  # _quarto.yml cannot be read, or CITATION.cff's version is not X.Y.Z
        raise ReleaseError(str(exc)) from exc
    if new <= parse_version(current.version):
        raise ReleaseError(f"version {version} is not greater than the current version {current.version} (in {CFF})")
    if not changelog_has(root, version):
        raise ReleaseError(f"{CHANGELOG} has no entry for {version}: add a '## [{version}]' section saying what "
                           "changed (and any corrected figures under 'Corrections'), then run again")
    missing = release_problem(config)  # a release is cited by its address: never a placeholder's
    if missing:
        raise ReleaseError(missing)
    if use_git:
        check_git(root, version)
    if (root / SITE / ARCHIVE / version).exists():
        raise ReleaseError(f"{SITE}/{ARCHIVE}/{version} exists, left by an earlier attempt: an archived copy is never "
                           f"rewritten, so if {version} was not released, remove {SITE}/{ARCHIVE}/{version} and run again")
    try:
        require_valid(root, "a release needs valid data")
    except InvalidData as exc:
        raise ReleaseError(str(exc)) from exc
    return current


def check_git(root: Path, version: str) -> None:
    """Refuse unless HEAD is on a branch, the tag is new and the working tree holds exactly what HEAD does."""
    if git_maybe(root, "symbolic-ref", "--quiet", "HEAD") is None:
        raise ReleaseError("HEAD is detached: check out the branch to release from (git switch main), so that the "
                           "release commit is on it")
    if git_maybe(root, "rev-parse", "--verify", "--quiet", f"refs/tags/v{version}") is not None:
        raise ReleaseError(f"tag v{version} exists already: {version} has been released; choose the next version")
    status = git(root, "status", "--porcelain", "--untracked-files=all", error=ReleaseError).splitlines()
    if any(not line.startswith("??") for line in status):
        raise ReleaseError("the working tree has uncommitted changes: commit or stash them first, so that the "
                           "release is exactly what the tag names")
    if status:
        names = [line[3:] for line in status]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        raise ReleaseError(f"the working tree has untracked files ({shown}): commit, remove or ignore them first; "
                           "the release would build them into the archive but the tag would not hold them")


def set_version(root: Path, version: str, date: str) -> None:
    """Write version and date into CITATION.cff, then every file that repeats them."""
    old = citation_for(read_config(root))
    c = Citation(old.title, old.authors, version, date, old.url, old.repository, old.doi)
    (root / CFF).write_text(cff_text(c), encoding="utf-8")
    (root / ZENODO).write_text(zenodo_text(c), encoding="utf-8")
    _replace(root / PYPROJECT, r'^version = "[^"]*"', f'version = "{version}"')
    quarto = root / CONFIG
    for key, value in (("version", version), ("number", version), ("issued", date)):
        _replace(quarto, rf'^(  {key}: )"[^"]*"', rf'\g<1>"{value}"')
    _replace(root / CHANGELOG, rf"^## \[{re.escape(version)}\].*$", f"## [{version}] - {date}")
    _replace_example(root / README, apa(old), apa(c))


def _replace_example(path: Path, old: str, new: str) -> None:
    """Replace the README's example citation (wrapped over '> ' lines) when it has one."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    pattern = r"\s+(?:>\s+)?".join(re.escape(word) for word in old.split())
    path.write_text(re.sub(pattern, lambda _: new, text, count=1), encoding="utf-8")


def _replace(path: Path, pattern: str, replacement: str) -> None:
    """Replace the one line matching pattern; raise ReleaseError if there is not exactly one."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.M)
    if count != 1:
        raise ReleaseError(f"{path.name}: no line matches {pattern!r}; cannot set the version there")
    path.write_text(new, encoding="utf-8")


def release(root: Path, version: str, *, use_git: bool = True, engine: str = "auto",
            today: dt.date | None = None) -> Release:
    """Release version: check, set it everywhere, build, archive, and commit and tag (or list the commands)."""
    check(root, version, use_git=use_git)
    date = (today or dt.date.today()).isoformat()
    saved = {name: (root / name).read_bytes() for name in VERSIONED if (root / name).exists()}
    with project_lock(root):
        try:
            set_version(root, version, date)
            build_locked(root, engine, require_pictures=True)
            archive = freeze(root / SITE, version)
        except Exception:
            for name, data in saved.items():
                (root / name).write_bytes(data)
            raise
        commands = [["git", "add", *(name for name in VERSIONED if (root / name).exists())],
                    ["git", "commit", "-m", f"Release {version}"],
                    ["git", "tag", "-a", f"v{version}", "-m", f"Version {version}"]]
        if use_git:
            for command in commands:
                git(root, *command[1:], error=ReleaseError)
    return Release(version, archive, commands)


def archive_site(root: Path) -> tuple[str, Path]:
    """Archive the built _site/ as CITATION.cff's version under _site/v/<version>/; return both."""
    try:
        version, _ = read_version(root)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from exc
    if not (root / SITE / "index.html").is_file():
        raise ReleaseError(f"{SITE}/ has no index.html: run `ibsa-report build` first")
    with project_lock(root):
        try:
            return version, freeze(root / SITE, version)
        except FileExistsError as exc:
            raise ReleaseError(str(exc)) from exc
