"""The report's charts on the real evidence: plotted data checked against the sources' own totals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ibsa_report.report import charts
from ibsa_report.evidence import frames as evidence
from ibsa_report.report.chart import new_page

from chart_checks import assert_plot_matches_csv, figure_spec
from conftest import ROOT


@pytest.fixture(scope="module")
def ev():
    return evidence.load(ROOT)


@pytest.fixture(scope="module")
def stated(ev) -> pd.Series:
    """The latest FOI round as the source states it (totals typed from the document, not computed)."""
    return ev["foi_rounds"].iloc[-1]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run charts inside a scratch project (so CSVs land in tmp), using the real data."""
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    new_page()
    return tmp_path


ALL = {
    "chart-force-rates": charts.force_rate_chart,
    "chart-funnel": charts.funnel,
    "chart-outcomes": charts.outcomes,
    "chart-status": charts.status,
    "chart-findings-law": charts.law_findings,
    "chart-findings-police": charts.police_findings,
    "chart-findings-training": charts.training_findings,
    "chart-findings-all": lambda ev: charts.findings(ev, "chart-findings-all",
                                                     list(ev["interview_themes"]["theme_id"]), "All findings"),
}


@pytest.mark.parametrize("chart_id", ALL)
def test_every_report_chart_plots_exactly_its_csv(ev, here: Path, chart_id: str) -> None:
    c = ALL[chart_id](ev)
    assert c.chart_id == chart_id
    spec = figure_spec(BeautifulSoup(c.html(), "html.parser").select_one("figure.chart"))
    assert assert_plot_matches_csv(spec, (here / "_downloads" / f"{chart_id}.csv").read_text(encoding="utf-8")) > 0


def test_force_rates_cover_the_included_forces_and_the_stated_totals(ev, stated) -> None:
    data = charts.force_rate_data(ev)
    assert len(data) == stated["forces_included"]
    assert data[charts.CHARGED].sum() == stated["stated_charged_total"]
    assert data[charts.RECORDED].sum() == stated["stated_recorded_total"]
    assert list(data[charts.RATE]) == sorted(data[charts.RATE], reverse=True)
    low, high = data.columns[-2], data.columns[-1]
    assert ((data[low] <= data[charts.RATE]) & (data[charts.RATE] <= data[high])).all()


def test_funnel_limits_surround_the_pooled_rate_and_narrow(ev, stated) -> None:
    data = charts.funnel_data(ev)
    pooled = round(100 * stated["stated_charged_total"] / stated["stated_recorded_total"], 2)
    assert set(data.loc[data["Series"] == "Pooled rate", charts.RATE]) == {pooled}
    assert (data["Series"] == charts.FORCE).sum() == stated["forces_included"]
    line = {name: group.set_index(charts.RECORDED)[charts.RATE] for name, group in data.groupby("Series")}
    for outer, inner in (("99.8% limit", "95% limit"),):
        assert (line[f"{outer}, upper"] >= line[f"{inner}, upper"]).all()
        assert (line[f"{outer}, lower"] <= line[f"{inner}, lower"]).all()
    upper = line["95% limit, upper"]
    assert (upper >= pooled).all() and (line["95% limit, lower"] <= pooled).all()
    assert upper.iloc[-1] < upper.iloc[len(upper) // 2] < upper.iloc[0]
    forces = data[data["Series"] == charts.FORCE][charts.RECORDED]
    assert upper.index.min() <= forces.min() and upper.index.max() >= forces.max()


def test_outcomes_add_up_to_the_recorded_total(ev, stated) -> None:
    data = charts.outcome_data(ev)
    assert data["Offences"].sum() == stated["stated_recorded_total"]
    assert abs(data["Share of outcomes (%)"].sum() - 100) < 0.05
    charged = data.loc[data["Outcome type"] == "1", "Offences"].item()
    assert charged == stated["stated_charged_total"]


def test_status_counts_every_recommendation_once(ev) -> None:
    data = charts.status_data(ev)
    assert data["Recommendations"].sum() == len(ev["recommendations"])
    assert not data.duplicated(["Status", "Area"]).any()


def test_findings_never_exceed_their_denominators(ev) -> None:
    data = charts.findings_data(ev, list(ev["interview_themes"]["theme_id"]))
    assert len(data) == len(ev["interview_findings"])
    assert (data["Interviewees"] <= data["Out of"]).all()


def test_the_status_chart_draws_no_status_that_no_recommendation_has(ev) -> None:
    data = charts.status_data(ev)
    totals = data.groupby("Status", sort=False)["Recommendations"].sum()
    assert (totals > 0).all()
    assert set(totals.index) == {charts.STATUS_WORDS[s] for s in ev["recommendations"]["law_status"].unique()}
