"""The report's folders: the built site (SITE, _quarto.yml's output-dir) and the sources a copy takes."""

from __future__ import annotations

import shutil
from pathlib import Path

SITE = "_site"  # the built site, as _quarto.yml's project.output-dir names it (a test checks they agree)
# What a copy of the project's sources leaves out: builds, environments, caches and the tests.
NOT_SOURCES = (".git", ".venv", ".quarto", SITE, f"{SITE}.*", ".staging*", "_downloads", "_includes", ".archives", "references.yaml",
               "__pycache__", ".pytest_cache", "*.egg-info", "tests")


def copy_sources(root: Path, target: Path) -> Path:
    """Copy the project's sources (pages, data, assets, scripts; no builds or tests) to target."""
    shutil.copytree(root, target, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    return target
