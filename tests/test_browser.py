"""The built site in Chromium, served on localhost: every page found by walking _site/, checked as readers use it.

Every page is loaded once per viewport (1280 and 375 px) by a module-scoped sweep that runs, on that one load, the
checks of every test selected in this module (test_quarto.py imports some of the tests and so runs only theirs).
Each check lists every problem it finds on every page into its own entry of Findings; each test then asserts on
its entry, so one run shows every problem and a failure still names its check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, expect

from ibsa_report.build import build_site
from ibsa_report.sources import copy_sources

from browser_session import RequestLog, ServedSite, Tab, open_tab, serve_project
from chart_checks import assert_plot_matches_csv
from conftest import ROOT

Local = tuple[BrowserContext, RequestLog]  # the context fixture: a fresh context and its request log
SERIOUS = {"serious", "critical"}
NARROW = 375
SCRIPT = "<script>alert(1)</script>"
FIGURE_DATA = "id => document.getElementById(id).data"
FETCH = """async url => { const r = await fetch(url); return { status: r.status, text: await r.text() }; }"""
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
FOCUSED = """() => { const el = document.activeElement;
  return { tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, href: el.getAttribute('href'),
           inMain: !!el.closest('main'), inHeaderNav: !!el.closest('header nav') }; }"""
HEADER_NAV_LINKS = "() => [...document.querySelectorAll('header nav a[href]')].map(a => a.getAttribute('href'))"


def visits(served_site: ServedSite, context: BrowserContext, **size: int) -> Iterator[tuple[str, Tab]]:
    """Open every page of the site in turn (charts drawn); yield its path and tab, closing each after."""
    for page in served_site.pages:
        tab = open_tab(context, served_site.url(page), **size)
        try:
            yield page, tab
        finally:
            tab.page.close()


def charts(tab: Tab) -> list[tuple[str, Locator]]:
    """Return every chart figure on the tab's page, with its id."""
    figures = tab.page.locator("figure.chart")
    return [(figures.nth(i).get_attribute("id"), figures.nth(i)) for i in range(figures.count())]


@dataclass
class Findings:
    """What the checks found on every page of one sweep, by check: its problems, and what it saw work."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    drawn: int = 0  # charts drawn, over every page
    checked: list[int] = field(default_factory=list)  # plotted points matched against a download, per chart
    landed: list[str] = field(default_factory=list)  # charts a permalink landed on
    requests: RequestLog | None = None  # every request of the sweep's context

    def add(self, check: str, problems: list[str]) -> None:
        """Record problems under a check (an empty list records that the check ran)."""
        self.problems.setdefault(check, []).extend(problems)

    def of(self, check: str) -> list[str]:
        """Return the problems of a check; fail if the sweep never ran it."""
        assert check in self.problems, f"the sweep did not run the check {check!r}"
        return self.problems[check]


PageCheck = Callable[[ServedSite, str, Tab, Findings], list[str]]  # (site, page, tab, findings) -> problems
ChartCheck = Callable[[str, Tab, str, Locator], list[str]]  # (page, tab, chart id, figure) -> problems


def every_chart(page: str, tab: Tab, check: ChartCheck) -> list[str]:
    """Run check(page, tab, chart id, figure) on every chart of the page; return all the problems found."""
    return [f"{page}#{chart_id}: {problem}" for chart_id, figure in charts(tab)
            for problem in check(page, tab, chart_id, figure)]


def loads(site: ServedSite, page: str, tab: Tab, found: Findings) -> list[str]:
    """The page loaded without errors and drew every chart."""
    problems = [f"{page}: {error}" for error in tab.log.errors]
    figures = tab.page.locator("figure.chart").count()
    plots = tab.page.locator("figure.chart .chart-plot.chart-drawn:has(svg.main-svg)").count()
    if plots != figures:
        problems.append(f"{page}: {plots} of {figures} charts drawn")
    found.drawn += plots
    return problems


def downloads(site: ServedSite, page: str, tab: Tab, found: Findings) -> list[str]:
    """Every chart's Download CSV link answers the chart's plotted data."""
    def download(page: str, tab: Tab, chart_id: str, figure: Locator) -> list[str]:
        link = figure.locator("a.chart-download")
        if link.count() != 1 or link.inner_text().strip() != "Download CSV":
            return [f"{link.count()} 'Download CSV' links"]
        response = tab.page.evaluate(FETCH, link.evaluate("a => a.href"))
        if response["status"] != 200:
            return [f"the CSV answered HTTP {response['status']}"]
        try:
            found.checked.append(assert_plot_matches_csv({"data": tab.page.evaluate(FIGURE_DATA, f"{chart_id}-plot")},
                                                         response["text"]))
        except AssertionError as exc:
            return [str(exc)]
        return []

    return every_chart(page, tab, download)


def permalinks(site: ServedSite, page: str, tab: Tab, found: Findings) -> list[str]:
    """Every chart's permalink, followed in a new tab, lands on the chart."""
    def permalink(page: str, tab: Tab, chart_id: str, figure: Locator) -> list[str]:
        links = figure.locator("a.chart-permalink")
        # Resolved against the page (Quarto's script rewrites "#x" into the page's full address).
        href = links.first.evaluate("a => a.href") if links.count() == 1 else None
        # A folder's address and its index.html are the same page (Quarto links the landing page as "/").
        expected = {site.url(page) + f"#{chart_id}", site.url(page.removesuffix("index.html")) + f"#{chart_id}"}
        if href not in expected:
            return [f"{links.count()} permalinks, the first to {href!r}"]
        arrival = open_tab(tab.page.context, href)
        try:
            target = arrival.page.evaluate("() => document.querySelector(':target')?.id")
            if target != chart_id:
                return [f"the :target after following {href} is {target!r}"]
            expect(arrival.page.locator(f"figure#{chart_id}")).to_be_in_viewport(timeout=2_000)
        except AssertionError:
            return [f"the chart is not in the viewport after following {href}"]
        finally:
            arrival.page.close()
        found.landed.append(chart_id)
        return []

    return every_chart(page, tab, permalink)


