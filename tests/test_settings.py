"""The report's settings in one place (ibsa_report.settings): what counts as a real address, the build's one
line while none is set, and what CITATION.cff adds (licences, DOI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ibsa_report.settings import address_line, is_real_address, is_real_contact, read_settings, release_problem
from quarto_lite.project import read_config

from conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.mark.parametrize("address", ["", "/", "https://example.org/ibsa-report/", "https://www.example.com/",
                                     "http://localhost:8000/", "https://report.test/", "https://a.invalid/",
                                     "https://github.com/OWNER/ibsa-report", "https://<owner>.github.io/<repo>/",
                                     "ftp://files.gov.uk/", "javascript:alert(1)"])
def test_placeholders_and_non_addresses_are_not_real(address: str) -> None:
    assert not is_real_address(address)


@pytest.mark.parametrize("address", ["https://someone.github.io/ibsa-report/", "https://github.com/someone/ibsa-report",
                                     "https://reports.example-charity.org.uk/ibsa/"])
def test_real_addresses_are_real(address: str) -> None:
    assert is_real_address(address)


def test_a_contact_is_an_email_or_web_address_off_reserved_hosts() -> None:
    assert is_real_contact("corrections@charity.org.uk") and is_real_contact("mailto:a@b.org.uk")
    assert is_real_contact("https://charity.org.uk/contact")
    assert not is_real_contact("you@example.org") and not is_real_contact("") and not is_real_contact("someone")


def test_the_real_project_sets_no_address_and_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    config = read_config(ROOT)
    assert config.site_url == ""  # not "/": an empty site-url must not turn into an address
    assert address_line(config) == (
        "no site address is set: pages link relatively and carry no canonical link, og:url, sitemap.xml or citation "
        "address; set website.site-url in _quarto.yml (or SITE_URL) before publishing")
    settings = read_settings(ROOT)
    assert (settings.site_url, settings.repo_url, settings.doi) == ("", "", "")
    assert settings.licences == ("MIT", "CC-BY-4.0")


def test_site_url_overrides_and_a_placeholder_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://someone.github.io/ibsa-report")
    assert read_config(ROOT).site_url == "https://someone.github.io/ibsa-report/"
    assert address_line(read_config(ROOT)) is None
    assert read_settings(ROOT).site_url == "https://someone.github.io/ibsa-report/"
    assert release_problem(read_config(ROOT)) == (  # the repository is still missing
        "website.repo-url in _quarto.yml is not set: a release is cited by its address; set it to the repository's "
        "address, then run again")
    monkeypatch.setenv("SITE_URL", "https://example.org/ibsa-report/")
    assert address_line(read_config(ROOT)).startswith(
        "the site address https://example.org/ibsa-report/ is a placeholder (example.org is a host reserved for examples): ")
    assert read_settings(ROOT).site_url == ""  # never written into a page


def test_a_placeholder_contact_refuses_a_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    project = shutil.copytree(FIXTURE, tmp_path / "p")
    assert release_problem(read_config(project)) is None
    config = project / "_quarto.yml"
    config.write_text(config.read_text(encoding="utf-8") + 'report:\n  contact: "you@example.org"\n', encoding="utf-8")
    assert release_problem(read_config(project)) == (
        'report.contact in _quarto.yml is a placeholder ("you@example.org"): set a real email or web address, or "" '
        "for none, then run again")
    assert read_settings(project).contact == ""


def test_the_doi_comes_from_citation_cff(tmp_path: Path) -> None:
    project = shutil.copytree(FIXTURE, tmp_path / "p")
    assert read_settings(project).doi == ""
    cff = project / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8") + "doi: https://doi.org/10.5281/zenodo.1234567\n", encoding="utf-8")
    assert read_settings(project).doi == "10.5281/zenodo.1234567"
