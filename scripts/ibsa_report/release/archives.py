"""Where a build takes the archived versions from, and the check that each is the copy its manifest lists.

A build carries each archived version forward from the first place that has it: the Pages branch,
then the previous _site/, then any _site.old-* a crashed build left. Before it renders, it checks
each copy it will carry against its manifest, so a tampered copy is named where it lies
(`gh-pages:v/1.0.0/index.html`, `_site/v/1.0.0/index.html`) and nothing is built from it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ibsa_report.release.manifest import MANIFEST, ArchiveAltered, check_copy, file_hashes, write_manifest
from ibsa_report.release.versions import ARCHIVE, PAGES_BRANCH, archived, branch_archives
from ibsa_report.sources import SITE, old_sites
from ibsa_report.staging import project_lock


def archive_sources(root: Path, out: Path | None = None) -> list[tuple[Path, str]]:
    """Return (folder holding v/, how to name it) for each place archives are carried from, first wins.

    out, the site being written, is left out (under `quarto render` it is _site/ itself).
    """
    found = [(branch_archives(root), f"{PAGES_BRANCH}:"), (root / SITE, f"{SITE}/"),
             *((old, f"{old.name}/") for old in old_sites(root))]
    return [(folder, label) for folder, label in found if folder is not None and folder != out]


def carried(sources: list[tuple[Path, str]]) -> dict[str, tuple[Path, str]]:
    """Return, for each archived version, the copy a build carries (its folder and name)."""
    chosen: dict[str, tuple[Path, str]] = {}
    for folder, label in sources:
        for version in archived(folder):
            chosen.setdefault(version, (folder / ARCHIVE / version, f"{label}{ARCHIVE}/{version}"))
    return chosen


def carry_archives(sources: list[tuple[Path, str]], out: Path) -> list[str]:
    """Copy each archived version into out/v/ from the first source that has it; return those copied."""
    copied = []
    for version, (copy, _) in sorted(carried(sources).items()):
        if not (out / ARCHIVE / version).exists():
            shutil.copytree(copy, out / ARCHIVE / version)
            copied.append(version)
    return copied


def check_archives(sources: list[tuple[Path, str]]) -> None:
    """Raise ArchiveAltered, naming the file, unless every copy to be carried matches its manifest."""
    for copy, label in carried(sources).values():
        check_copy(copy, label)


def add_manifest(root: Path, version: str, branch: str = PAGES_BRANCH) -> Path:
    """Write the manifest of _site/v/<version>/, archived before manifests existed; return it.

    Refuses if the copy has one, or if the Pages branch holds the version with other files or bytes.
    """
    with project_lock(root):
        return _add_manifest(root, version, branch)


def _add_manifest(root: Path, version: str, branch: str) -> Path:
    """Write the manifest as add_manifest does, the caller holding the build lock."""
    copy, label = root / SITE / ARCHIVE / version, f"{SITE}/{ARCHIVE}/{version}"
    if not copy.is_dir():
        raise ArchiveAltered(f"{label} does not exist: build the site first, so that it carries the version forward")
    if (copy / MANIFEST).exists():
        raise ArchiveAltered(f"{label}/{MANIFEST} exists: an archived copy's manifest is never rewritten")
    published = branch_archives(root, branch)
    if published is not None and (published / ARCHIVE / version).is_dir():
        theirs = published / ARCHIVE / version
        differ = sorted(file_hashes(copy).items() ^ file_hashes(theirs).items())
        if differ:
            raise ArchiveAltered(f"{label}/{differ[0][0]} differs from {branch}:{ARCHIVE}/{version}: "
                                 "restore the published copy before writing its manifest")
    return write_manifest(copy)