def axe(site: ServedSite, page: str, tab: Tab, found: Findings) -> list[str]:
    """axe-core finds no serious or critical violation on the page as loaded."""
    problems = []
    for violation in Axe().run(tab.page).response["violations"]:
        if violation["impact"] in SERIOUS:
            where = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            problems.append(f"{page}: {violation['id']} ({violation['impact']}): {violation['help']} at {where}")
    return problems


def keyboard(site: ServedSite, page: str, tab: Tab, found: Findings) -> list[str]:
    """The first Tab focuses the skip link, Enter on it moves focus to main, and Tab reaches every header link."""
    if "embed" in page.split("/")[:-1]:  # embed/ of the live site or of an archived copy
        return []  # an embed page (site/embed.py) is one chart inside another site's page: no navigation
    keys, problems = tab.page.keyboard, []
    keys.press("Tab")
    first = tab.page.evaluate(FOCUSED)
    if "skip-link" not in first["cls"].split() or not first["href"].startswith("#"):
        return [f"{page}: the first Tab focuses {first}, not the skip link"]
    if not tab.page.locator("a.skip-link").is_visible() or tab.page.locator("a.skip-link").bounding_box()["x"] < 0:
        problems.append(f"{page}: the focused skip link is not on screen")
    keys.press("Enter")
    if tab.page.evaluate(FOCUSED)["id"] != first["href"][1:]:
        problems.append(f"{page}: Enter on the skip link leaves focus on {tab.page.evaluate(FOCUSED)}")
    keys.press("Tab")
    if not tab.page.evaluate(FOCUSED)["inMain"]:
        problems.append(f"{page}: the Tab after the skip link focuses {tab.page.evaluate(FOCUSED)}, outside main")
    return problems + [f"{page}: {p}" for p in nav_by_tab(site.url(page), tab.page.context)]


def local_only(site: ServedSite, page: str, tab: Tab, found: Findings) -> list[str]:
    """Open every <details> and search: the requests are checked on the sweep's log (test_no_request_goes_to_another_host)."""
    tab.page.evaluate(OPEN_DETAILS)
    search = tab.page.locator("#search-box")
    if search.count():
        search.fill("charging")
        expect(tab.page.locator("#search-results li").first).to_be_visible()
    return []


def sideways(site: ServedSite, page: str, tab: Tab, found: Findings) -> list[str]:
    """Nothing scrolls sideways at 375 px, as loaded and with every <details> open."""
    problems = []
    for state in ("as loaded", "with every <details> open"):
        if state != "as loaded":
            tab.page.evaluate(OPEN_DETAILS)
        scroll, client = tab.page.evaluate(SIDEWAYS)
        if client != NARROW or scroll > client:
            problems.append(f"{page} {state}: {scroll} px wide in a {client} px viewport")
    return problems


