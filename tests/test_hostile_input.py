"""Hostile text in every free-text column of data/, built with the built-in engine and read in Chromium.

Each column that data/datapackage.json lets hold any text gets the payload of tests/hostile_data.py
(script tags, event handlers, javascript: and data: links, Markdown links and images, $…$, @keys,
<!--), marked with the column's own tag, appended to every cell that holds a value. The columns are
dealt into a few builds (several tables in each, each column with its own mark, so they cannot be
confused); every page of each build is visited once and compared with the same page of the session's
real site:

- no script runs (no dialog opens), no Content-Security-Policy violation, no console error or failed
  request, and nothing is requested from another host;
- the page has the same elements as before (no tag, attribute or comment came from the data);
- its text (with alt texts, labels, titles and meta contents) is the old text with payloads inserted
  whole, as text: no word of the page is lost or changed, and a payload that is shown is shown entire.

Columns the schema constrains (another type, a pattern or an enum: ids, dates, addresses, kinds) are
not planted; `test_the_planted_columns_are_every_free_text_column` lists them. A planted value the
validator refuses (a foreign key: foi_outcome_totals.outcome_id) must stop the build with one line and
leave the old site as it was.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from ibsa_report.build import build_site
from ibsa_report.evidence.validate import validate_project
from ibsa_report.sources import SITE, copy_sources

from browser_session import RequestLog, ServedSite, open_tab, serve_project
from conftest import ROOT, tree_hashes
from hostile_data import Column, batches, columns, payload, plant, planted_text, tags
from test_bad_input import command

BUILDS = 3  # the free-text columns are dealt into this many builds
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
# What a page shows: its elements (tag and attribute names), and its text with the attributes that are
# text (alt, aria-label, title, placeholder, meta content), in document order. Left out: plotly's drawing
# (it is checked against the data by the other browser tests), search results, the version bar (the
# session's site has an archived copy, which adds a version to the switcher), and bare <span>s, in which
# citeproc wraps each quotation in a reference ("…" in a title becomes <span>‘…’</span>).
PAGE_VIEW = """() => {
  const skip = n => n.parentElement && n.parentElement.closest(".chart-plot, #search-results, .version-bar, script, style");
  const shape = [], text = [];
  const walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT | NodeFilter.SHOW_COMMENT);
  for (let n = walk.currentNode; n; n = walk.nextNode()) {
    if (n.nodeType === Node.COMMENT_NODE) { if (!skip(n)) shape.push("#comment"); continue; }
    if (n.nodeType === Node.TEXT_NODE) { if (!skip(n)) text.push(n.data); continue; }
    if (n.closest(".chart-plot *, #search-results *, .version-bar *")) continue;
    if (n.tagName === "SPAN" && !n.attributes.length) continue;  // citeproc's wrapper of a quotation
    shape.push(n.tagName.toLowerCase() + "[" + n.getAttributeNames().sort().join(" ") + "]");
    for (const name of ["alt", "aria-label", "title", "placeholder", "content"]) {
      if (n.hasAttribute(name)) text.push(n.getAttribute(name));
    }
  }
  return { shape, text: text.join(" ") };
}"""
QUOTES = str.maketrans({c: "'" for c in "\"‘’“”"})  # smart typography (pandoc, citeproc) changes quotes only
TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass
class PageView:
    """What one page showed: its elements, its text as tokens, and what it reported."""

    shape: list[str]
    tokens: list[str]
    problems: list[str] = field(default_factory=list)


@dataclass
class PlantedSite:
    """A built copy of the project with payloads planted, the columns they went in, and the pages seen."""

    planted: dict[Column, str]
    refused: list[Column]
    pages: dict[str, PageView]
    foreign: list[str]
    seconds: float


def tokens(text: str) -> list[str]:
    """Split text into words and punctuation, case and quotes folded (a reference list title-cases titles)."""
    return TOKEN.findall(text.casefold().translate(QUOTES))


def live_pages(site: ServedSite) -> list[str]:
    """Return the site's live pages (not the archived copies)."""
    return [page for page in site.pages if not page.startswith("v/")]


