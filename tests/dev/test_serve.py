"""The local static server used by the browser tests and the benchmark: prefix, gzip, caching, 404 page."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ibsa_report.dev.serve import serve


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "index.html").write_text("<p>home</p>" * 50, encoding="utf-8")
    (tmp_path / "chapters" / "one.html").write_text("<p>one</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>not here</p>", encoding="utf-8")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return tmp_path


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_files_are_served_under_the_prefix_with_the_404_page_elsewhere(site: Path) -> None:
    with serve(site, "/report/") as base:
        assert base.endswith("/report/")
        assert get(base + "chapters/one.html")[::2] == (200, b"<p>one</p>")
        assert get(base)[2] == (site / "index.html").read_bytes()
        assert get(base + "missing.html")[::2] == (404, b"<p>not here</p>")
        assert get(base.replace("/report/", "/index.html"))[0] == 404
        assert get(base + "../../etc/passwd")[0] == 404
        assert get(base + "data.csv")[1]["Content-Type"] == "text/csv"


def test_a_static_host_gzips_text_and_sets_cache_control(site: Path) -> None:
    with serve(site, use_gzip=True, max_age=600) as base:
        status, headers, body = get(base + "index.html", **{"Accept-Encoding": "gzip"})
        plain = get(base + "index.html")
    assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "max-age=600"
    assert gzip.decompress(body) == (site / "index.html").read_bytes() and len(body) < len(plain[2])
    assert "Content-Encoding" not in plain[1], "no gzip for a client that did not ask for it"