# The checks of each sweep, in the order they run on a page: those that only read first, then those that move
# focus or open things (the keyboard check, then the one that opens every <details> and types a search).
# Each check's name is the test that asserts on it.
WIDE_CHECKS: dict[str, PageCheck] = {
    "test_every_page_loads_without_errors_and_draws_every_chart": loads,
    "test_every_download_link_returns_the_data_of_its_chart": downloads,
    "test_every_permalink_lands_on_its_chart": permalinks,
    "test_axe_finds_no_serious_or_critical_violation[1280]": axe,
    "test_skip_link_and_navigation_work_from_the_keyboard": keyboard,
    "test_no_request_goes_to_another_host": local_only,
}
NARROW_CHECKS: dict[str, PageCheck] = {
    f"test_axe_finds_no_serious_or_critical_violation[{NARROW}]": axe,
    "test_nothing_scrolls_sideways_at_375_px": sideways,
}


def sweep(browser: Browser, site: ServedSite, checks: dict[str, PageCheck], width: int) -> Findings:
    """Load every page once at width in one fresh context; run every check on it, recording each one's problems.

    A check that raises records the error as its problem on that page, so the other checks still run.
    """
    ctx = browser.new_context()
    found = Findings(requests=RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(site.base))))
    found.requests.attach(ctx)
    try:
        for name in checks:
            found.add(name, [])
        for page, tab in visits(site, ctx, width=width):
            for name, check in checks.items():
                try:
                    found.add(name, check(site, page, tab, found))
                except Exception as exc:  # noqa: BLE001  (recorded as the check's failure, shown by its test)
                    found.add(name, [f"{page}: {type(exc).__name__}: {exc}"])
    finally:
        ctx.close()
    return found


def selected(request: pytest.FixtureRequest, checks: dict[str, PageCheck]) -> dict[str, PageCheck]:
    """Return the checks whose tests are selected in the requesting module."""
    names = {item.name for item in request.session.items if item.module is request.module}
    return {name: check for name, check in checks.items() if name in names}


@pytest.fixture(scope="module")
def wide(request: pytest.FixtureRequest, browser: Browser, served_site: ServedSite) -> Findings:
    """Every page visited once at 1280 px, with the checks of this module's selected tests run on it."""
    return sweep(browser, served_site, selected(request, WIDE_CHECKS), 1280)


@pytest.fixture(scope="module")
def narrow(request: pytest.FixtureRequest, browser: Browser, served_site: ServedSite) -> Findings:
    """Every page visited once at 375 px, with the checks of this module's selected tests run on it."""
    return sweep(browser, served_site, selected(request, NARROW_CHECKS), NARROW)


def test_pages_are_found_by_walking_the_site(served_site: ServedSite) -> None:
    pages = served_site.pages
    assert {"index.html", "404.html"} <= set(pages)
    assert any(page.startswith("chapters/") for page in pages), pages


def test_every_page_loads_without_errors_and_draws_every_chart(wide: Findings) -> None:
    problems = wide.of("test_every_page_loads_without_errors_and_draws_every_chart")
    assert not problems, "\n".join(problems)
    assert wide.drawn > 0, "no chart was drawn on any page"


def test_every_download_link_returns_the_data_of_its_chart(wide: Findings) -> None:
    problems = wide.of("test_every_download_link_returns_the_data_of_its_chart")
    assert not problems, "\n".join(problems)
    assert sum(wide.checked) > 0, "no plotted point was checked against a download"


def test_every_permalink_lands_on_its_chart(wide: Findings) -> None:
    problems = wide.of("test_every_permalink_lands_on_its_chart")
    assert not problems, "\n".join(problems)
    assert wide.landed, "no permalink was followed"


def test_no_request_goes_to_another_host(wide: Findings) -> None:
    problems = wide.of("test_no_request_goes_to_another_host")
    assert not problems, "\n".join(problems)
    requests = wide.requests
    assert requests.other_hosts() == []
    assert any(url.endswith("search.json") for url in requests.requests), "the search index was never fetched"
    assert any(url.endswith(".min.js") for url in requests.requests), "plotly.js was never fetched"


def test_the_request_log_catches_and_stops_other_hosts(context: Local) -> None:
    ctx, requests = context
    page = ctx.new_page()
    page.set_content('<img src="http://example.invalid/pixel.png" alt="">')
    page.wait_for_timeout(200)
    assert requests.other_hosts() == ["http://example.invalid/pixel.png"]
    assert requests.foreign == ["http://example.invalid/pixel.png"]


