"""Serve a built site on localhost like a static host: under its URL path, gzip, cache headers, 404 page.

Used by the browser tests and by `ibsa-report bench`; for looking at the site, `python3 -m http.server`
(README) is enough.
"""

from __future__ import annotations

import gzip
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
EXTRA_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".csv": "text/csv", ".json": "application/json"}


@lru_cache(maxsize=256)
def gzipped(path: Path, mtime_ns: int) -> bytes:
    """Return a file's bytes gzipped (cached per path and modification time)."""
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


class StaticHandler(SimpleHTTPRequestHandler):
    """Serve files below prefix from the directory, gzipped on request, with Cache-Control."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def __init__(self, *args: Any, prefix: str, use_gzip: bool, max_age: int | None, **kwargs: Any) -> None:
        self.prefix, self.use_gzip, self.max_age = prefix, use_gzip, max_age
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the benchmark print what matters."""

    def send_head(self) -> Any:
        """Answer a GET or HEAD: the file below the prefix, or 404.html with status 404."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix):
            return self.send_not_found()
        self.path = "/" + path[len(self.prefix):]
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            if not self.path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            file = file / "index.html"
        if not file.is_file():
            return self.send_not_found()
        return self.send_file(file, 200)

    def send_not_found(self) -> Any:
        """Send the site's 404.html (as static hosts do), or a plain 404."""
        page = Path(self.directory) / "404.html"
        if page.is_file():
            return self.send_file(page, 404)
        self.send_error(404)
        return None

    def send_file(self, file: Path, status: int) -> Any:
        """Send headers for a file and return a readable body (gzipped when asked and worth it)."""
        ctype = self.guess_type(str(file))
        stat = file.stat()
        body = file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if self.use_gzip and ctype.startswith(COMPRESSED_TYPES) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzipped(file, stat.st_mtime_ns)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        if self.max_age is not None:
            self.send_header("Cache-Control", f"max-age={self.max_age}")
        self.end_headers()
        return io.BytesIO(body)


def site_pages(site: Path) -> list[str]:
    """Return every HTML page of a built site (found by walking it), as paths relative to it."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@contextmanager
def serve(site: Path, prefix: str = "/", *, use_gzip: bool = False, max_age: int | None = None) -> Iterator[str]:
    """Serve site at http://127.0.0.1:<free port><prefix> in a thread; yield that base URL."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = partial(StaticHandler, directory=str(site), prefix=prefix, use_gzip=use_gzip, max_age=max_age)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
