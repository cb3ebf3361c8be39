"""Fixtures and helpers for the browser tests: one Chromium per session, the real site served on localhost.

Every browser context routes all its requests through RequestLog, which lets through only those for
the local server and records (and aborts) any other. PageLog records what a page reports as an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright

from ibsa_report.analysis import figures
from ibsa_report.dev.browser import launch, missing_browser
from ibsa_report.evidence import frames
from ibsa_report.sources import SITE
from quarto_lite.project import read_config
ROOT = Path(__file__).resolve().parent.parent  # the project (conftest imports this module, so not from there)
from ibsa_report.dev.serve import serve, site_pages


if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Route

CHART_TIMEOUT_MS = 15_000
# Every Content-Security-Policy violation of a page, recorded from its first script on (a blocked inline
# script or style, a load from elsewhere): any one fails the browser tests.
CSP_LISTENER = """window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || "?"}:${e.lineNumber} ${e.sample || ""}`.trim()));"""
CSP_VIOLATIONS = "() => window.__cspViolations || []"
CHARTS_DRAWN = """() => [...document.querySelectorAll(".chart-plot")]
  .every(plot => plot.classList.contains("chart-drawn") && plot.querySelector("svg.main-svg"))"""
# Press every chart's "Make interactive" button (from script, so the page does not scroll to each).
PRESS_INTERACTIVE = """() => document.querySelectorAll("figure.chart button.chart-interactive").forEach(b => b.click())"""


@dataclass(frozen=True)
class ServedSite:
    """A built site served on localhost: where its files are, its base URL and its pages."""

    root: Path
    base: str

    @property
    def every_page(self) -> list[str]:
        """Return every .html file in the site (walked, not listed), relative to its root."""
        return site_pages(self.root)

    @property
    def pages(self) -> list[str]:
        """Return the pages the site-wide browser checks visit: every page, but one force page per kind of force.

        The force pages are one template filled from data/ (and each chart of theirs has an embed page):
        tests/test_force_pages.py visits every one of them; the site-wide checks (axe, policy, downloads,
        touch, toolbar) visit one force of each kind (see representative_forces) with its embed pages.
        """
        kept = representative_forces(self.root)
        return [page for page in self.every_page if force_of(page) in (None, *kept)]

    def url(self, page: str) -> str:
        """Return the address of a page of the site."""
        return self.base + page


FORCE_PAGE = re.compile(r"^(?:v/[^/]+/)?forces/(?P<id>[a-z0-9-]+)\.html$|^embed/chart-force-(?P<chart>[a-z0-9-]+)\.html$")


def force_of(page: str) -> str | None:
    """Return the force a force page or a force chart's embed page is about (the chart's id starts with it), else None."""
    match = FORCE_PAGE.match(page)
    if match is None or match["id"] == "index":
        return None
    return match["id"] or match["chart"]


def representative_forces(site: Path) -> tuple[str, ...]:
    """Return one force per kind (its latest FOI answer, and for an included force where it lies against the limits).

    For an embed page the chart id (chart-force-<force-id>-<round-id>) stands for the force: it is kept when it
    starts with a kept force's id followed by "-".
    """
    ev = frames.load(ROOT)
    rnd = figures.latest_round(ev)
    responses = ev["foi_responses"].query("round_id == @rnd.round_id").set_index("force_id")
    counts = figures.force_counts(ev, rnd["round_id"]).set_index("force_id")
    widest = [c for c in counts.columns if c.startswith("adjusted_position_")][-1]
    kinds: dict[tuple[str, ...], str] = {}
    for force_id in ev["forces"]["force_id"]:
        answer = responses.loc[force_id] if force_id in responses.index else None
        kind = ("not asked",) if answer is None else (str(answer["data_provided"]), str(answer["included"]),
                                                       str(counts.loc[force_id, widest]) if force_id in counts.index else "")
        kinds.setdefault(kind, force_id)
    ids = tuple(kinds.values())
    return ids + tuple(f"{i}-{rnd_id}" for i in ids for rnd_id in ev["foi_rounds"]["round_id"])


@dataclass
class RequestLog:
    """Every request of a browser context; those for other hosts are aborted and listed in foreign."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        """Record every request of the context, and route each: local ones go on, others are aborted."""
        context.on("request", lambda request: self.requests.append(request.url))
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        if self.is_local(route.request.url):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def is_local(self, url: str) -> bool:
        """Tell whether a URL is for the local server (or has no host, like data: URLs)."""
        parts = urlsplit(url)
        return not parts.netloc or f"{parts.scheme}://{parts.netloc}" == self.origin

    def other_hosts(self) -> list[str]:
        """Return every requested URL that is not for the local server."""
        return sorted({url for url in self.requests if not self.is_local(url)} | set(self.foreign))


@dataclass
class PageLog:
    """What a page reported as an error: console errors, uncaught exceptions, failed responses, dialogs, CSP violations."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Listen to the page's console, errors, responses, dialogs (dismissing each) and CSP violations."""
        page.add_init_script(CSP_LISTENER)
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} ({r.failure})"))
        page.on("dialog", self._dialog)

    def check_policy(self, page: Page) -> None:
        """Add every Content-Security-Policy violation the page has reported so far to the errors."""
        self.errors += [f"CSP: {violation}" for violation in page.evaluate(CSP_VIOLATIONS)]

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@dataclass
class Tab:
    """A browser tab with its log."""

    page: Page
    log: PageLog


def make_interactive(page: Page) -> bool:
    """Make every chart of the page interactive (its "Make interactive" button); tell whether all were drawn in time.

    The charts are static pictures until a reader reaches for one; a site built without pictures draws them at once.
    """
    page.evaluate(PRESS_INTERACTIVE)
    try:
        page.wait_for_function(CHARTS_DRAWN, timeout=CHART_TIMEOUT_MS)
    except PlaywrightTimeout:
        return False
    return True


def open_tab(context: BrowserContext, url: str, *, width: int = 1280, height: int = 800,
             interactive: bool = True) -> Tab:
    """Open url in a new tab of the context and return the tab; unless told not to, make every chart interactive."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    log = PageLog()
    log.attach(page)
    page.goto(url, wait_until="load")
    if interactive and not make_interactive(page):
        log.errors.append(f"charts not all drawn {CHART_TIMEOUT_MS} ms after they were made interactive")
    log.check_policy(page)
    return Tab(page, log)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start Debian's Chromium once per session; skip without it locally, fail without it in CI."""
    reason = missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served_site(real_project: Path) -> Iterator[ServedSite]:
    """Serve the real site, built once per session, under its site-url path on localhost."""
    yield from serve_project(real_project)


def serve_project(project: Path) -> Iterator[ServedSite]:
    """Serve a built project's _site/ under the path of its site-url, as the published site is."""
    prefix = urlsplit(read_config(project).site_url).path
    with serve(project / SITE, prefix) as base:
        yield ServedSite(project / SITE, base)


@pytest.fixture
def context(browser: Browser, served_site: ServedSite) -> Iterator[tuple[BrowserContext, RequestLog]]:
    """Return a fresh browser context (empty cache) whose requests are logged and kept local."""
    ctx = browser.new_context()
    requests = RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(served_site.base)))
    requests.attach(ctx)
    yield ctx, requests
    ctx.close()
