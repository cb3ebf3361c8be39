"""The interview chapter's facts object: each call says the data's figure, found by the data's id."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ibsa_report.evidence import frames
from ibsa_report.report import fmt
from ibsa_report.report.interview_facts import InterviewFacts
from quarto_lite.pandoc_render import render_markdown

from conftest import ROOT

FINDINGS = pd.read_csv(ROOT / "data" / "interview_findings.csv", dtype={"denominator": "Int64"})
GROUPS = pd.read_csv(ROOT / "data" / "interview_groups.csv").set_index("group_id")


@pytest.fixture(scope="module")
def f() -> InterviewFacts:
    return InterviewFacts(frames.load(ROOT))


@pytest.mark.parametrize("finding_id", FINDINGS["finding_id"])
def test_every_finding_reads_as_its_count_of_its_denominator(f, finding_id):
    row = FINDINGS.set_index("finding_id").loc[finding_id]
    assert f.n(finding_id) == fmt.words(int(row["count"]))
    if pd.isna(row["denominator"]):
        assert f.of(finding_id) == f"{row['count']}, out of a number not published"
        assert f.out_of(finding_id) == "not published"
    else:
        assert f.of(finding_id) == f"{row['count']} of {row['denominator']}"
        assert f.out_of(finding_id) == fmt.words(int(row["denominator"]))


def test_total_is_the_root_groups_participants_and_groups_read_in_words(f):
    assert f.total == int(GROUPS.loc[GROUPS["parent_group_id"].isna(), "participants"].sum())
    for group_id, row in GROUPS.iterrows():
        assert f.group(group_id) == fmt.words(int(row["participants"]))


def test_the_bases_add_up_to_every_finding(f):
    words = {basis: f.basis(basis) for basis in FINDINGS["denominator_basis"].unique()}
    counts = FINDINGS["denominator_basis"].value_counts()
    assert words == {basis: fmt.words(int(n)) for basis, n in counts.items()}
    assert f.findings == fmt.words(len(FINDINGS))


def test_a_theme_summary_is_shown_as_the_text_it_is(f):
    planted = "<b>bold</b> *not emphasis* [@interviews-article] $x$"
    themes = f.ev.tables["interview_themes"].copy()
    themes.loc[0, "summary"] = planted
    hostile = InterviewFacts(dataclasses.replace(f.ev, tables={**f.ev.tables, "interview_themes": themes}))
    page = BeautifulSoup(render_markdown(hostile.summary(themes.loc[0, "theme_id"]).data).html, "html.parser")
    assert page.get_text().strip() == planted
    assert page.find_all(["b", "em", "span", "math"]) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.net/", "//host/", "https://"])
def test_only_web_addresses_become_links(url):
    with pytest.raises(ValueError, match="not a web address"):
        fmt.link(url)


def test_a_web_address_is_linked_and_shown_without_its_scheme():
    page = BeautifulSoup(render_markdown(fmt.link("https://help.example.net/a_b/(x)").data).html, "html.parser")
    (a,) = page.find_all("a")
    assert a["href"] == "https://help.example.net/a_b/%28x%29" and a.get_text() == "help.example.net/a_b/(x)"
