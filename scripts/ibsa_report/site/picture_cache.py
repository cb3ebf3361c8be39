"""The charts' pictures already drawn, kept by the hash of what draws them.

A picture's bytes depend on the figure, kaleido's options, the site's plotly.js bundle, kaleido's version
and the Chromium that draws it (its path, size and modification time); its key is the SHA-256 of them all.
Kept in <cache>/pictures/ (ibsa_report.sources.cache_dir), written whole or not at all. Under IBSA_FRESH=1
(`ibsa-report build --fresh`) nothing is read from it.
"""

from __future__ import annotations

import json
import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

from quarto_lite.page_cache import digest, write_whole
from ibsa_report.sources import FRESH, cache_dir


class PictureCache:
    """Pictures by key in a folder (None: keep nothing); fresh: read nothing, but keep what is drawn."""

    def __init__(self, folder: Path | None, drawer: str, *, fresh: bool = False) -> None:
        self.folder = folder
        self.drawer = drawer  # digest of what draws: plotly.js, kaleido, Chromium
        self.fresh = fresh

    def key(self, figure: dict[str, Any], opts: dict[str, Any], token: str = "") -> str:
        """Return the key of one picture (token: the ids an SVG's are replaced by, which its bytes hold)."""
        return digest(self.drawer, json.dumps(figure, sort_keys=True), json.dumps(opts, sort_keys=True), token)

    def get(self, figure: dict[str, Any], opts: dict[str, Any], token: str = "") -> bytes | None:
        """Return the picture drawn before from figure, opts and token, or None."""
        if self.folder is None or self.fresh:
            return None
        try:
            return (self.folder / self.key(figure, opts, token)).read_bytes()
        except OSError:
            return None

    def put(self, figure: dict[str, Any], opts: dict[str, Any], token: str, data: bytes) -> None:
        """Keep a picture just drawn."""
        if self.folder is None:
            return
        write_whole(self.folder / self.key(figure, opts, token), data)


def picture_cache(root: Path, chromium: Path, bundle: Path) -> PictureCache:
    """Return the project's picture cache for pictures drawn with chromium and the plotly.js bundle."""
    browser = chromium.resolve().stat()
    drawer = digest(bundle.read_bytes(), version("kaleido"), str(chromium.resolve()),
                    str(browser.st_size), str(browser.st_mtime_ns))
    return PictureCache(cache_dir(root, "pictures"), drawer, fresh=os.environ.get(FRESH) == "1")
