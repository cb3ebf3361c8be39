"""What every page of the report depends on besides its own text, for the built-in engine's page cache.

A page's cells read data/, import the package (ibsa_report and quarto_lite, wherever they are
installed from) and read the project's settings and top-level files (_quarto.yml, CITATION.cff,
references.json, constraints.txt ...); some read environment settings (IBSA_*, SITE_URL). A change to
any of these re-renders every page; a change to one page's text re-renders that page only. The
other pages' sources are left out of the digest, as are files a build writes (references.yaml, which
the engine digests as the bibliography, and the force pages, each a page of its own).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import ibsa_report
import quarto_lite
from quarto_lite.page_cache import PageCache, digest, tree_digest
from quarto_lite.project import ProjectConfig
from ibsa_report.sources import CACHE_DIR, DOWNLOADS_DIR, FRESH, cache_dir

FOLDERS = ("data", "assets")  # read by the pages (besides the package's code)
SETTINGS = ("SITE_URL",)  # environment variables a page may read, besides IBSA_* ones
NOT_SETTINGS = (DOWNLOADS_DIR, CACHE_DIR, FRESH)  # where things go or how, not what a page shows


def page_cache(config: ProjectConfig, *, fresh: bool = False) -> PageCache:
    """Return the project's page cache (fresh: read nothing from it, but keep what this build renders)."""
    return PageCache(cache_dir(config.root, "pages"), shared_digest(config), fresh=fresh)


def shared_digest(config: ProjectConfig) -> str:
    """Return the digest of everything every page depends on (see the module's docstring)."""
    root = config.root
    pages = {page.source for page in config.rendered_pages()}
    if config.not_found is not None:
        pages.add(config.not_found.source)
    written = {str(config.raw.get("bibliography", ""))}  # references.yaml: the pre-render step writes it
    top = [p for p in sorted(root.iterdir()) if p.is_file() and not p.name.startswith(".")
           and p.name not in pages | written]
    code = [Path(ibsa_report.__file__).parent, Path(quarto_lite.__file__).parent]
    settings = sorted((k, v) for k, v in os.environ.items()
                      if (k.startswith("IBSA_") or k in SETTINGS) and k not in NOT_SETTINGS)
    return digest(sys.version, repr(settings), tree_digest([*top, *(root / f for f in FOLDERS)], root),
                  *(tree_digest([folder], folder.parent) for folder in code))
