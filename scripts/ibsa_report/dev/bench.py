"""Benchmark the site as shipped against plotly's defaults: build time, the bytes a reader downloads, and
how soon a chart is interactive once the reader reaches for it.

Both variants are the same project built from the same .qmd files into scratch copies; the baseline
sets IBSA_CHARTS=plotly-default, so the chart helper inlines plotly.js in every chart, as a bare
plotly figure does offline. Each site is served like a static host (gzip, Cache-Control: max-age=600)
and visited in headless Chromium; the bytes are the Resource Timing transferSize of the page and
everything it loaded (compressed bytes on the wire, 0 for what came from the cache).

The shipped site shows each chart as a static picture and loads plotly.js only when the reader reaches
for a chart; on each chart page the pointer is moved onto the first chart and the time is taken from that
first pointer event to the chart drawn by plotly (its .chart-plot marked chart-drawn).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from ibsa_report.dev.browser import launch
from ibsa_report.report.chart import CHARTS_MODE
from ibsa_report.sources import SITE, copy_sources
from quarto_lite.project import read_config
from ibsa_report.dev.serve import serve, site_pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser

KIB = 1024
FIRST_VISIT_BUDGET = 50 * KIB
SECOND_PAGE_BUDGET = 30 * KIB
INTERACTIVE_BUDGET_MS = 500.0
LIGHTER_THAN_BASELINE = 3.0  # on pages with charts
BUILD_BUDGET_SECONDS = 60.0
MAX_AGE = 600
VARIANTS = {"shipped": "site", "baseline": "plotly-default"}
PAGE_BYTES = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .reduce((sum, entry) => sum + entry.transferSize, 0)"""
CHART_COUNT = "() => document.querySelectorAll('figure.chart').length"
# Note the time of the first pointer event, and of the first chart plotly has drawn after it.
WATCH_INTERACTIVE = """() => {
  window.__bench = {};
  addEventListener("pointerover", () => { window.__bench.pointer ??= performance.now(); }, { capture: true });
  new MutationObserver(() => {
    if (window.__bench.pointer !== undefined && document.querySelector(".chart-plot.chart-drawn svg.main-svg"))
      window.__bench.drawn ??= performance.now();
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
}"""
INTERACTIVE_MS = "() => window.__bench.drawn - window.__bench.pointer"
# Resolve once no resource has finished loading for half a second (after the load event: the favicon and
# anything loaded late still count; Playwright's "networkidle" can pass while a huge page is still parsing).
QUIET = """() => new Promise(resolve => {
  const done = () => { observer.disconnect(); resolve(); };
  let timer = setTimeout(done, 500);
  const observer = new PerformanceObserver(() => { clearTimeout(timer); timer = setTimeout(done, 500); });
  observer.observe({ type: "resource" });
})"""


@dataclass
class SiteResult:
    """One variant's build time, and bytes per first visit (page) and per second page (first, second)."""

    build_seconds: float
    first: dict[str, int] = field(default_factory=dict)
    second: dict[tuple[str, str], int] = field(default_factory=dict)
    charts: dict[str, int] = field(default_factory=dict)
    interactive_ms: dict[str, float] = field(default_factory=dict)


def run_bench(project: Path, engine: str, log: Callable[[str], None] = print) -> dict[str, SiteResult]:
    """Build and measure both variants of the project; return their results by variant name."""
    config = read_config(project)
    prefix = urlparse(config.site_url).path or "/"
    reading_order = [page.output for page in config.pages]
    results: dict[str, SiteResult] = {}
    with tempfile.TemporaryDirectory(prefix="ibsa-bench-") as scratch:
        for name, mode in VARIANTS.items():
            copy = copy_sources(project, Path(scratch) / name)
            log(f"building {name} ({CHARTS_MODE}={mode}) ...")
            result = SiteResult(build_seconds=timed_build(copy, engine, mode))
            log(f"measuring {name} in Chromium ...")
            measure(copy / SITE, prefix, reading_order, result, interactive=name == "shipped")
            results[name] = result
    return results


def timed_build(project: Path, engine: str, mode: str = "site", extra_env: dict[str, str] | None = None) -> float:
    """Run `ibsa-report build` on the project with the chart mode (and extra_env) set; return its wall time in seconds."""
    env = {**os.environ, CHARTS_MODE: mode, **(extra_env or {})}
    command = [sys.executable, "-m", "ibsa_report.cli", "--project", str(project), "build", "--engine", engine]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"the {mode} build failed (exit {done.returncode}):\n{tail}")
    return seconds


