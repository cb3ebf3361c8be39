"""quarto_lite renders a small neutral website (tests/fixtures/engine) as Quarto would: nothing of the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from quarto_lite.engine import render_project
from quarto_lite.project import read_config

pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")  # sitemap.xml is read as HTML

FIXTURE = Path(__file__).parents[1] / "fixtures" / "engine"
APA = "Ann Gardener, & Bob Digger. (2025). Garden notes (Version 2.3.0). https://example.org/garden/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[str]]:
    project = tmp_path_factory.mktemp("engine") / "garden"
    shutil.copytree(FIXTURE, project)
    out = project / "_site"
    written = render_project(read_config(project), out)
    return out, written


def page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / name).read_text(encoding="utf-8"), "html.parser")


def test_outputs_follow_quarto_paths(site):
    out, written = site
    assert written == ["index.html", "pages/beds.html", "log.html", "404.html", "search.json", "sitemap.xml"]
    for name in written + ["assets/garden.css", "post.txt"]:
        assert (out / name).is_file(), name


def test_cells_and_inline_code_are_executed(site):
    out, _ = site
    text = page(out, "index.html").select_one("main").get_text(" ", strip=True)
    assert "The garden has 2 beds holding 11 rows of vegetables" in text
    assert "north: 4 rows" in page(out, "pages/beds.html").get_text()


def test_navigation_and_footer_come_from_quarto_yml(site):
    out, _ = site
    doc = page(out, "pages/beds.html")
    nav = doc.select("nav[aria-label=Chapters] a")
    assert [(a.get_text(), a["href"]) for a in nav] == [("Home", "../index.html"), ("Beds", "../pages/beds.html")]
    footer = doc.select_one("footer").get_text(" ", strip=True)
    assert "Garden notes. Version 2.3.0, released 2025-04-05. Log ." in footer
    assert f"How to cite: {APA}" in footer


def test_citation_fields_give_scholar_and_open_graph_tags(site):
    out, _ = site
    doc = page(out, "index.html")
    meta = [(m.get("name") or m.get("property"), m["content"]) for m in doc.select("meta[content]")]
    assert ("citation_title", "Garden notes") in meta
    assert [v for k, v in meta if k == "citation_author"] == ["Ann Gardener", "Bob Digger"]
    assert ("citation_publication_date", "2025/04/05") in meta
    assert ("citation_technical_report_number", "2.3.0") in meta
    assert ("og:url", "https://example.org/garden/") in meta and ("twitter:card", "summary") in meta


def test_pre_render_include_appears_before_the_body(site):
    out, _ = site
    assert page(out, "log.html").select_one("p.banner").get_text() == "Spring planting is open."


def test_citations_callouts_and_cross_references(site):
    out, _ = site
    assert "Digger" in page(out, "index.html").get_text()
    beds = page(out, "pages/beds.html")
    assert "Beans follow potatoes." in beds.get_text()
    assert beds.select_one('a[href="#sec-north"]') is not None


def test_search_index_sitemap_and_404(site):
    out, _ = site
    entries = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert {e["href"].split("#")[0] for e in entries} == {"index.html", "pages/beds.html", "log.html"}
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/garden/pages/beds.html" in sitemap and "404" not in sitemap
    assert page(out, "404.html").select_one("a.site-title")["href"] == "/garden/index.html"


def test_without_a_site_url_pages_name_no_address_as_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quarto 1.7.34 without site-url: no sitemap.xml, no canonical link or og:url, 404.html linking from "/"."""
    monkeypatch.delenv("SITE_URL", raising=False)
    project = shutil.copytree(FIXTURE, tmp_path / "garden")
    config = project / "_quarto.yml"
    text = config.read_text(encoding="utf-8")
    assert '  site-url: "https://example.org/garden/"\n' in text
    config.write_text(text.replace('  site-url: "https://example.org/garden/"\n', ""), encoding="utf-8")
    assert read_config(project).site_url == ""
    out = project / "_site"
    written = render_project(read_config(project), out)
    assert written == ["index.html", "pages/beds.html", "log.html", "404.html", "search.json"]
    assert not (out / "sitemap.xml").exists()
    for name in ("index.html", "pages/beds.html"):
        doc = page(out, name)
        assert doc.select('link[rel="canonical"], meta[property="og:url"]') == [], name
        assert doc.select_one('meta[property="og:title"]') is not None  # the rest of the card stays
        assert doc.select_one("p.cite").get_text() == f"How to cite: {APA.removesuffix(' https://example.org/garden/')} BibTeX and more"
        assert "http" not in doc.select_one("p.cite").get_text()
    assert page(out, "404.html").select_one("a.site-title")["href"] == "/index.html"
