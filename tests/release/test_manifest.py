"""The manifest of an archived copy (release/manifest.py), on a hand-made copy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ibsa_report.release.manifest import ArchiveAltered, check_copy, write_manifest


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """An archived copy v/1.0.0/ with two files and its manifest."""
    folder = tmp_path / "v" / "1.0.0"
    (folder / "chapters").mkdir(parents=True)
    (folder / "index.html").write_text("home\n", encoding="utf-8")
    (folder / "chapters" / "a.html").write_text("a\n", encoding="utf-8")
    write_manifest(folder)
    return folder


def test_the_manifest_is_sha256sum_s_format_sorted_by_path(copy: Path) -> None:
    digest = {name: hashlib.sha256((copy / name).read_bytes()).hexdigest() for name in ("chapters/a.html", "index.html")}
    assert (copy / "MANIFEST.sha256").read_text(encoding="utf-8") == (
        f"{digest['chapters/a.html']}  chapters/a.html\n{digest['index.html']}  index.html\n")
    check_copy(copy, "_site/v/1.0.0")


def test_a_malformed_manifest_line_is_named(copy: Path) -> None:
    manifest = copy / "MANIFEST.sha256"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "not a line\n", encoding="utf-8")
    with pytest.raises(ArchiveAltered) as info:
        check_copy(copy, "_site/v/1.0.0")
    assert str(info.value) == "_site/v/1.0.0/MANIFEST.sha256:3: not a '<sha256>  <path>' line"