def view_pages(browser: Browser, site: ServedSite) -> tuple[dict[str, PageView], list[str]]:
    """Visit every live page once in a fresh context; return what each showed and any request to another host."""
    ctx = browser.new_context()
    requests = RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(site.base)))
    requests.attach(ctx)
    views = {}
    try:
        for page in live_pages(site):
            tab = open_tab(ctx, site.url(page))
            tab.page.evaluate(OPEN_DETAILS)  # an injected <details ontoggle> would fire now
            tab.page.wait_for_timeout(100)
            tab.log.check_policy(tab.page)
            seen = tab.page.evaluate(PAGE_VIEW)
            problems = tab.log.errors + [f"dialog {d}" for d in tab.log.dialogs]
            views[page] = PageView(seen["shape"], tokens(seen["text"]), sorted(set(problems)))
            tab.page.close()
    finally:
        ctx.close()
    return views, requests.other_hosts()


def free_columns() -> list[Column]:
    """Return the columns of data/ that can hold free text."""
    return columns(ROOT)[0]


def refused_columns(project: Path, planted: dict[Column, str]) -> list[Column]:
    """Plant the payloads in project/data and return the columns the validator refuses (their payloads removed)."""
    plant(project, planted)
    problems = validate_project(project).problems
    refused = [c for c in planted if any(p.path == f"data/{c.path}" and p.field == c.field for p in problems)]
    if refused:
        shutil.rmtree(project / "data")
        shutil.copytree(ROOT / "data", project / "data")
        plant(project, {c: text for c, text in planted.items() if c not in refused})
        assert validate_project(project).problems == [], "planting the accepted columns alone still fails validation"
    return refused


@pytest.fixture(scope="module")
def baseline(browser: Browser, served_site: ServedSite) -> dict[str, PageView]:
    """Return what each live page of the session's real site shows."""
    views, foreign = view_pages(browser, served_site)
    assert foreign == [] and all(not v.problems for v in views.values()), "the real site itself has problems"
    return views


@pytest.fixture(scope="module", params=range(BUILDS), ids=lambda i: f"build-{i + 1}-of-{BUILDS}")
def planted_site(request: pytest.FixtureRequest, browser: Browser,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlantedSite]:
    """Build a copy of the project with one batch of columns planted, and view its pages."""
    marks = tags(free_columns())
    batch = batches(marks, BUILDS)[request.param]
    planted = {column: planted_text(column, marks[column]) for column in batch}
    project = copy_sources(ROOT, tmp_path_factory.mktemp("hostile") / "project")
    start = time.monotonic()
    refused = refused_columns(project, planted)
    build_site(project, "builtin")
    for served in serve_project(project):
        pages, foreign = view_pages(browser, served)
        yield PlantedSite({c: t for c, t in planted.items() if c not in refused}, refused, pages, foreign,
                          time.monotonic() - start)


def without_payloads(shown: list[str], payloads: dict[str, list[str]]) -> tuple[list[str], set[str]]:
    """Remove every payload shown whole (found by its mark) from a page's tokens; return the rest and the marks seen."""
    rest, seen, i = [], set(), 0
    while i < len(shown):
        mark = shown[i + 1] if shown[i] == "!" and i + 1 < len(shown) else None
        tokens_of = payloads.get(mark) if mark else None
        if tokens_of and shown[i:i + len(tokens_of)] == tokens_of:
            seen.add(mark)
            i += len(tokens_of)
            continue
        rest.append(shown[i])
        i += 1
    return rest, seen


def single_stops(words: list[str]) -> list[str]:
    """Fold runs of full stops to one, and drop a full stop before ";" or "," (citeproc drops a field's own
    final stop before its delimiter, so a note that stops being last shows it)."""
    return [w for i, w in enumerate(words)
            if not (w == "." and ((i and words[i - 1] == ".") or words[i + 1:i + 2] in ([";"], [","])))]


