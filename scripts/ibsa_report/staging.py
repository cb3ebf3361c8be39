"""One build at a time per project, each in its own staging area, and what a crashed build left behind.

- The lock is `.build.lock`, held with `flock` for as long as the build runs and holding its pid: a
  second build is refused with that pid, and the file is removed when the build ends. A lock left
  by a process that died is free again (the kernel released it), so it is taken over without
  asking anyone to delete it.
- A build's staging area is `.staging-<pid>/`: `site/` (the render's output) and `downloads/` (the
  charts' CSVs, named to the kernel and the post-render step by IBSA_DOWNLOADS_DIR).
- `.staging-*` left by a crash are removed at the next build; a `_site.old-*` left between the two
  renames of a swap is renamed back to `_site/` when there is none, and any other is kept (the
  post-render step carries its archived versions forward) until a build has carried them all.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ibsa_report.release.versions import archived
from ibsa_report.sources import DOWNLOADS_DIR, LOCK, SITE, old_sites

STAGING_PREFIX = ".staging-"


class BuildBusy(RuntimeError):
    """Another build holds the project's lock."""


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's build lock, or raise BuildBusy naming the pid of the build that holds it."""
    fd = _lock_file(root / LOCK)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        (root / LOCK).unlink(missing_ok=True)  # before closing, so no one locks a file about to go
        os.close(fd)


def _lock_file(path: Path) -> int:
    """Open and flock path, and return its descriptor once the lock is on the file the path still names."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise BuildBusy(f"another build (pid {holder}) is running in this project: wait for it to finish, "
                            "then run again") from None
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder removed the file as we locked it: lock the new one


@dataclass(frozen=True)
class StagingArea:
    """Where one build writes: the rendered site and the charts' CSVs, side by side."""

    path: Path

    @property
    def site(self) -> Path:
        """Return the render's output directory."""
        return self.path / "site"

    @property
    def downloads(self) -> Path:
        """Return the directory the charts write their CSVs to."""
        return self.path / "downloads"


def staging_area(root: Path) -> StagingArea:
    """Return this process's staging area, empty."""
    area = StagingArea(root / f"{STAGING_PREFIX}{os.getpid()}")
    shutil.rmtree(area.path, ignore_errors=True)
    area.downloads.mkdir(parents=True)
    return area


def downloads_for(area: StagingArea) -> AbstractContextManager[None]:
    """Name the area's downloads to the kernel and the post-render step (either engine passes the environment on)."""
    return environment(DOWNLOADS_DIR, str(area.downloads))


@contextmanager
def environment(name: str, value: str | None) -> Iterator[None]:
    """Set an environment variable while the block runs (None: leave it as it is), then put it back."""
    before = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def recover_leftovers(root: Path) -> None:
    """Remove crashed builds' staging areas; put back a _site/ a crash left renamed (call with the lock held)."""
    for leftover in root.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    site = root / SITE
    olds = old_sites(root)
    if olds and not site.exists():
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        newest.rename(site)


def swap_into_place(staging: Path, site: Path) -> None:
    """Replace site with staging: two renames, restoring the old site if the second fails.

    Then remove the old site, and each leftover _site.old-* whose archived versions the new site holds.
    """
    old = Path(tempfile.mkdtemp(prefix=f"{site.name}.old-{os.getpid()}-", dir=site.parent))
    if site.exists():
        site.rename(old)  # onto the empty directory just made, so that no leftover is overwritten
    try:
        staging.rename(site)
    except OSError:
        if old.exists():
            old.rename(site)
        raise
    kept = set(archived(site))
    for leftover in old_sites(site.parent):
        if leftover == old or set(archived(leftover)) <= kept:
            shutil.rmtree(leftover, ignore_errors=True)
