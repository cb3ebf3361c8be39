"""Check what readers get from the real site (built once per session): charts, downloads, helpline, counts."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from ibsa_report.report.chart import CHART_SCRIPT, PLOTLY_BUNDLE, PLOTLY_CSS
from ibsa_report.sources import SITE
from ibsa_report.release.citation import read_version
from ibsa_report.site.downloads import DATASET_ZIP
from ibsa_report.evidence.frames import load
from quarto_lite.project import read_config

from chart_checks import assert_plot_matches_csv, figure_spec
from conftest import ROOT

STRICT_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
                 "base-uri 'none'; form-action 'self'")
CHARTLESS = {"chapters/methods.html"}  # methods needs no chart; the landing page shows one too


@pytest.fixture(scope="module")
def site(real_project: Path) -> Path:
    return real_project / SITE


def pages() -> list[str]:
    return [page.output for page in read_config(ROOT).pages]


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def local_target(site: Path, page: str, href: str) -> Path:
    """Resolve a relative link on a page to the file it names in the site."""
    url = urljoin(f"http://site/{page}", href)
    return site / urlparse(url).path.lstrip("/")


@pytest.mark.parametrize("page", pages())
def test_every_chapter_has_a_chart_and_every_chart_its_csv(site: Path, page: str) -> None:
    doc = soup(site, page)
    figures = doc.select("figure.chart")
    if page not in CHARTLESS:
        assert figures, f"{page} has no chart"
    for fig in figures:
        csv = local_target(site, page, fig.select_one("a.chart-download")["href"])
        assert csv.is_file(), f"{page}#{fig['id']}: {csv} missing"
        assert csv.name == f"{fig['id']}.csv"
        assert_plot_matches_csv(figure_spec(fig), csv.read_text(encoding="utf-8"))
        assert fig.select_one("a.chart-permalink")["href"] == f"#{fig['id']}"


@pytest.mark.parametrize("page", pages())
def test_plotly_comes_once_from_the_site_and_nothing_from_other_hosts(site: Path, page: str) -> None:
    doc = soup(site, page)
    assert [s["src"] for s in doc.find_all("script", src=True) if "plotly" in s["src"]] == [], \
        "plotly.js is fetched by charts.js when a chart is reached, never named by a <script>"
    loaders = doc.select("script[src][data-plotly]")
    assert len(loaders) == (1 if doc.select("figure.chart") else 0), loaders
    for loader in loaders:
        assert local_target(site, page, loader["src"]) == site / CHART_SCRIPT
        assert local_target(site, page, loader["data-plotly"]) == site / PLOTLY_BUNDLE
    fetched = doc.select("script[src], link[rel~=stylesheet], link[rel~=icon], link[rel~=preload], img[src], "
                         "iframe[src], source[src], source[srcset], video[src], audio[src]")
    external = [u for u in (el.get("src") or el.get("href") or el.get("srcset") for el in fetched)
                if urlparse(u).netloc or urlparse(u).scheme]
    assert external == [], f"{page} fetches from other hosts: {external}"
    assert not doc.select("script:not([src]):not([type='application/json'])"), "inline script found"


def test_every_live_page_carries_the_strict_content_security_policy_first(site: Path) -> None:
    live = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "v"]
    assert {"404.html", "index.html", "CHANGELOG.html"} <= {p.relative_to(site).as_posix() for p in live}
    for path in live:
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        (meta,) = doc.select('meta[http-equiv="Content-Security-Policy"]')
        assert meta["content"] == STRICT_POLICY, path
        assert doc.head.find_all(True)[:2] == [doc.head.find("meta", charset=True), meta], path
        assert doc.select("[style]") == [] and doc.find_all("style") == [], f"{path}: inline style"


@pytest.mark.parametrize("page", pages())
def test_charts_name_plotly_rules_so_plotly_writes_no_style(site: Path, page: str) -> None:
    doc = soup(site, page)
    for loader in doc.select("script[src][data-plotly]"):
        assert local_target(site, page, loader["data-plotly-css"]) == site / PLOTLY_CSS
    script = (site / CHART_SCRIPT).read_text(encoding="utf-8")
    assert '"plotly.js-style-global"' in script and '"no-inline-styles"' in script, "charts.js links the rules so"


def test_the_served_plotly_bundle_exists(site: Path) -> None:
    assert (site / PLOTLY_BUNDLE).stat().st_size > 500_000


@pytest.mark.parametrize("page", pages() + ["404.html"])
def test_every_page_opens_with_the_safety_band(site: Path, page: str) -> None:
    doc = soup(site, page)
    band = next(el for el in doc.body.find_all(True, recursive=False) if "skip-link" not in el.get("class", []))
    assert band.name == "nav" and "safety-band" in band["class"], f"{page}: the band is not first in <body>"
    help_link, exit_link = band.select("a")
    assert help_link.get_text() == "Get help" and exit_link.get_text() == "Quick exit"
    assert exit_link["href"] == read_config(ROOT).raw["report"]["quick-exit"]
    if page == "404.html":  # any depth may show it: absolute under the site's path, like its stylesheet link
        assert help_link["href"] == doc.select_one('link[href$="assets/site.css"]')["href"].replace("assets/site.css", "help.html")
    else:
        assert local_target(site, page, help_link["href"]) == site / "help.html"
    assert doc.select_one("p.support") is None, "the old support line is gone"


def test_the_help_page_lists_every_service_with_a_tap_to_call_number(site: Path, seeds: Path) -> None:
    document = next(seeds.glob("003_*.txt")).read_text(encoding="utf-8")
    main = soup(site, "help.html").select_one("main")
    for _, service in load(ROOT)["support_services"].iterrows():
        assert service["phone"] in document and service["hours"] in document, "as the source document gives them"
        section = main.find(id=service["service_id"])
        text = " ".join(section.get_text().split())
        assert section.select_one(f'a[href="tel:+44{service["phone"].replace(" ", "")[1:]}"]').get_text() == service["phone"]
        assert service["hours"] in text and section.select_one(f'a[href="{service["url"]}"]') is not None
        assert "not checked since it was copied from The Independent" in text  # checked is empty in data/


def test_the_landing_page_shows_the_headline_counts_the_source_states(site: Path) -> None:
    stated = load(ROOT)["foi_rounds"].iloc[-1]
    text = " ".join(soup(site, "index.html").select_one("#sec-key-findings").parent.get_text().split())
    assert f"Of the {stated['stated_recorded_total']:,} intimate image offences" in text
    assert f"{stated['stated_charged_total']:,} (" in text
    assert f"by the {stated['forces_included']} of {stated['forces_asked']} police forces" in text


def test_the_whole_dataset_is_one_download_linked_from_the_landing_page(site: Path) -> None:
    assert (site / "downloads" / DATASET_ZIP).is_file()
    links = [a["href"] for a in soup(site, "index.html").find_all("a", href=True)]
    assert f"downloads/{DATASET_ZIP}" in links


def test_no_stale_chart_csv_is_published(site: Path) -> None:
    published = {p.stem for p in (site / "downloads").glob("*.csv")}
    built = [page.output for page in read_config(site.parent).rendered_pages()]  # the force pages too
    drawn = {fig["id"] for page in built for fig in soup(site, page).select("figure.chart")}
    assert any(page.startswith("forces/") for page in built) and published == drawn


@pytest.mark.parametrize("page", pages() + ["CHANGELOG.html"])
def test_every_page_states_the_one_version_everywhere(site: Path, page: str) -> None:
    version, date = read_version(ROOT)
    doc = soup(site, page)
    meta = {m["name"]: m["content"] for m in doc.select("meta[name^=citation_]")}
    assert meta["citation_technical_report_number"] == version
    assert meta["citation_publication_date"] == date.replace("-", "/")
    assert f"Version {version}, released {date}." in doc.select_one("footer").get_text()
    assert doc.select_one(".version-switcher summary").get_text() == f"Version {version} (latest)"
    cite = doc.select_one("#cite-this")
    assert f"(Version {version})" in cite.select_one("#cite-apa").get_text()
    assert f"version = {{{version}}}" in cite.select_one("#cite-bibtex").get_text()
    assert [b["data-copy"] for b in cite.select("button.cite-copy")] == ["cite-apa", "cite-bibtex"]
    changelog = [a for a in doc.select("footer a") if a.get_text() == "Changelog"]
    assert changelog and local_target(site, page, changelog[0]["href"]) == site / "CHANGELOG.html"


def test_citation_bib_is_this_version(site: Path) -> None:
    version, _ = read_version(ROOT)
    bib = (site / "downloads" / "citation.bib").read_text(encoding="utf-8")
    assert bib.startswith(f"@techreport{{ibsa-report-{version},")


def test_the_changelog_page_has_a_corrections_heading(site: Path) -> None:
    headings = [h.get_text() for h in soup(site, "CHANGELOG.html").select("main h3")]
    assert "Corrections" in headings
