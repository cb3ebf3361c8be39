"""No placeholder reaches a reader: the real site, built once per session, names no made-up address anywhere,
and while no site address is set it carries no canonical link, og:url, sitemap.xml or citation address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ibsa_report.sources import SITE
from quarto_lite.project import read_config

PLACEHOLDER = re.compile(r"example\.(?:org|com|net)|\bOWNER\b|<owner>", re.I)
TEXT_FILES = {".html", ".json", ".xml", ".txt", ".bib", ".csv", ".md", ".js", ".css", ".svg"}


@pytest.fixture(scope="module")
def site(real_project: Path) -> Path:
    """The built site of the real project."""
    if read_config(real_project).site_url:
        pytest.skip("SITE_URL is set for this session: the site has an address")
    return real_project / SITE


def placeholders(site: Path) -> list[str]:
    """Return each file of a built site that names a placeholder address, with what it names."""
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in TEXT_FILES]
    assert len(files) > 20
    return [f"{p.relative_to(site)}: {m.group(0)}" for p in files
            for m in [PLACEHOLDER.search(p.read_text(encoding="utf-8", errors="replace"))] if m]


def assert_no_own_address(site: Path) -> None:
    """Check a site built without a site address: no sitemap, canonical, og:url or address in a citation."""
    assert not (site / "sitemap.xml").exists()
    for page in sorted(site.rglob("*.html")):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        where = page.relative_to(site).as_posix()
        assert doc.select('link[rel="canonical"], meta[property="og:url"]') == [], where
        for meta in doc.select('meta[name^="citation_"]:not([name="citation_reference"])'):  # the sources keep theirs
            assert "http" not in meta.get("content", ""), (where, meta)
        for pre in doc.select(".cite-this pre.cite-text"):  # what "Copy citation" puts on the clipboard
            assert "http" not in pre.get_text(), where
    index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.select_one(".cite-unpublished") is not None and index.select_one(".cite-no-doi") is not None


def test_no_file_of_the_site_names_a_placeholder(site: Path) -> None:
    assert placeholders(site) == []


def test_without_a_site_address_no_page_names_an_address_of_its_own(site: Path) -> None:
    assert_no_own_address(site)


def test_the_about_page_says_what_is_not_yet_published(site: Path) -> None:
    doc = BeautifulSoup((site / "about.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(doc.select_one("main").get_text(" ").split())
    for expected in ("The report is compiled by IBSA criminal-justice report contributors.",
                     "No contact address is published yet.", "Not stated.",
                     "There is no published way to report an error yet", "the MIT licence",
                     "Creative Commons Attribution 4.0 International (CC BY 4.0)"):
        assert expected in text, expected
    footer = [a.get_text() for a in BeautifulSoup((site / "index.html").read_text(encoding="utf-8"),
                                                  "html.parser").select("footer a[href$='about.html']")]
    assert footer == ["About the report"]


def test_the_unknown_article_is_a_description_in_every_citation(site: Path) -> None:
    methods = BeautifulSoup((site / "chapters" / "methods.html").read_text(encoding="utf-8"), "html.parser")
    entry = " ".join(methods.select_one("#ref-interviews-article").get_text(" ").split())
    assert entry.startswith("[Peer-reviewed journal article reporting 28 in-depth interviews (2016/17)")
    assert "bibliographic details not confirmed]" in entry
    cited = [c.get_text() for page in sorted(site.glob("chapters/*.html")) + [site / "index.html"]
             for c in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(".citation")
             if "interviews-article" in c.get("data-cites", "")]
    assert len(cited) > 10 and all("[Journal article; details not confirmed]" in c for c in cited), cited[:3]
    assert not any("Unknown" in c for c in cited)
