"""The site built by real Quarto: it succeeds, is the same report as the built-in engine's, makes no
request to another host, and two builds are byte-identical.

These tests need `quarto` on the PATH (the version the site is published with, 1.7.34). Without it
each test is skipped and says so: the Quarto build was then not checked on this machine.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import BrowserContext

from ibsa_report.build import build_site
from ibsa_report.release.citation import read_version
from ibsa_report.sources import SITE, copy_sources
from ibsa_report.release.versions import freeze
from quarto_lite.project import read_config

from browser_session import RequestLog, ServedSite, open_tab, serve_project
from conftest import ROOT, tree_hashes
from test_no_placeholder import assert_no_own_address, placeholders
from test_browser import (  # noqa: F401  (the same checks, run here on the Quarto site)
    test_every_download_link_returns_the_data_of_its_chart,
    test_every_page_loads_without_errors_and_draws_every_chart,
    test_every_permalink_lands_on_its_chart,
    visits,
    wide,
)

QUARTO_VERSION = "1.7.34"
pytestmark = pytest.mark.skipif(shutil.which("quarto") is None,
                                reason="quarto is not on the PATH: the Quarto build was not checked")
OTHER_HOST_ATTRIBUTES = ("script[src]", "link[href]", "img[src]", "iframe[src]", "source[src]")


def quarto_build(parent: Path) -> Path:
    """Build a fresh copy of the project with Quarto, and archive its version as a release would."""
    project = copy_sources(ROOT, parent / "project")
    assert build_site(project, "quarto").engine == "quarto"
    freeze(project / SITE, read_version(project)[0])
    return project


@pytest.fixture(scope="module")
def quarto_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return quarto_build(tmp_path_factory.mktemp("quarto-a"))


@pytest.fixture(scope="module")
def served_site(quarto_project: Path) -> Iterator[ServedSite]:
    """The Quarto-built site, served as published (this module's browser tests use it)."""
    yield from serve_project(quarto_project)


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def test_quarto_is_the_pinned_version() -> None:
    done = subprocess.run(["quarto", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == QUARTO_VERSION


def test_two_quarto_builds_are_byte_identical(quarto_project: Path, tmp_path: Path) -> None:
    again = quarto_build(tmp_path)
    assert tree_hashes(again / SITE) == tree_hashes(quarto_project / SITE)


def test_the_same_pages_charts_tables_and_downloads_as_the_builtin_engine(quarto_project: Path,
                                                                          real_project: Path) -> None:
    quarto, builtin = quarto_project / SITE, real_project / SITE
    pages = sorted(p.relative_to(builtin).as_posix() for p in builtin.rglob("*.html"))
    assert sorted(p.relative_to(quarto).as_posix() for p in quarto.rglob("*.html")
                  if not p.relative_to(quarto).parts[0] == "site_libs") == pages
    assert sorted(p.name for p in (quarto / "downloads").iterdir()) == sorted(p.name for p in (builtin / "downloads").iterdir())
    for page in pages:
        q, b = soup(quarto, page), soup(builtin, page)
        for selector in ("figure.chart", "section[id^=sec-]", "[id^=tbl-]", "[id^=q-]", "[id^=rec-]"):
            ids = lambda doc: sorted({el["id"] for el in doc.select(selector) if "-caption" not in el["id"]})  # noqa: E731
            assert ids(q) == ids(b), f"{page}: {selector}"


@pytest.mark.parametrize("page", ["index.html", "chapters/charging.html", "chapters/methods.html", "CHANGELOG.html"])
def test_each_page_has_scholar_and_opengraph_tags_one_cite_block_the_switcher_and_the_safety_band(
        quarto_project: Path, page: str) -> None:
    doc = soup(quarto_project / SITE, page)
    names = [m.get("name") or m.get("property") for m in doc.select("meta")]
    for tag in ("citation_title", "citation_author", "citation_technical_report_number", "og:title",
                "og:description", "twitter:card"):
        assert tag in names, f"{page}: no {tag}"
    assert names.count("citation_reference") == len(list(doc.select("meta[name=citation_reference]"))) > 0
    assert len(doc.select("#cite-this")) == 1, "exactly one Cite this block"
    assert not doc.select("#quarto-citation, .quarto-appendix-contents .citation"), "Quarto's own citation appendix"
    assert doc.select_one("details.version-switcher") is not None
    band = next(el for el in doc.body.find_all(True, recursive=False) if "skip-link" not in el.get("class", []))
    assert band.name == "nav" and band.select_one("a.quick-exit") is not None and band.select_one("a.safety-help")


def test_the_changelog_is_rendered_and_linked_from_every_footer(quarto_project: Path) -> None:
    site = quarto_project / SITE
    assert "<h1" in (site / "CHANGELOG.html").read_text(encoding="utf-8")
    assert not (site / "CHANGELOG.md").exists()
    for page in ("index.html", "chapters/charging.html"):
        hrefs = [a["href"] for a in soup(site, page).select("footer a")]
        assert any(h.endswith("CHANGELOG.html") for h in hrefs), (page, hrefs)


def test_no_placeholder_and_no_own_address_without_a_site_url(quarto_project: Path) -> None:
    """Quarto 1.7.34 without site-url writes no sitemap.xml, canonical link or og:url; nothing names example.org."""
    if read_config(quarto_project).site_url:
        pytest.skip("SITE_URL is set for this session: the site has an address")
    site = quarto_project / SITE
    assert placeholders(site) == []
    assert_no_own_address(site)


def test_scholar_titles_are_escaped_once(quarto_project: Path) -> None:
    """Quarto escapes citation_* twice ("victims&#039;"); the post-render step leaves them escaped once."""
    doc = soup(quarto_project / SITE, "chapters/interviews.html")
    title = doc.select_one('meta[name="citation_title"]')["content"]
    assert "'" in title and "&#039;" not in title and "&#x27;" not in title, title


def test_the_404_page_links_absolutely(quarto_project: Path) -> None:
    links = [a["href"] for a in soup(quarto_project / SITE, "404.html").select("main a")]
    prefix = urlsplit(read_config(quarto_project).site_url).path or "/"  # Quarto: "/" without a site-url
    assert f"{prefix}./index.html" in links or f"{prefix}index.html" in links, links


def test_no_page_refers_a_browser_to_another_host(quarto_project: Path) -> None:
    site = quarto_project / SITE
    problems = []
    for path in sorted(site.rglob("*.html")):
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for selector in OTHER_HOST_ATTRIBUTES:
            attribute = selector.split("[")[1].rstrip("]")
            for el in doc.select(selector):
                value = el[attribute]
                if value.startswith(("http:", "https:", "//")) and el.name != "link" or (
                        el.name == "link" and value.startswith(("http", "//")) and el.get("rel") != ["canonical"]):
                    problems.append(f"{path.relative_to(site)}: <{el.name} {attribute}={value!r}>")
    assert not problems, "\n".join(problems[:20])


def test_no_request_leaves_the_site_while_reading_and_searching(served_site: ServedSite,
                                                                context: tuple[BrowserContext, RequestLog]) -> None:
    ctx, requests = context
    for _, tab in visits(served_site, ctx):
        tab.page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    tab = open_tab(ctx, served_site.url("index.html"))
    search = tab.page.locator(".aa-DetachedSearchButton, #quarto-search input, .aa-Input").first
    if search.count():
        search.click()
        tab.page.keyboard.type("charging")
        tab.page.wait_for_timeout(500)
    tab.page.close()
    assert requests.other_hosts() == []
    assert any("/chapters/" in url for url in requests.requests)
