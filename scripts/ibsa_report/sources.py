"""The report's folders: the built site (SITE, _quarto.yml's output-dir), the charts' CSVs and the sources a copy takes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SITE = "_site"  # the built site, as _quarto.yml's project.output-dir names it (a test checks they agree)
DOWNLOADS_SOURCE = "_downloads"  # the charts' CSVs when a chapter runs outside a build (in Jupyter, say)
DOWNLOADS_DIR = "IBSA_DOWNLOADS_DIR"  # environment: where a build's charts write their CSVs instead
CACHE_DIR = "IBSA_CACHE_DIR"  # environment: the build caches' folder instead of <project>/.cache
FRESH = "IBSA_FRESH"  # environment: "1" while a build reads no cache (ibsa-report build --fresh)
CACHE_SOURCE = ".cache"  # the build caches: pages/, pictures/ (not in git, not copied)
LOCK = ".build.lock"  # held while a build runs (ibsa_report.staging)
# What a copy of the project's sources leaves out: builds, environments, caches and the tests.
NOT_SOURCES = (".git", ".venv", ".quarto", CACHE_SOURCE, SITE, f"{SITE}.*", ".staging*", LOCK, DOWNLOADS_SOURCE, "_includes", ".archives",
               "references.yaml", "__pycache__", ".pytest_cache", "*.egg-info", "tests")


def copy_sources(root: Path, target: Path) -> Path:
    """Copy the project's sources (pages, data, assets, scripts; no builds or tests) to target."""
    shutil.copytree(root, target, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    return target


def cache_dir(root: Path, kind: str) -> Path:
    """Return the folder of one build cache (pages, pictures): under IBSA_CACHE_DIR, else root/.cache."""
    return Path(os.environ.get(CACHE_DIR) or root / CACHE_SOURCE) / kind


def downloads_dir(root: Path) -> Path:
    """Return where the charts' CSVs go: the build's own folder (IBSA_DOWNLOADS_DIR), else root/_downloads."""
    return Path(os.environ.get(DOWNLOADS_DIR) or root / DOWNLOADS_SOURCE)


def old_sites(root: Path) -> list[Path]:
    """Return the earlier sites a build left renamed (_site.old-*), if it stopped in the middle of a swap."""
    return sorted(p for p in root.glob(f"{SITE}.old-*") if p.is_dir())
