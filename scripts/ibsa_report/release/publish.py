"""Publish the built site to the Pages branch (gh-pages) as one commit, without touching the work tree.

The site already carries every archived version under v/ (the build copies them forward from this
branch), so the new commit replaces the branch's tree and no archived version is lost. Each archived
copy is checked against its manifest first, so none is published altered.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ibsa_report.release.archives import check_archives
from ibsa_report.release.manifest import ArchiveAltered
from ibsa_report.release.versions import ARCHIVE, PAGES_BRANCH, archived, branch_archives, html_pages
from ibsa_report.site.picture_browser import pages_without_pictures
from ibsa_report.sources import SITE
from ibsa_report.release.git import branch_head, git
from ibsa_report.staging import project_lock


class PublishError(RuntimeError):
    """Publishing was refused; the message says why."""


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git and return its stripped output; raise PublishError with git's message on failure."""
    return git(root, *args, env=env, error=PublishError).strip()


def missing_archives(root: Path, site: Path, branch: str) -> list[str]:
    """Return the versions archived on the branch that the site would drop."""
    published = branch_archives(root, branch)
    return [] if published is None else sorted(set(archived(published)) - set(archived(site)))


def publish(root: Path, branch: str = PAGES_BRANCH, message: str | None = None) -> str:
    """Commit root/_site as the whole tree of branch, holding the build lock; return the new commit's id."""
    with project_lock(root):
        return commit_site(root, branch, message)


def commit_site(root: Path, branch: str, message: str | None) -> str:
    """Check root/_site (archives kept and intact) and commit it as the whole tree of branch."""
    site = root / SITE
    if not (site / "index.html").is_file():
        raise PublishError("_site/ has no index.html: run `ibsa-report build` first")
    bare = pages_without_pictures(html_pages(site))
    if bare:
        raise PublishError(f"{SITE}/{bare[0].relative_to(site).as_posix()} has charts without their static pictures "
                           "(built without Chromium): install it (`apt-get install -y chromium`) and build again")
    lost = missing_archives(root, site, branch)
    if lost:
        raise PublishError(f"_site/{ARCHIVE}/ lacks archived versions {', '.join(lost)} that {branch} has; "
                           "rebuild so that they are carried forward")
    try:
        check_archives([(site, f"{SITE}/")])
    except ArchiveAltered as exc:
        raise PublishError(str(exc)) from exc
    git_dir = _git(root, "rev-parse", "--absolute-git-dir")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(tmp) / "index"))
        _git(site, "--git-dir", git_dir, "--work-tree", ".", "add", "--all", "--force", ".", env=env)
        tree = _git(site, "--git-dir", git_dir, "write-tree", env=env)
    parent = branch_head(root, branch) or ""
    head = _git(root, "rev-parse", "--short", "HEAD")
    args = ["commit-tree", tree, "-m", message or f"Publish the site built from {head}"]
    commit = _git(root, *args, *(["-p", parent] if parent else []))
    _git(root, "update-ref", f"refs/heads/{branch}", commit, *([parent] if parent else []))
    return commit