def test_every_visit_reports_a_content_security_policy_violation(served_site: ServedSite, context: Local) -> None:
    ctx, _ = context
    probe = served_site.url("csp-probe.html")  # answered here, on the site's own origin
    html = ("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self'\">"
            "</head><body><script>window.ran = true</script></body></html>")
    ctx.route(probe, lambda route: route.fulfill(body=html, content_type="text/html"))
    tab = open_tab(ctx, probe)
    assert tab.page.evaluate("() => window.ran") is None
    assert [e for e in tab.log.errors if e.startswith("CSP: script-src-elem blocked inline")], tab.log.errors


@pytest.mark.parametrize("width", [1280, NARROW])
def test_axe_finds_no_serious_or_critical_violation(request: pytest.FixtureRequest, width: int) -> None:
    found: Findings = request.getfixturevalue("wide" if width == 1280 else "narrow")  # only the sweep of this width
    problems = found.of(f"test_axe_finds_no_serious_or_critical_violation[{width}]")
    assert not problems, "\n".join(problems)


def test_nothing_scrolls_sideways_at_375_px(narrow: Findings) -> None:
    problems = narrow.of("test_nothing_scrolls_sideways_at_375_px")
    assert not problems, "\n".join(problems)


def test_skip_link_and_navigation_work_from_the_keyboard(wide: Findings) -> None:
    problems = wide.of("test_skip_link_and_navigation_work_from_the_keyboard")
    assert not problems, "\n".join(problems)


def nav_by_tab(url: str, ctx: BrowserContext) -> list[str]:
    """Tab from a fresh load through the header: every header nav link must be reached, in order."""
    tab = open_tab(ctx, url)
    try:
        wanted = tab.page.evaluate(HEADER_NAV_LINKS)
        reached = []
        for _ in range(len(wanted) + 10):
            tab.page.keyboard.press("Tab")
            focused = tab.page.evaluate(FOCUSED)
            if focused["inMain"]:
                break
            if focused["inHeaderNav"]:
                reached.append(focused["href"])
        return [] if wanted and reached == wanted else [f"Tab reaches nav links {reached}, expected {wanted}"]
    finally:
        tab.page.close()


@pytest.fixture(scope="module")
def planted_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """Build and serve a copy of the project whose Bedfordshire short name is a script tag."""
    project = copy_sources(ROOT, tmp_path_factory.mktemp("planted") / "project")
    forces = project / "data" / "forces.csv"
    text = forces.read_text(encoding="utf-8")
    planted = text.replace("bedfordshire,Bedfordshire Police,Bedfordshire\n",
                           f"bedfordshire,Bedfordshire Police,{SCRIPT}\n")
    assert planted != text, "the Bedfordshire row of data/forces.csv has changed; update the test"
    forces.write_text(planted, encoding="utf-8")
    build_site(project, "builtin")
    yield from serve_project(project)


def test_a_script_tag_in_the_data_shows_as_text_and_opens_no_dialog(browser: Browser, planted_site: ServedSite) -> None:
    ctx = browser.new_context()
    dialogs, shown = [], []
    try:
        for page, tab in visits(planted_site, ctx):
            tab.page.evaluate(OPEN_DETAILS)
            dialogs += [f"{page}: {d}" for d in tab.log.dialogs]
            cells = tab.page.locator("figure.chart table td", has_text=SCRIPT)
            shown += [f"{page}: data table" for i in range(cells.count()) if cells.nth(i).is_visible()]
            labels = tab.page.locator("figure.chart svg text", has_text=SCRIPT)
            shown += [f"{page}: chart label" for i in range(labels.count()) if labels.nth(i).is_visible()]
    finally:
        ctx.close()
    assert not dialogs, "\n".join(dialogs)
    assert any(s.endswith("data table") for s in shown), "the planted text is in no visible chart data table"
    assert any(s.endswith("chart label") for s in shown), "the planted text is on no chart's axis"


def test_an_archived_page_names_the_latest_version_and_links_to_it(served_site: ServedSite, context: Local) -> None:
    ctx, _ = context
    archived = [p for p in served_site.pages if p.startswith("v/") and p.endswith("chapters/charging.html")]
    assert archived, "the session's site has no archived copy"
    tab = open_tab(ctx, served_site.url(archived[0]))
    version = archived[0].split("/")[1]
    banner = tab.page.locator(".archive-banner")
    expect(banner).to_contain_text(f"You are reading version {version}; the latest is {version}")
    href = banner.locator("a").get_attribute("href")
    tab.page.locator(".archive-banner a").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.url == served_site.url("chapters/charging.html"), href
    assert tab.page.locator(".archive-banner").count() == 0
