"""Who is missing from the FOI analysis, and how the pooled rate moves without the largest forces."""

from __future__ import annotations

import csv

import pytest

from ibsa_report.analysis import figures
from ibsa_report.evidence import frames

from conftest import ROOT


def rows(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def ev() -> frames.Evidence:
    return frames.load(ROOT)


def test_pooled_rate_without_the_largest_forces_is_recomputed_from_the_counts(ev) -> None:
    counts = sorted(((int(r["recorded_offences"]), int(r["charged_summonsed"]), r["force_id"])
                     for r in rows("foi_force_counts")), reverse=True)
    short = {r["force_id"]: r["short_name"] for r in rows("forces")}
    s = figures.sensitivity(ev)
    assert s.pooled == pytest.approx(sum(k for _, k, _ in counts) / sum(n for n, _, _ in counts))
    assert s.largest == [short[counts[0][2]]]
    assert s.without_largest == pytest.approx(sum(k for _, k, _ in counts[1:]) / sum(n for n, _, _ in counts[1:]))
    assert s.three_largest == [short[f] for _, _, f in counts[:3]]
    assert s.without_three_largest == pytest.approx(sum(k for _, k, _ in counts[3:]) / sum(n for n, _, _ in counts[3:]))
    rates = sorted(k / n for n, k, _ in counts)
    middle = len(rates) // 2
    assert s.median_rate == pytest.approx((rates[middle - 1] + rates[middle]) / 2 if len(rates) % 2 == 0 else rates[middle])


def test_the_missing_forces_are_every_force_not_included(ev) -> None:
    missing = figures.not_included(ev)
    expected = {r["force_id"]: r["data_provided"] for r in rows("foi_responses") if r["included"] == "no"}
    assert dict(zip(missing["force_id"], missing["data_provided"])) == expected


def test_a_combined_outcome_share_adds_the_counts(ev) -> None:
    totals = {r["outcome_id"]: int(r["offences"]) for r in rows("foi_outcome_totals")}
    share = figures.outcome_share_of(ev, ["14", "15", "16"])
    assert share == pytest.approx((totals["14"] + totals["15"] + totals["16"]) / sum(totals.values()))
