"""The About page's sentences (report/about.py): each from _quarto.yml or CITATION.cff, escaped, and said
readably when unset."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from ibsa_report.report import about

from conftest import ROOT

FIXTURE = Path(__file__).parents[1] / "fixtures" / "site"


@pytest.fixture
def unset(monkeypatch: pytest.MonkeyPatch) -> about.Settings:
    """The real project's settings: no site, repository, contact or funding set."""
    monkeypatch.delenv("SITE_URL", raising=False)
    return about.read(ROOT)


def test_unset_settings_are_said_to_be_unset(unset: about.Settings) -> None:
    assert about.authors(unset).data == r"IBSA criminal\-justice report contributors"  # _quarto.yml's author
    assert about.contact(unset).data == "No contact address is published yet."
    assert about.corrections(unset).data == ("There is no published way to report an error yet: neither a contact "
                                             "address nor the repository's address is published.")
    assert about.funding(unset).data == "Not stated."
    assert about.site_address(unset).data == "The report's web address is not published yet."
    assert about.repository(unset).data == "The repository holding its sources and data is not published yet."


def test_the_licences_come_from_citation_cff(unset: about.Settings) -> None:
    text = about.licences(unset, ROOT).data
    assert text.startswith("The code that builds the report is under [the MIT licence](<https://opensource.org/license/mit>)")
    assert "the data and text are under [Creative Commons Attribution 4\\.0 International \\(CC BY 4\\.0\\)]" in text


def test_with_a_repository_errors_go_to_its_issue_tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    s = about.read(shutil.copytree(FIXTURE, tmp_path / "p"))
    assert s.repo_url == "https://github.com/fixture-owner/fixture"
    assert about.corrections(s).data.startswith(
        "To report an error, open an issue in the repository's issue tracker "
        "([github\\.com/fixture\\-owner/fixture/issues](<https://github.com/fixture-owner/fixture/issues>))")
    assert about.site_address(s).data == ("The report is published at "
                                          "[fixture\\-owner\\.github\\.io/fixture](<https://fixture-owner.github.io/fixture/>).")


def test_a_contact_and_funding_are_shown_escaped(unset: about.Settings) -> None:
    s = replace(unset, contact="corrections@charity.org.uk", funding="Funded by *the* <b>Trust</b> @grant.")
    assert about.contact(s).data == ("Write to [corrections\\@charity\\.org\\.uk]"
                                     "(<mailto:corrections@charity.org.uk>).")
    assert about.corrections(s).data.startswith("To report an error, write to [corrections\\@charity\\.org\\.uk]")
    funding = about.funding(s).data
    assert "*the*" not in funding and "<b>" not in funding and "\\@grant" in funding
