"""The report's incremental build: a no-change rebuild does nothing, a one-page change runs that page only,
and every rebuild is byte-identical to a fresh build of the same tree."""

from __future__ import annotations

from pathlib import Path

import pytest

import ibsa_report.build
from ibsa_report.build import build_site
from ibsa_report.sources import SITE, copy_sources
from quarto_lite.page_cache import PageCache

from conftest import ROOT, tree_hashes

PAGE = "chapters/methods.qmd"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_sources(ROOT, tmp_path_factory.mktemp("cache") / "project")
    build_site(project, "builtin")
    return project


def caches(monkeypatch: pytest.MonkeyPatch) -> list[PageCache]:
    """Record the page cache each build uses."""
    used: list[PageCache] = []
    real = ibsa_report.build.page_cache

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        used.append(real(*args, **kwargs))
        return used[-1]

    monkeypatch.setattr(ibsa_report.build, "page_cache", watched)
    return used


def test_a_rebuild_with_nothing_changed_does_nothing_and_changes_nothing(built: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree_hashes(built / SITE)
    used = caches(monkeypatch)
    result = build_site(built, "builtin")
    assert not result.rebuilt and used == [], "nothing changed, yet the build rendered"
    assert tree_hashes(built / SITE) == before


def test_a_touched_site_is_built_again_from_the_cache_byte_identical(built: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree_hashes(built / SITE)
    (built / SITE / "index.html").write_text("altered", encoding="utf-8")
    used = caches(monkeypatch)
    assert build_site(built, "builtin").rebuilt
    [cache] = used
    assert cache.misses == 0 and cache.hits > 40, (cache.hits, cache.misses)
    assert tree_hashes(built / SITE) == before


def test_a_one_page_change_runs_that_page_only_and_matches_a_fresh_build(built: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    page = built / PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence for the cache test.\n", encoding="utf-8")
    used = caches(monkeypatch)
    build_site(built, "builtin")
    [cache] = used
    assert cache.misses == 1 and cache.hits > 40, (cache.hits, cache.misses)
    assert "One more sentence for the cache test." in (built / SITE / "chapters/methods.html").read_text(encoding="utf-8")
    incremental = tree_hashes(built / SITE)

    build_site(built, "builtin", fresh=True)
    fresh = used[-1]
    assert fresh.hits == 0 and fresh.misses > 40, "--fresh read the cache"
    assert tree_hashes(built / SITE) == incremental
