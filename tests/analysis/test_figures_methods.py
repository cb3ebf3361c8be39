"""Tests for the figures the methods chapter quotes (figures.py, 'Methods and data')."""

from __future__ import annotations

import inspect

import pytest

from ibsa_report.report import charts
from ibsa_report.evidence import frames as evidence
from ibsa_report.analysis import figures
from ibsa_report.analysis import stats

from conftest import ROOT


@pytest.fixture(scope="module")
def ev() -> evidence.Evidence:
    """Return the committed evidence."""
    return evidence.load(ROOT)


def test_funnel_levels_are_those_the_funnel_plot_draws() -> None:
    assert tuple(inspect.signature(charts.funnel).parameters["levels"].default) == figures.FUNNEL_LEVELS
    assert figures.FUNNEL_LEVELS == (0.95, 0.998)


def test_limited_data_puts_the_included_force_first_with_its_share(ev: evidence.Evidence) -> None:
    limited = figures.limited_data(ev)
    assert list(limited["force_id"]) == ["metropolitan-police", "derbyshire", "essex", "norfolk", "suffolk",
                                         "west-yorkshire"]
    assert list(limited["included"]) == [True, False, False, False, False, False]
    met = limited.iloc[0]
    assert (met["recorded_offences"], met["charged_summonsed"]) == (3356, 87)
    assert met["share_of_recorded"] == pytest.approx(3356 / 13860)
    assert limited["recorded_offences"].iloc[1:].isna().all()


def test_outcome_totals_share_of_each_type(ev: evidence.Evidence) -> None:
    outcomes = figures.outcome_totals(ev)
    assert list(outcomes.index) == ["1", "14", "15", "16", "other"]
    assert outcomes["offences"].sum() == 13860
    assert outcomes.loc["other", "share"] == pytest.approx(4520 / 13860)
    assert outcomes.loc["other", "label"] == "Other types of outcomes"
    assert outcomes["share"].sum() == pytest.approx(1.0)
    assert dict(outcomes["share"]) == pytest.approx(stats.outcome_shares(dict(outcomes["offences"])))


def test_denominator_bases_in_fixed_order(ev: evidence.Evidence) -> None:
    bases = figures.basis_counts(ev)
    assert list(bases.index) == ["stated", "group-size", "inferred", "not-stated"]
    assert int(bases.sum()) == len(ev["interview_findings"])
    assert [int(n) for n in bases] == [3, 5, 4, 1]
