"""The charts' information design: titles computed from the data, scales set by the data, direct labels, no zoom.

Each title test changes the evidence (an extra outlier force, a recommendation that comes into force, …)
and checks that the title follows, so that no title can be a typed sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from ibsa_report.analysis import figures
from ibsa_report.evidence import frames as evidence
from ibsa_report.evidence.frames import Evidence
from ibsa_report.report import charts, fmt
from ibsa_report.report.chart import new_page

from conftest import ROOT

LOW, HIGH = "95% interval, lower (%)", "95% interval, upper (%)"


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return evidence.load(ROOT)


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run charts inside a scratch project (so CSVs land in tmp), with a fresh page for each test."""
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    new_page()
    return tmp_path


def changed(ev: Evidence, table: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Evidence:
    """Return a copy of the evidence with one table changed."""
    return Evidence(ev.root, ev.tables | {table: change(ev.tables[table].copy())})


def set_counts(ev: Evidence, force_id: str, charged: int, recorded: int | None = None) -> Evidence:
    """Return the evidence with one force's counts in the latest round replaced."""
    rnd = figures.latest_round(ev)["round_id"]

    def change(counts: pd.DataFrame) -> pd.DataFrame:
        row = (counts["force_id"] == force_id) & (counts["round_id"] == rnd)
        assert row.sum() == 1, force_id
        counts.loc[row, "charged_summonsed"] = charged
        if recorded is not None:
            counts.loc[row, "recorded_offences"] = recorded
        return counts

    return changed(ev, "foi_force_counts", change)


ALL = {
    "chart-force-rates": charts.force_rate_chart, "chart-funnel": charts.funnel, "chart-outcomes": charts.outcomes,
    "chart-status": charts.status, "chart-findings-law": charts.law_findings,
    "chart-findings-police": charts.police_findings, "chart-findings-training": charts.training_findings,
}
DIRECTLY_LABELLED = ["chart-force-rates", "chart-funnel", "chart-outcomes", "chart-findings-law",
                     "chart-findings-police", "chart-findings-training"]


# Titles follow the data ------------------------------------------------------------------------------

def test_the_funnel_title_names_the_forces_outside_the_limits_as_the_data_change(ev: Evidence) -> None:
    outside = figures.outside_funnel(ev)
    title = charts.funnel(ev).title
    for name in outside["short_name"]:
        assert name in title
    assert charts.level_label(figures.FUNNEL_LEVELS[-1]) in title
    # Another force far above the rest joins the one(s) outside.
    extra = set_counts(ev, "lancashire", 150)
    new_page()
    more = figures.outside_funnel(extra)
    assert "Lancashire" in set(more["short_name"]) and len(more) == len(outside) + 1
    new_title = charts.funnel(extra).title
    assert new_title != title
    assert figures.names(more["short_name"]) in new_title and fmt.words(len(more)) in new_title
    # The outlier brought back to the pooled rate: no force outside.
    calm = set_counts(ev, "bedfordshire", 10)
    new_page()
    assert figures.outside_funnel(calm).empty
    assert "no force lies outside" in charts.funnel(calm).title


@pytest.mark.parametrize("above, below, expected", [
    ([], [], "no force lies outside the 99.8% limits"),
    (["A"], [], "only A lies outside the 99.8% limits, above them"),
    ([], ["B"], "only B lies outside the 99.8% limits, below them"),
    (["A", "C"], [], "two forces lie outside the 99.8% limits, all above them: A and C"),
    (["A"], ["B", "C"], "three forces lie outside the 99.8% limits: A above them, B and C below"),
])
def test_the_funnel_title_is_good_english_for_none_one_or_several(above: list[str], below: list[str],
                                                                   expected: str) -> None:
    outside = pd.DataFrame({"short_name": above + below,
                            "position": ["above"] * len(above) + ["below"] * len(below)})
    assert charts.funnel_title(outside, 0.998).endswith(expected)


def test_the_rate_title_gives_the_range_and_the_pooled_rate_of_the_data(ev: Evidence) -> None:
    rates = figures.force_counts(ev, figures.latest_round(ev)["round_id"])
    title = charts.force_rate_chart(ev).title
    assert fmt.percent(rates["share"].min()) in title and fmt.percent(rates["share"].max()) in title
    assert fmt.percent(figures.pooled(ev)) in title
    higher = set_counts(ev, "wiltshire", 40)  # 40 of 194: the new highest rate
    new_page()
    changed_title = charts.force_rate_chart(higher).title
    assert fmt.percent(figures.pooled(higher)) in changed_title
    assert "20.6%" in changed_title and changed_title != title  # 40/194 = 20.62…%


def test_the_outcome_title_names_the_largest_group_and_its_share(ev: Evidence) -> None:
    data = charts.outcome_data(ev)
    top = data.sort_values("Offences").iloc[-1]
    title = charts.outcomes(ev).title
    assert top["Outcome"] in title and fmt.percent(top["Offences"] / data["Offences"].sum()) in title
    # Move most offences of the largest group to another one: the title follows.
    rnd = figures.latest_round(ev)["round_id"]
    other = data.sort_values("Offences").iloc[-2]["Outcome type"]

    def swap(totals: pd.DataFrame) -> pd.DataFrame:
        this = totals["round_id"] == rnd
        big = this & (totals["outcome_id"] == top["Outcome type"])
        small = this & (totals["outcome_id"] == other)
        moved = int(totals.loc[big, "offences"].iloc[0]) - 1
        totals.loc[big, "offences"] -= moved
        totals.loc[small, "offences"] += moved
        return totals

    new_page()
    new_title = charts.outcomes(changed(ev, "foi_outcome_totals", swap)).title
    assert figures.outcome_label(ev, other) in new_title and top["Outcome"] not in new_title


def test_an_interview_title_states_the_finding_with_the_largest_share(ev: Evidence) -> None:
    c = charts.police_findings(ev)
    known = c.data[c.data["Out of"].notna()]
    shares = known["Interviewees"] / known["Out of"]
    top = known.loc[shares.idxmax()]
    assert top["Finding"] in c.title and fmt.of(top["Interviewees"], top["Out of"]) in c.title
    # Another finding in the chart becomes the most shared.
    lowest = known.loc[shares.idxmin()]
    finding_id = ev["interview_findings"].set_index("statement").loc[lowest["Finding"], "finding_id"]

    def all_of_them(found: pd.DataFrame) -> pd.DataFrame:
        row = found["finding_id"] == finding_id
        found.loc[row, "count"] = found.loc[row, "denominator"]
        return found

    new_page()
    changed_chart = charts.police_findings(changed(ev, "interview_findings", all_of_them))
    assert lowest["Finding"] in changed_chart.title and top["Finding"] not in changed_chart.title


def test_the_status_title_counts_recommendations_in_force(ev: Evidence) -> None:
    counts = figures.status_counts(ev)
    title = charts.status(ev).title
    assert title.lower().startswith(f"{fmt.words(int(counts['in-force']))} of the {fmt.words(int(counts.sum()))} ")

    def one_more(recs: pd.DataFrame) -> pd.DataFrame:
        recs.loc[recs.index[recs["law_status"] == "partly"][0], "law_status"] = "in-force"
        return recs

    new_page()
    new_title = charts.status(changed(ev, "recommendations", one_more)).title
    assert new_title.lower().startswith(f"{fmt.words(int(counts['in-force']) + 1)} of the ") and " are in force" in new_title


def test_every_chart_has_a_subtitle_saying_what_when_and_for_whom(ev: Evidence) -> None:
    c = figures.charging(ev)
    for chart_id in ("chart-force-rates", "chart-funnel", "chart-outcomes"):
        new_page()
        subtitle = ALL[chart_id](ev).subtitle
        assert fmt.date_words(c.period_start) in subtitle and fmt.date_words(c.period_end) in subtitle, chart_id
        assert f"{fmt.words(c.forces_included)} police forces" in subtitle, chart_id
    for chart_id in ("chart-findings-law", "chart-findings-police", "chart-findings-training"):
        new_page()
        made = ALL[chart_id](ev)
        assert figures.interview_period(ev) in made.subtitle, chart_id
        for group in made.data["Group"].unique():
            size = ev["interview_groups"].set_index("label").loc[group, "participants"]
            assert f"{group}, {size}" in made.subtitle, chart_id


# Scales and labels ------------------------------------------------------------------------------------

def test_the_funnel_limits_span_exactly_the_forces_range_and_the_scale_fits_the_forces(ev: Evidence) -> None:
    c = charts.funnel(ev)
    data = c.data
    forces = data[data["Series"] == charts.FORCE]
    lines = data[data["Series"] != charts.FORCE]
    assert lines[charts.RECORDED].min() == forces[charts.RECORDED].min()
    assert lines[charts.RECORDED].max() == forces[charts.RECORDED].max()
    y_low, y_high = c.figure["layout"]["yaxis"]["range"]
    assert y_low < forces[charts.RATE].min() and forces[charts.RATE].max() < y_high
    assert y_high < 2 * forces[charts.RATE].max()  # clipped to the data, not to the limits' 100%
    assert lines[charts.RATE].max() > y_high  # the widest limits at the smallest force run off the top
    x_low, x_high = c.figure["layout"]["xaxis"]["range"]  # log10 on a log axis
    enough = forces[forces[charts.RECORDED] >= charts.ENOUGH_OFFENCES]
    assert 10 ** x_low < enough[charts.RECORDED].min() and forces[charts.RECORDED].max() < 10 ** x_high
    assert 10 ** x_low > forces[charts.RECORDED].min()  # City of London's 2 offences do not stretch the scale


def test_the_funnel_names_its_outliers_and_its_lines_without_a_legend(ev: Evidence) -> None:
    c = charts.funnel(ev)
    texts = [a["text"] for a in c.figure["layout"]["annotations"]]
    for _, force in figures.outside_funnel(ev).iterrows():
        assert any(force["short_name"] in t and fmt.percent(force["share"]) in t for t in texts), texts
    for level in figures.FUNNEL_LEVELS:
        assert f"{charts.level_label(level)} limits" in texts
    assert any(t.startswith("Pooled rate") for t in texts)
    assert c.how_to_read.count(". ") == 1 and c.how_to_read.endswith(".")  # two sentences


def test_a_force_with_too_few_offences_is_named_at_the_funnel_edge_with_its_true_rate(ev: Evidence) -> None:
    c = charts.funnel(ev)
    left = c.figure["layout"]["xaxis"]["range"][0]
    (mark,) = [a for a in c.figure["layout"]["annotations"] if a["text"].startswith(charts.LEFT_OF_SCALE)]
    assert mark["x"] == left and "City of London, 0.0% of 2 offences" in mark["text"]
    assert "City of London, 0 of 2 offences" in c.note
    new_page()
    tiny = set_counts(ev, "city-of-london", 2)  # 2 of 2: 100%, above the scale as well
    c = charts.funnel(tiny)
    top = c.figure["layout"]["yaxis"]["range"][1]
    assert top < 50
    (mark,) = [a for a in c.figure["layout"]["annotations"] if a["text"].startswith(charts.LEFT_OF_SCALE)]
    assert "100.0%" in mark["text"] and mark["y"] == top and mark["yanchor"] == "top"


def test_the_rate_axis_stops_short_of_the_tiny_forces_interval_and_marks_its_true_value(ev: Evidence) -> None:
    c = charts.force_rate_chart(ev)
    data = c.data
    cap = charts.rate_cap(data)
    low, high = c.figure["layout"]["xaxis"]["range"]
    assert high == cap and -0.05 * cap < low <= 0  # a sliver below zero keeps a 0% dot whole
    enough = data[data[charts.RECORDED] >= charts.ENOUGH_OFFENCES]
    assert (enough[HIGH] <= cap).all() and cap < enough[HIGH].max() + 2
    tiny = data.set_index(charts.FORCE).loc["City of London"]
    assert tiny[charts.RECORDED] == 2 and tiny[HIGH] > cap
    (mark,) = [a for a in c.figure["layout"]["annotations"] if a.get("xref") == "x" and a["y"] == "City of London"]
    assert mark["x"] == cap and mark["xanchor"] == "right"
    assert f"{tiny[HIGH]}%" in mark["text"] and charts.OFF_SCALE in mark["text"]
    assert "City of London" in c.note and f"{tiny[HIGH]}%" in c.note


def test_the_rate_chart_is_ordered_by_offences_with_a_pooled_line(ev: Evidence) -> None:
    c = charts.force_rate_chart(ev)
    recorded = list(c.data[charts.RECORDED])
    assert recorded == sorted(recorded, reverse=True)
    assert list(c.data[charts.RATE]) != sorted(c.data[charts.RATE], reverse=True)  # no league table
    (shape,) = c.figure["layout"]["shapes"]
    pooled = fmt.percent_number(figures.pooled(ev))
    assert shape["x0"] == shape["x1"] == pooled and shape["yref"] == "paper"
    assert any(a["text"].endswith(fmt.percent(figures.pooled(ev))) for a in c.figure["layout"]["annotations"])


@pytest.mark.parametrize("chart_id", DIRECTLY_LABELLED)
def test_directly_labelled_charts_have_no_legend(ev: Evidence, chart_id: str) -> None:
    c = ALL[chart_id](ev)
    layout = c.figure["layout"]
    assert layout["showlegend"] is False
    labelled = [t for t in c.figure["data"] if t.get("texttemplate")] + layout.get("annotations", [])
    assert labelled, f"{chart_id} has neither value labels nor annotations"


def test_value_labels_are_on_the_bars(ev: Evidence) -> None:
    c = charts.outcomes(ev)
    (bars,) = c.figure["data"]
    assert bars["texttemplate"] == "%{text}%" and bars["textposition"] == "outside"
    assert bars["text"] == [str(v) for v in c.data["Share of outcomes (%)"]]
    new_page()
    f = charts.police_findings(ev)
    counted = next(t for t in f.figure["data"] if t["name"] == "Interviewees")
    assert counted["text"] == list(f.data[charts.LABEL]) and "11 of 17" in counted["text"]


@pytest.mark.parametrize("chart_id", ALL)
def test_no_chart_zooms_pans_or_traps_a_swipe(ev: Evidence, chart_id: str) -> None:
    figure = ALL[chart_id](ev).figure
    config, layout = figure["config"], figure["layout"]
    assert config["scrollZoom"] is False and config["doubleClick"] is False and config["displayModeBar"] is False
    assert layout["dragmode"] is False
    axes = [key for key in layout if key.startswith(("xaxis", "yaxis"))]
    assert axes and all(layout[key]["fixedrange"] is True for key in axes)


@pytest.mark.parametrize("chart_id", ALL)
def test_every_axis_with_numbers_names_its_unit(ev: Evidence, chart_id: str) -> None:
    layout = ALL[chart_id](ev).figure["layout"]
    value_axis = layout["xaxis"]
    assert "(" in value_axis["title"]["text"] and value_axis["title"]["text"].endswith(")"), value_axis["title"]


def test_data_text_in_annotations_is_escaped(ev: Evidence) -> None:
    def rename(forces: pd.DataFrame) -> pd.DataFrame:
        forces.loc[forces["force_id"] == "bedfordshire", "short_name"] = "<b>Bed</b> & co"
        return forces

    c = charts.funnel(changed(ev, "forces", rename))
    texts = [a["text"] for a in c.figure["layout"]["annotations"]]
    assert any("&lt;b&gt;Bed&lt;/b&gt; &amp; co" in t for t in texts), texts
    assert not any("<b>Bed" in t for t in texts)


@pytest.mark.parametrize("chart_id", ALL)
def test_no_label_uses_plotly_markup_but_line_breaks(ev: Evidence, chart_id: str) -> None:
    # Plotly draws <b>, <i> and the like with a style attribute, which the Content-Security-Policy refuses.
    layout = ALL[chart_id](ev).figure["layout"]
    for note in layout.get("annotations", []):
        assert "<" not in note["text"].replace("<br>", ""), note["text"]
