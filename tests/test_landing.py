"""The landing page's main points, as built: every number in them, and in the line that says who and when,
is one computed here straight from the CSV files in data/ (so none is typed, and none is stale)."""

from __future__ import annotations

import csv
import re
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ibsa_report.report import fmt
from ibsa_report.sources import SITE
from quarto_lite.project import read_config

from conftest import ROOT

NUMBER = re.compile(r"\d[\d,.]*%?")


def rows(name: str) -> list[dict[str, str]]:
    """Read data/<name>.csv as a list of rows."""
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_round() -> dict[str, str]:
    """Return the FOI round with the latest period end (the one the landing page states)."""
    return max(rows("foi_rounds"), key=lambda r: (r["period_end"], r["round_id"]))


def numbers(text: str) -> set[str]:
    """Return the numbers written in a text, a trailing full stop aside."""
    return {n.rstrip(".,") for n in NUMBER.findall(text)}


@pytest.fixture(scope="module")
def landing(real_project: Path) -> BeautifulSoup:
    return BeautifulSoup((real_project / SITE / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_main_points_numbers_are_those_the_data_give(landing: BeautifulSoup) -> None:
    rnd = latest_round()
    counts = [r for r in rows("foi_force_counts") if r["round_id"] == rnd["round_id"]]
    recorded, charged = sum(int(r["recorded_offences"]) for r in counts), sum(int(r["charged_summonsed"]) for r in counts)
    outcomes = {r["outcome_id"]: int(r["offences"]) for r in rows("foi_outcome_totals") if r["round_id"] == rnd["round_id"]}
    findings = {r["finding_id"]: r for r in rows("interview_findings")}
    expected = [
        [fmt.count(recorded), fmt.count(charged), fmt.percent(Fraction(charged, recorded))],
        [fmt.percent(Fraction(outcomes["16"], sum(outcomes.values())), 0)],
        [fmt.words(int(findings["f-code-response-met"]["count"])), fmt.words(int(findings["f-reported-to-police"]["count"]))],
    ]
    for citation in landing.select(".main-points .citation"):
        citation.decompose()  # a citation's year is not a figure
    points = [" ".join(li.get_text().split()) for li in landing.select(".main-points li")]
    assert len(points) == len(expected), points
    for point, wanted in zip(points, expected):
        assert numbers(point) == {w for w in wanted if w[0].isdigit()}, point
        assert all(w in point for w in wanted), (point, wanted)
    assert (recorded, charged) == (int(rnd["stated_recorded_total"]), int(rnd["stated_charged_total"]))


def test_the_scope_line_gives_forces_period_and_interviews_from_the_data(landing: BeautifulSoup) -> None:
    rnd = latest_round()
    groups = {r["group_id"]: int(r["participants"]) for r in rows("interview_groups")}
    start, end = (f"{month:%B %Y}" for month in map(pd.Timestamp, (rnd["period_start"], rnd["period_end"])))
    scope = " ".join(landing.select_one(".scope").get_text().split())
    assert f"from {rnd['forces_included']} of the {rnd['forces_asked']} forces, {start} to {end}." in scope
    assert (f"with {fmt.words(groups['victims'])} women victims, {fmt.words(groups['stakeholders'])} stakeholders "
            f"and {fmt.words(groups['criminal-justice-staff'])} criminal justice staff.") in scope


def test_the_law_change_note_gives_the_date_from_the_data(landing: BeautifulSoup) -> None:
    replaced = next(r for r in rows("recommendations") if r["rec_id"] == "recklessness-tier")["in_force_date"]
    note = " ".join(landing.select_one(".law-change").get_text().split())
    assert f"replaced from {pd.Timestamp(replaced):%-d %B %Y}." in note
    assert numbers(note) == numbers(f"{pd.Timestamp(replaced):%-d %B %Y}")


def test_the_full_title_is_the_h1_and_the_header_has_the_short_one(landing: BeautifulSoup) -> None:
    title = landing.select_one("main h1").get_text()
    header = landing.select_one("header.site-header")
    assert title not in header.get_text(), "the header repeats the page's title"
    assert header.select_one(".site-title").get_text() == read_config(ROOT).nav_title != ""
    assert landing.select_one(".callout-important") is None, "the old support callout is gone"
