"""Lighthouse's medians, table and budgets, on reports shaped like Lighthouse's JSON (the real run is `ibsa-report lighthouse`)."""

from __future__ import annotations

from pathlib import Path

from ibsa_report.dev.lighthouse import (PageScores, audited_pages, budget_failures, median_scores, missing_lighthouse,
                                        report_lines, scores_of)


def report(performance: float, accessibility: float | None, tbt: float) -> dict:
    return {"categories": {"performance": {"score": performance}, "accessibility": {"score": accessibility}},
            "audits": {"total-blocking-time": {"numericValue": tbt}}}


def test_scores_are_read_as_percentages_and_a_missing_score_counts_as_zero() -> None:
    assert scores_of(report(0.97, None, 120.5)) == {"performance": 97.0, "accessibility": 0.0, "blocking_ms": 120.5}


def test_the_median_of_three_runs_is_kept_not_the_best() -> None:
    runs = [scores_of(report(p, 1.0, t)) for p, t in ((0.99, 10), (0.90, 300), (0.97, 40))]
    assert median_scores("index.html", runs) == PageScores("index.html", {"performance": 97, "accessibility": 100}, 40)


def test_each_page_under_a_budget_is_named_once_per_category() -> None:
    results = [PageScores("index.html", {"performance": 98, "accessibility": 100}, 0),
               PageScores("chapters/a.html", {"performance": 97, "accessibility": 96}, 250)]
    assert budget_failures(results) == ["chapters/a.html: performance 97 is under the budget of 98",
                                        "chapters/a.html: accessibility 96 is under the budget of 100"]
    assert budget_failures(results[:1]) == []


def test_the_table_is_markdown_with_a_row_per_page() -> None:
    lines = report_lines([PageScores("index.html", {"performance": 99, "accessibility": 100}, 12.4)])
    assert lines[0] == "| page | performance | accessibility | total blocking time |"
    assert lines[2] == "| index.html | 99 | 100 | 12 ms |"


def test_archived_copies_and_embed_pages_are_not_audited(tmp_path: Path) -> None:
    for page in ("index.html", "chapters/a.html", "v/1.0.0/index.html", "embed/chart-a.html"):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("<p>x</p>")
    assert audited_pages(tmp_path) == ["chapters/a.html", "index.html"]


def test_a_project_without_the_npm_install_says_how_to_install(tmp_path: Path) -> None:
    assert "npm ci --prefix tools/lighthouse" in missing_lighthouse(tmp_path)
