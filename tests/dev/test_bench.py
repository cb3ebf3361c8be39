"""The benchmark's table and budgets, on made-up measurements (the real run is `ibsa-report bench`)."""

from __future__ import annotations

from ibsa_report.dev.bench import KIB, SiteResult, budget_failures, report_lines


def results(first_chart_page: int, second: int, build: float) -> dict[str, SiteResult]:
    shipped = SiteResult(build, {"index.html": 14 * KIB, "chapters/a.html": first_chart_page},
                         {("index.html", "chapters/a.html"): second}, {"index.html": 0, "chapters/a.html": 3})
    baseline = SiteResult(20.0, {"index.html": 14 * KIB, "chapters/a.html": 1200 * KIB},
                          {("index.html", "chapters/a.html"): 1190 * KIB}, {"index.html": 0, "chapters/a.html": 3})
    return {"shipped": shipped, "baseline": baseline}


def test_a_site_within_every_budget_has_no_failures() -> None:
    assert budget_failures(results(400 * KIB, 10 * KIB, 30.0)) == []


def test_each_missed_budget_is_named() -> None:
    assert budget_failures(results(501 * KIB, 81 * KIB, 61.0)) == [
        "first visit to chapters/a.html: 501.0 KiB is over the 500.0 KiB budget",
        "second page chapters/a.html after index.html: 81.0 KiB is over the 80.0 KiB budget",
        "first visit to chapters/a.html: only 2.4x lighter than the baseline (budget: at least 3x on pages with charts)",
        "build: 61.0 s is over the 60 s budget",
    ]


def test_the_table_shows_both_variants_and_their_ratio() -> None:
    lines = report_lines(results(400 * KIB, 10 * KIB, 30.0))
    assert lines[0].split() == ["shipped", "baseline", "baseline/shipped"]
    assert lines[1].split() == ["build", "(wall", "time)", "30.0", "s", "20.0", "s", "0.7x"]
    assert lines[3].split() == ["first", "visit", "chapters/a.html", "(3", "charts)", "400.0", "KiB", "1,200.0", "KiB", "3.0x"]
    assert lines[4].split() == ["second", "page", "index.html", "->", "chapters/a.html", "10.0", "KiB", "1,190.0", "KiB", "119.0x"]
