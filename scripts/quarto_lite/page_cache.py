"""Each page's rendered HTML and the files its cells wrote, kept by the hash of everything it depends on.

A page's key is the SHA-256 of: this cache's format, what the caller says every page depends on
(``shared``: the data, the code, the settings), the page's path and text, and the render's own inputs
(execute options, language, bibliography, extra metadata). A rebuild finds an unchanged page by its
key and neither executes nor renders it again; anything else misses. Entries are JSON files written
atomically; one that cannot be read is a miss. Only pages that rendered without error are kept.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_FORMAT = "quarto-lite page cache 1"  # change it when an entry's contents or the key's parts change


@dataclass(frozen=True)
class CachedPage:
    """A rendered page: its HTML fragment, its headings, and the files its cells wrote (by folder, then path)."""

    html: str
    headings: list[tuple[int, str, str]]
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)


def digest(*parts: bytes | str) -> str:
    """Return the SHA-256 of the parts, each length-prefixed (so that no two lists of parts collide)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def tree_digest(paths: list[Path], base: Path) -> str:
    """Return a digest of the files under paths (files or folders), by their path relative to base and bytes.

    A path that does not exist counts as absent; __pycache__ folders and .pyc files are left out.
    """
    parts: list[bytes | str] = []
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
                parts += [file.relative_to(base).as_posix(), file.read_bytes()]
    return digest(*parts)


def write_whole(path: Path, data: bytes) -> None:
    """Write data to path whole or not at all (a temporary file in the same folder, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class PageCache:
    """The cache in a folder (None: one that keeps nothing); fresh: read nothing, but keep what is rendered."""

    def __init__(self, folder: Path | None, shared: str = "", *, fresh: bool = False) -> None:
        self.folder = folder
        self.shared = shared
        self.fresh = fresh
        self.hits = 0
        self.misses = 0

    def key(self, source: str, text: str, inputs: Mapping[str, Any]) -> str:
        """Return the key of the page at source (its text given) rendered with inputs (JSON-able values)."""
        return digest(CACHE_FORMAT, self.shared, source, text, json.dumps(inputs, sort_keys=True, default=str))

    def get(self, key: str) -> CachedPage | None:
        """Return the page kept under key, or None (counted as a hit or a miss)."""
        entry = self._read(key)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: str, page: CachedPage) -> None:
        """Keep a rendered page under key (written whole or not at all)."""
        if self.folder is None:
            return
        body = {"key": key, "html": page.html, "headings": page.headings,
                "files": {folder: {name: base64.b64encode(data).decode("ascii") for name, data in files.items()}
                          for folder, files in page.files.items()}}
        write_whole(self._path(key), json.dumps(body).encode("utf-8"))

    def _read(self, key: str) -> CachedPage | None:
        if self.folder is None or self.fresh:
            return None
        try:
            body = json.loads(self._path(key).read_text(encoding="utf-8"))
            if body.get("key") != key:
                return None
            files = {folder: {name: base64.b64decode(data) for name, data in named.items()}
                     for folder, named in body["files"].items()}
            return CachedPage(body["html"], [tuple(h) for h in body["headings"]], files)  # type: ignore[misc]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"
