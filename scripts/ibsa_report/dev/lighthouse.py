"""Lighthouse on the built site: mobile defaults, the site served with gzip, the median of three runs per page.

Lighthouse is the npm package pinned in tools/lighthouse/ (12.2.3: Lighthouse 13 needs Node 22), installed
with `npm ci --prefix tools/lighthouse`; it drives the same Chromium as the browser tests. Archived copies
(v/) and the embed pages (embed/) are left out: the first are the live pages of an earlier release, the
second are made to sit inside another site's page.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ibsa_report.dev.browser import CHROMIUM, CHROMIUM_ARGS
from ibsa_report.dev.serve import serve, site_pages
from quarto_lite.project import read_config

TOOL_DIR = Path("tools") / "lighthouse"
CATEGORIES = ("performance", "accessibility")
BUDGETS = {"performance": 98, "accessibility": 100}
RUNS = 3
SKIPPED = ("v/", "embed/")
INSTALL_HINT = "install it with `npm ci --prefix tools/lighthouse`"
RUN_TIMEOUT_SECONDS = 240


@dataclass(frozen=True)
class PageScores:
    """The median score (0–100) of each category over the runs of one page, and its Total Blocking Time."""

    page: str
    scores: dict[str, int]
    blocking_ms: float


def lighthouse_bin(project: Path) -> Path:
    """Return the Lighthouse command installed in tools/lighthouse/."""
    return project / TOOL_DIR / "node_modules" / ".bin" / "lighthouse"


def missing_lighthouse(project: Path) -> str | None:
    """Return why Lighthouse cannot run (not installed), or None."""
    if not lighthouse_bin(project).is_file():
        return f"Lighthouse is not installed in {TOOL_DIR}/: {INSTALL_HINT}"
    return None


def audited_pages(site: Path) -> list[str]:
    """Return the live pages of a built site Lighthouse audits: every page but v/ and embed/."""
    return [page for page in site_pages(site) if not page.startswith(SKIPPED)]


def run_once(project: Path, url: str) -> dict[str, float]:
    """Run Lighthouse once on url; return each category's score (0–100) and 'blocking_ms' (Total Blocking Time)."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [str(lighthouse_bin(project)), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS,
                          env={**os.environ, "CHROME_PATH": CHROMIUM})
    if done.returncode != 0:
        tail = " ".join(done.stderr.strip().splitlines()[-2:])
        raise RuntimeError(f"Lighthouse failed on {url} (exit {done.returncode}): {tail}")
    return scores_of(json.loads(done.stdout))


def scores_of(report: dict) -> dict[str, float]:
    """Read the category scores (0–100) and the Total Blocking Time from a Lighthouse JSON report."""
    scores = {name: 100 * (report["categories"][name]["score"] or 0) for name in CATEGORIES}
    return scores | {"blocking_ms": float(report["audits"]["total-blocking-time"]["numericValue"])}


def median_scores(page: str, runs: Iterable[dict[str, float]]) -> PageScores:
    """Return the median of each category, and of the blocking time, over a page's runs."""
    runs = list(runs)
    return PageScores(page, {name: round(statistics.median(r[name] for r in runs)) for name in CATEGORIES},
                      statistics.median(r["blocking_ms"] for r in runs))


def run_lighthouse(project: Path, site: Path, runs: int = RUNS,
                   log: Callable[[str], None] = print) -> list[PageScores]:
    """Serve site with gzip under its site-url's path, as published (404.html links to /<path>/...), and audit
    each live page runs times; return the medians, page by page."""
    results = []
    prefix = urlparse(read_config(project).site_url).path or "/"
    with serve(site, prefix, use_gzip=True, max_age=600) as base:
        for page in audited_pages(site):
            log(f"lighthouse {page} ({runs} runs) ...")
            results.append(median_scores(page, [run_once(project, base + page) for _ in range(runs)]))
    return results


def report_lines(results: list[PageScores]) -> list[str]:
    """Return the table of median scores: one row per page, as the README shows it (Markdown)."""
    header = ["page", *CATEGORIES, "total blocking time"]
    rows = [[r.page, *(str(r.scores[name]) for name in CATEGORIES), f"{r.blocking_ms:.0f} ms"] for r in results]
    return [f"| {' | '.join(header)} |", f"|{'|'.join('---' for _ in header)}|",
            *(f"| {' | '.join(row)} |" for row in rows)]


def budget_failures(results: list[PageScores]) -> list[str]:
    """Return one line for every page and category under its budget (none when all are met)."""
    return [f"{r.page}: {name} {r.scores[name]} is under the budget of {BUDGETS[name]}"
            for r in results for name in CATEGORIES if r.scores[name] < BUDGETS[name]]