def differences(before: PageView, after: PageView, payloads: dict[str, list[str]]) -> tuple[list[str], set[str]]:
    """Describe how a page differs from before beyond whole payloads shown as text; return that and the marks seen."""
    found = []
    if after.shape != before.shape:
        diff = list(difflib.unified_diff(before.shape, after.shape, lineterm="", n=0))
        found.append("elements differ: " + " ".join(diff[2:8]))
    # citeproc ends a name with '.' unless it ends with one ("David J."): a payload after it adds one
    rest, seen = without_payloads(after.tokens, payloads)
    old, rest = single_stops(before.tokens), single_stops(rest)
    matcher = difflib.SequenceMatcher(None, old, rest, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            found.append(f"text {op}: {' '.join(old[max(0, i1 - 3):i2 + 3])!r} -> "
                         f"{' '.join(rest[max(0, j1 - 3):min(j2, j1 + 12) + 3])!r}")
    return found, seen


def test_the_planted_columns_are_every_free_text_column() -> None:
    free, constrained = columns(ROOT)
    assert len(free) >= 40, [str(c) for c in free]
    by_reason = {reason for _, reason in constrained}
    assert by_reason <= {"pattern", "enum", "type integer", "type number", "type date", "type boolean"}, by_reason
    assert sum(len(b) for b in batches(free, BUILDS)) == len(free)
    assert {str(c) for c, reason in constrained if reason == "pattern"} >= {
        "data/sources.csv:url", "data/support_services.csv:url", "data/forces.csv:force_id"}


def test_hostile_text_in_every_column_shows_as_text_and_runs_nothing(planted_site: PlantedSite,
                                                                      baseline: dict[str, PageView]) -> None:
    site = planted_site
    marks = {column: tokens(text)[1] for column, text in site.planted.items()}
    payloads = {marks[column]: tokens(text) for column, text in site.planted.items()}
    problems = [f"request to another host: {url}" for url in site.foreign]
    assert set(site.pages) == set(baseline), "the planted site has other pages"
    shown: set[str] = set()
    for page, view in site.pages.items():
        found, seen = differences(baseline[page], view, payloads)
        problems += [f"{page}: {p}" for p in view.problems + found]
        shown |= seen
    assert not problems, "\n".join(problems[:40])
    assert {str(c) for c in site.refused} <= REFUSED, "a column's payload was refused that should not be"
    assert {str(c) for c in site.planted if marks[c] in shown} >= ALWAYS_SHOWN & {str(c) for c in site.planted}
    print(f"\n{len(site.planted)} columns planted, shown: {sorted(str(c) for c in site.planted if marks[c] in shown)}; "
          f"not shown on any page: {sorted(str(c) for c in site.planted if marks[c] not in shown)}; "
          f"refused by validation: {[str(c) for c in site.refused]}; build and visits {site.seconds:.0f} s")


# A payload in these columns breaks a rule of the data (a foreign key), so validation refuses it.
REFUSED = {"data/foi_outcome_totals.csv:outcome_id"}
ALWAYS_SHOWN = {"data/foi_rounds.csv:requester", "data/support_services.csv:name", "data/sources.csv:title",
                "data/forces.csv:short_name", "data/recommendations.csv:title"}


def test_the_columns_a_reader_sees_are_among_those_planted() -> None:
    assert ALWAYS_SHOWN <= {str(c) for c in free_columns()}
    assert not REFUSED & ALWAYS_SHOWN


@pytest.mark.parametrize("refused", sorted(REFUSED))
def test_a_payload_the_data_refuses_stops_the_build_in_one_line_and_keeps_the_site(
        real_project: Path, tmp_path: Path, refused: str) -> None:
    (column,) = [c for c in free_columns() if str(c) == refused]
    project = copy_sources(ROOT, tmp_path / "project")
    shutil.copytree(real_project / SITE, project / SITE)
    before = tree_hashes(project / SITE)
    plant(project, {column: payload("P99")}, first_row_only=True)
    done = subprocess.run([*command(), "--project", str(project), "build", "--engine", "builtin"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"Error: {refused.split(':')[0]}:2:{column.field}: "), lines
    assert lines[1] == "1 problem(s) in data/; the site was not built"
    assert tree_hashes(project / SITE) == before