def measure(site: Path, prefix: str, reading_order: list[str], result: SiteResult, interactive: bool) -> None:
    """Fill result with the bytes of a first visit to every page and of each next page in reading order,
    and (if interactive) the time each chart page takes to draw its first chart once the pointer reaches it."""
    from playwright.sync_api import sync_playwright

    with serve(site, prefix, use_gzip=True, max_age=MAX_AGE) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for page in site_pages(site):
                result.first[page], result.charts[page] = visit(browser, base, [page])
            for first, second in zip(reading_order, reading_order[1:]):
                result.second[(first, second)], _ = visit(browser, base, [first, second])
            if interactive:
                for page in [p for p, n in result.charts.items() if n]:
                    result.interactive_ms[page] = time_to_interactive(browser, base + page)
        finally:
            browser.close()


def visit(browser: Browser, base: str, pages: list[str]) -> tuple[int, int]:
    """Visit pages in turn in a fresh context (empty cache); return the last one's bytes and chart count."""
    context = browser.new_context()
    try:
        tab = context.new_page()
        for page in pages:
            tab.goto(base + page, wait_until="load")
            tab.evaluate(QUIET)
        return int(tab.evaluate(PAGE_BYTES)), int(tab.evaluate(CHART_COUNT))
    finally:
        context.close()


def time_to_interactive(browser: Browser, url: str) -> float:
    """Load url in a fresh context, move the pointer onto its first chart; return ms until plotly has drawn it."""
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(url, wait_until="load")
        tab.evaluate(QUIET)
        tab.evaluate(WATCH_INTERACTIVE)
        tab.hover("figure.chart .chart-plot")
        tab.wait_for_function("() => window.__bench.drawn !== undefined", timeout=30_000)
        return float(tab.evaluate(INTERACTIVE_MS))
    finally:
        context.close()


def kib(n: float) -> str:
    """Format a byte count in KiB."""
    return f"{n / KIB:,.1f} KiB"


def ratio(shipped: float, baseline: float) -> str:
    """Format how many times lighter the shipped figure is than the baseline."""
    return f"{baseline / shipped:.1f}x" if shipped else "-"


def charts_note(count: int) -> str:
    """Say how many charts a page has, if any."""
    return "" if not count else f" ({count} chart{'s' if count > 1 else ''})"


def report_lines(results: dict[str, SiteResult]) -> list[str]:
    """Return the benchmark's table: build time, first visits, second pages, and baseline/shipped ratios."""
    shipped, baseline = results["shipped"], results["baseline"]
    rows = [("build (wall time)", f"{shipped.build_seconds:.1f} s", f"{baseline.build_seconds:.1f} s",
             ratio(shipped.build_seconds, baseline.build_seconds))]
    rows += [(f"first visit  {page}" + charts_note(shipped.charts[page]), kib(shipped.first[page]),
              *((kib(baseline.first[page]), ratio(shipped.first[page], baseline.first[page]))
                if page in baseline.first else ("-", "-")))  # embed/ pages exist only with pictures
             for page in shipped.first]
    rows += [(f"second page  {first} -> {second}", kib(shipped.second[(first, second)]),
              kib(baseline.second[(first, second)]),
              ratio(shipped.second[(first, second)], baseline.second[(first, second)]))
             for first, second in shipped.second]
    rows += [(f"interactive  {page} (first chart, from the first pointer event)", f"{ms:.0f} ms", "-", "-")
             for page, ms in shipped.interactive_ms.items()]
    return text_table(("", "shipped", "baseline", "baseline/shipped"), rows)


def text_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Return a plain-text table's lines: the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return ["  ".join([cells[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:], widths[1:]))])
            for cells in [header, *rows]]


def budget_failures(results: dict[str, SiteResult]) -> list[str]:
    """Return one line for every budget the shipped site misses (none when all are met)."""
    shipped, baseline = results["shipped"], results["baseline"]
    failures = [f"first visit to {page}: {kib(n)} is over the {kib(FIRST_VISIT_BUDGET)} budget"
                for page, n in shipped.first.items() if n > FIRST_VISIT_BUDGET]
    failures += [f"second page {second} after {first}: {kib(n)} is over the {kib(SECOND_PAGE_BUDGET)} budget"
                 for (first, second), n in shipped.second.items() if n > SECOND_PAGE_BUDGET]
    failures += [f"first visit to {page}: only {baseline.first[page] / n:.1f}x lighter than the baseline "
                 f"(budget: at least {LIGHTER_THAN_BASELINE:g}x on pages with charts)"
                 for page, n in shipped.first.items()
                 if shipped.charts[page] and page in baseline.first and baseline.first[page] < LIGHTER_THAN_BASELINE * n]
    failures += [f"interactive {page}: {ms:.0f} ms from the first pointer event to the chart drawn, over the "
                 f"{INTERACTIVE_BUDGET_MS:g} ms budget" for page, ms in shipped.interactive_ms.items()
                 if ms > INTERACTIVE_BUDGET_MS]
    if shipped.build_seconds > BUILD_BUDGET_SECONDS:
        failures.append(f"build: {shipped.build_seconds:.1f} s is over the {BUILD_BUDGET_SECONDS:g} s budget")
    return failures
