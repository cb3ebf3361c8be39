"""Whether _site/ is already what a build would write: the inputs' digest recorded with the site's own.

A built-in build records, after it swaps _site/ into place, the digest of everything it read (every page's
source, what all pages share — page_inputs.shared_digest —, the Pages branch's head, whether the pictures
are drawn) and the digest of _site/ as written. The next build with the same inputs and an untouched _site/
has nothing to do. Anything else, --fresh included, builds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from quarto_lite.page_cache import digest, tree_digest
from quarto_lite.project import ProjectConfig
from ibsa_report.page_inputs import shared_digest
from ibsa_report.release.git import branch_head
from ibsa_report.release.versions import PAGES_BRANCH
from ibsa_report.sources import CACHE_SOURCE, SITE, old_sites

STAMP = "site.json"  # in <project>/.cache/build/: the project's own, even where IBSA_CACHE_DIR is shared


def inputs_digest(config: ProjectConfig, engine: str, drawing: str) -> str:
    """Return the digest of a build's inputs (drawing: how the pictures are drawn, or why not)."""
    root = config.root
    pages = [*config.rendered_pages(), *([config.not_found] if config.not_found else [])]
    texts = [part for page in pages for part in (page.source, (root / page.source).read_bytes())]
    return digest(engine, drawing, shared_digest(config), str(branch_head(root, PAGES_BRANCH)), *texts)


def is_up_to_date(config: ProjectConfig, key: str) -> bool:
    """Tell whether the last build recorded key and left _site/ as it is now."""
    root = config.root
    site = root / SITE
    try:
        stamp = json.loads((root / CACHE_SOURCE / "build" / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("inputs") != key or not site.is_dir() or old_sites(root):
        return False
    return stamp.get("site") == tree_digest([site], site)


def record(config: ProjectConfig, key: str) -> None:
    """Record key with the digest of _site/ as the build left it (written whole or not at all)."""
    root = config.root
    folder = root / CACHE_SOURCE / "build"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{STAMP}.{os.getpid()}"
    tmp.write_text(json.dumps({"inputs": key, "site": tree_digest([root / SITE], root / SITE)}), encoding="utf-8")
    os.replace(tmp, folder / STAMP)
