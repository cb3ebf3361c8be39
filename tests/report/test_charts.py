"""The report's charts on the real evidence: plotted data checked against the sources' own totals."""

from __future__ import annotations

import math
import re
from pathlib import Path
from statistics import NormalDist

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ibsa_report.analysis import figures
from ibsa_report.report import charts, fmt, tables
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
    assert list(data[charts.RECORDED]) == sorted(data[charts.RECORDED], reverse=True)  # no league table
    low, high = "95% interval, lower (%)", "95% interval, upper (%)"
    assert ((data[low] <= data[charts.RATE]) & (data[charts.RATE] <= data[high])).all()


def test_funnel_limits_surround_the_pooled_rate_and_narrow(ev, stated) -> None:
    data = charts.funnel_data(ev)
    k, n = int(stated["stated_charged_total"]), int(stated["stated_recorded_total"])
    pooled = (2000 * k + n) // (2 * n) / 10  # 100·k/n rounded half up to one decimal, as shown
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
    total = int(stated["stated_recorded_total"])
    assert data["Offences"].sum() == total
    # Each share is rounded half up to one decimal on its own, so together they miss 100 by at most 0.05 each.
    assert list(data["Share of outcomes (%)"]) == [(2000 * int(k) + total) // (2 * total) / 10 for k in data["Offences"]]
    assert abs(data["Share of outcomes (%)"].sum() - 100) <= 0.05 * len(data)
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


def test_no_chart_lets_plotly_format_a_number(ev, here: Path) -> None:
    # A d3 format such as %{x:.1f} rounds the plotted float again (11.45 became 11.4 next to the table's
    # 11.5): every hover shows text the report rounded once, from its Label column.
    for chart_id, make in ALL.items():
        new_page()
        for trace in make(ev).figure["data"]:
            assert not re.search(r"%\{[^}]*:", trace["hovertemplate"]), f"{chart_id}: {trace['hovertemplate']!r}"


def test_every_force_rate_reads_the_same_in_hover_table_csv_and_alt(ev, here: Path) -> None:
    table = tables.force_rate_table(ev).set_index("Police force")
    rates_chart, funnel_chart = charts.force_rate_chart(ev), charts.funnel(ev)
    rates_csv = pd.read_csv(here / "_downloads" / "chart-force-rates.csv", dtype=str).set_index(charts.FORCE)
    funnel_csv = pd.read_csv(here / "_downloads" / "chart-funnel.csv", dtype=str)
    funnel_csv = funnel_csv[funnel_csv["Series"] == charts.FORCE].set_index(charts.FORCE)
    (rates_trace,) = rates_chart.figure["data"]
    funnel_trace = next(t for t in funnel_chart.figure["data"] if t["name"] == charts.FORCE)
    hover = {force: text for force, text in zip(rates_trace["y"], rates_trace["text"])}
    funnel_hover = {text.split(": ")[0]: text for text in funnel_trace["text"]}
    mentioned = dict((force, rate) for rate, force in re.findall(r"(\d+\.\d%) \(([^)]+)\)", rates_chart.alt))
    assert len(mentioned) == 2  # the lowest and the highest rate
    assert len(table) == len(hover) == len(funnel_hover) == 24
    for force, row in table.iterrows():
        rate = row["Rate"]
        assert hover[force] == f"{rate} (95% interval {row['95% interval']})", force
        assert rates_csv.loc[force, charts.RATE] + "%" == rate, force
        assert funnel_csv.loc[force, charts.RATE] + "%" == rate, force
        assert funnel_hover[force].startswith(f"{force}: {rate} ("), force
        assert mentioned.get(force, rate) == rate, force
    assert table.loc["Bedfordshire", "Rate"] == "11.5%"  # 30/262 = 11.4504…%


def test_the_outcome_alt_text_agrees_with_the_prose_figure(ev, here: Path) -> None:
    c = charts.outcomes(ev)
    top = c.data.sort_values("Offences").iloc[-1]
    share = fmt.percent(figures.outcome_share(ev, str(top["Outcome type"])))
    assert f"{share} of outcomes" in c.alt
    assert top[charts.LABEL].startswith(share)
    assert share == "35.3%"  # 4886/13860 = 35.2525…%


def test_the_funnel_draws_only_the_limits_widened_for_overdispersion(ev) -> None:
    data = charts.funnel_data(ev)
    assert sorted(set(data["Series"]) - {charts.FORCE, "Pooled rate"}) == [
        "95% limit, lower", "95% limit, upper", "99.8% limit, lower", "99.8% limit, upper"]
    p0, tau2 = 534 / 13860, figures.funnel_dispersion(ev).tau2
    upper = data[data["Series"] == "99.8% limit, upper"].set_index(charts.RECORDED)[charts.RATE]
    z = NormalDist().inv_cdf(0.999)
    for n, shown in upper.items():
        expected = 100 * (p0 + z * math.sqrt(p0 * (1 - p0) / n + tau2))
        assert shown == pytest.approx(expected, abs=0.005 + 1e-9)  # kept to two decimals
    # The random effect keeps the funnel open: even at the largest size the limit is z·τ above p0.
    assert upper.iloc[-1] > 100 * (p0 + z * math.sqrt(tau2))
