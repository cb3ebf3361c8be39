"""The interview figures and tables the chapter quotes, against what the article states."""

from __future__ import annotations

import pytest

from ibsa_report.evidence import frames as evidence
from ibsa_report.analysis import figures
from ibsa_report.report import tables

from conftest import ROOT


@pytest.fixture(scope="module")
def ev() -> evidence.Evidence:
    return evidence.load(ROOT)


def test_helpline_split_subtracts_the_independent_recruits(ev):
    # Article: 11 of the 17 victims reported; 2 of the 8 recruited independently of the helpline did.
    assert figures.helpline_split(ev) == figures.HelplineSplit(
        victims=17, independent=8, via_helpline=9, reported=11, reported_independent=2, reported_via_helpline=9)


def test_route_count_takes_the_one_route_named(ev):
    assert figures.route_count(ev, "victims", "Gatekeepers") == 11
    assert figures.route_count(ev, "victims", "Snowball") == 1
    with pytest.raises(ValueError, match="0 recruitment routes of 'victims' start with 'Purposive'; expected one"):
        figures.route_count(ev, "victims", "Purposive")


def test_counted_and_basis_counts(ev):
    assert figures.counted(ev, "f-female-officer") == (4, None)
    assert figures.basis_counts(ev).to_dict() == {"stated": 3, "group-size": 5, "inferred": 4, "not-stated": 1}


@pytest.mark.parametrize("word, expected", [
    ("2016/17", True), ("2016", True), ("1998", True), ("28", False), ("17", False), ("2016/2017", False),
    ("3016", False), ("20xx", False), ("", False),
])
def test_is_year(word, expected):
    assert figures.is_year(word) is expected


def test_interview_period_comes_from_the_articles_note(ev, project):
    assert figures.interview_period(ev) == "2016/17"
    (project / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    sources = project / "data" / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace("in-depth interviews (2016/17)", "in-depth interviews"),
                       encoding="utf-8")
    with pytest.raises(ValueError, match="the interviews' date is not in the note"):
        figures.interview_period(evidence.load(project))


def test_findings_table_says_how_each_denominator_was_found(ev):
    table = tables.findings(ev).set_index("Finding")
    assert len(table) == len(ev["interview_findings"])
    female = table.loc["Victims who raised the importance of a female officer"]
    assert female["Interviewees"] == "4, out of a number not published"
    assert female["How the denominator was found"] == (
        "Not stated by the article. Not every victim was asked: the topic came up during the interviews, "
        "and the article does not say how many were asked")
    assert table["Theme"].iloc[0] == "The legal definition of “sexual”"  # the themes' order, not the file's
    assert table.loc["Victims who reported their experiences to the police", "How the denominator was found"] == (
        "Stated with the count")


def test_recruitment_table(ev):
    table = tables.recruitment(ev)
    assert table["Interviewees"].sum() == figures.interview_total(ev)
    assert list(table.columns) == ["Group", "Route", "Interviewees"]
    assert table["Group"].iloc[0] == "Women victims"
