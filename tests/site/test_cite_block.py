"""The "Cite this" block: the version-pinned address next to the latest, the DOI from CITATION.cff when it has
one, and no address at all (said in words) while none is set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from ibsa_report.release.citation import apa, bibtex, cff_text, read_citation, zenodo_text
from ibsa_report.site.cite_block import cite_html

FIXTURE = Path(__file__).parents[1] / "fixtures" / "site"
BASE = "https://fixture-owner.github.io/fixture/"


@pytest.fixture
def fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the site fixture (site-url and repo-url set, no DOI)."""
    monkeypatch.delenv("SITE_URL", raising=False)
    return shutil.copytree(FIXTURE, tmp_path / "p")


def with_doi(project: Path, doi: str = "10.5281/zenodo.1234567") -> Path:
    """Give the project's CITATION.cff a DOI."""
    cff = project / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8") + f"doi: {doi}\n", encoding="utf-8")
    return project


def block(project: Path, page: str) -> BeautifulSoup:
    """Render the block of a page of the project, parsed."""
    return BeautifulSoup(cite_html(read_citation(project), "../", page), "html.parser")


def test_a_page_gives_its_address_in_this_version_and_the_latest(fixture: Path) -> None:
    doc = block(fixture, "chapters/one.html")
    assert doc.select_one(".cite-pinned")["href"] == f"{BASE}v/0.1.0/chapters/one.html"
    assert doc.select_one(".cite-latest")["href"] == f"{BASE}chapters/one.html"
    home = block(fixture, "index.html")
    assert home.select_one(".cite-pinned").get_text() == f"{BASE}v/0.1.0/"
    assert home.select_one(".cite-latest").get_text() == BASE


def test_without_a_doi_the_block_says_there_is_none_yet(fixture: Path) -> None:
    doc = block(fixture, "index.html")
    assert doc.select_one(".cite-no-doi").get_text() == "No DOI yet"
    assert doc.select(".cite-doi") == [] and "doi" not in bibtex(read_citation(fixture))
    assert apa(read_citation(fixture)).endswith(f"(Version 0.1.0). {BASE}")


def test_the_doi_comes_from_citation_cff_into_the_block_apa_bibtex_and_a_new_cff(fixture: Path) -> None:
    c = read_citation(with_doi(fixture))
    doc = block(fixture, "index.html")
    assert doc.select_one(".cite-doi")["href"] == "https://doi.org/10.5281/zenodo.1234567"
    assert doc.select(".cite-no-doi") == []
    assert apa(c).endswith("(Version 0.1.0). https://doi.org/10.5281/zenodo.1234567")  # APA 7: the DOI, not the URL
    assert "  doi = {10.5281/zenodo.1234567}" in bibtex(c)
    written = yaml.safe_load(cff_text(c))  # a release rewrites CITATION.cff: the DOI stays
    assert written["doi"] == written["preferred-citation"]["doi"] == "10.5281/zenodo.1234567"


def test_without_a_site_address_nothing_copied_names_one(fixture: Path) -> None:
    config = fixture / "_quarto.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('  site-url: "https://fixture-owner.github.io/fixture/"\n', "")
                      .replace('  repo-url: "https://github.com/fixture-owner/fixture"\n',
                               '  repo-url: "https://github.com/OWNER/fixture"\n'), encoding="utf-8")
    c = read_citation(fixture)
    assert (c.url, c.repository) == ("", "")  # the placeholder repository is dropped too
    doc = block(fixture, "chapters/one.html")
    assert doc.select(".cite-pinned, .cite-latest") == []
    assert " ".join(doc.select_one(".cite-unpublished").get_text().split()).startswith(
        "Not yet published: this report has no public web address yet")
    copied = " ".join(pre.get_text() for pre in doc.select("pre.cite-text"))
    assert "http" not in copied and "OWNER" not in copied
    assert apa(c) == "Fixture authors. (2026). Fixture report (Version 0.1.0)."
    assert "url" not in bibtex(c)
    cff = yaml.safe_load(cff_text(c))
    assert "url" not in cff and "repository-code" not in cff and "url" not in cff["preferred-citation"]
    assert "related_identifiers" not in zenodo_text(c)
