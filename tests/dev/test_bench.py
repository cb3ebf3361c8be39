"""The benchmark's table and budgets, on made-up measurements (the real run is `ibsa-report bench`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ibsa_report.dev.bench import KIB, SiteResult, budget_failures, report_lines, time_to_interactive
from ibsa_report.dev.serve import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def results(first_chart_page: int, second: int, build: float, interactive: float = 200.0) -> dict[str, SiteResult]:
    shipped = SiteResult(build, {"index.html": 14 * KIB, "chapters/a.html": first_chart_page},
                         {("index.html", "chapters/a.html"): second}, {"index.html": 0, "chapters/a.html": 3},
                         {"chapters/a.html": interactive})
    baseline = SiteResult(20.0, {"index.html": 14 * KIB, "chapters/a.html": 1200 * KIB},
                          {("index.html", "chapters/a.html"): 1190 * KIB}, {"index.html": 0, "chapters/a.html": 3})
    return {"shipped": shipped, "baseline": baseline}


def test_a_site_within_every_budget_has_no_failures() -> None:
    assert budget_failures(results(40 * KIB, 10 * KIB, 30.0)) == []


def test_each_missed_budget_is_named() -> None:
    assert budget_failures(results(501 * KIB, 31 * KIB, 61.0, 501.0)) == [
        "first visit to chapters/a.html: 501.0 KiB is over the 50.0 KiB budget",
        "second page chapters/a.html after index.html: 31.0 KiB is over the 30.0 KiB budget",
        "first visit to chapters/a.html: only 2.4x lighter than the baseline (budget: at least 3x on pages with charts)",
        "interactive chapters/a.html: 501 ms from the first pointer event to the chart drawn, over the 500 ms budget",
        "build: 61.0 s is over the 60 s budget",
    ]


def test_the_table_shows_both_variants_and_their_ratio() -> None:
    lines = report_lines(results(40 * KIB, 10 * KIB, 30.0))
    assert lines[0].split() == ["shipped", "baseline", "baseline/shipped"]
    assert lines[1].split() == ["build", "(wall", "time)", "30.0", "s", "20.0", "s", "0.7x"]
    assert lines[3].split() == ["first", "visit", "chapters/a.html", "(3", "charts)", "40.0", "KiB", "1,200.0", "KiB", "30.0x"]
    assert lines[4].split() == ["second", "page", "index.html", "->", "chapters/a.html", "10.0", "KiB", "1,190.0", "KiB", "119.0x"]


def test_the_table_shows_the_time_to_interactive_of_each_chart_page() -> None:
    lines = report_lines(results(40 * KIB, 10 * KIB, 30.0, interactive=321.4))
    assert lines[-1].split()[:2] == ["interactive", "chapters/a.html"]
    assert lines[-1].split()[-4:] == ["321", "ms", "-", "-"]


LATE_CHART = """<!doctype html><title>t</title><figure class="chart"><div class="chart-plot">picture</div></figure>
<script src="late.js"></script>"""
# Draws a stand-in plot 300 ms after the pointer reaches the chart, as a lazy loader would.
LATE_SCRIPT = """document.querySelector(".chart-plot").addEventListener("pointerenter", e => setTimeout(() => {
  e.target.innerHTML = '<svg class="main-svg"></svg>'; e.target.classList.add("chart-drawn"); }, 300), { once: true });"""


def test_time_to_interactive_runs_from_the_pointer_to_the_drawn_chart(browser: "Browser", tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(LATE_CHART)
    (tmp_path / "late.js").write_text(LATE_SCRIPT)
    with serve(tmp_path) as base:
        ms = time_to_interactive(browser, base + "index.html")
    assert 300 <= ms < 3000


def test_a_page_only_the_shipped_site_has_is_measured_against_its_budget_alone() -> None:
    measured = results(40 * KIB, 10 * KIB, 30.0)
    measured["shipped"].first["embed/chart-a.html"] = 51 * KIB
    measured["shipped"].charts["embed/chart-a.html"] = 0
    assert budget_failures(measured) == ["first visit to embed/chart-a.html: 51.0 KiB is over the 50.0 KiB budget"]
    (row,) = [line for line in report_lines(measured) if "embed/chart-a.html" in line]
    assert row.split()[-4:] == ["51.0", "KiB", "-", "-"]
