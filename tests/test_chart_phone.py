"""Every chart on a phone, in Chromium: a swipe over it scrolls the page, nothing is clipped or overlaps, targets are big enough.

The site is built once per session (conftest.real_project) and served on localhost; each page is loaded once per
width (phone_at), every check of that width run on the one load, each test asserting on its own check's findings. Drawing the charts
is one call, draw_charts, so that how a chart becomes interactive can change in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page

from browser_session import PageLog, RequestLog, ServedSite, make_interactive

PHONE = {"width": 375, "height": 740}
WIDTHS = (320, 375, 414)
MIN_TARGET_PX = 24
# Links and controls that stand on their own (not within a sentence), which WCAG 2.2 wants 24 px across.
TARGETS = (".toc a", ".chart-permalink", ".chart-download", ".chart-table summary", ".version-switcher summary",
           ".page-nav a", ".nav a")
RANGES = """id => { const l = document.getElementById(id)._fullLayout;
  return Object.keys(l).filter(k => /^[xy]axis\\d*$/.test(k)).sort().map(k => [k, l[k].range.slice()]); }"""
SCROLL = "() => [window.scrollY, document.documentElement.scrollHeight, window.innerHeight]"
SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# Each drawn label of a chart (axis titles, tick labels, annotations, bar labels) and its box, with the svg's.
LABELS = """id => { const plot = document.getElementById(id), svg = plot.querySelector("svg.main-svg");
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const kinds = { "axis title": ".g-xtitle text, .g-ytitle text", "tick label": ".xtick text, .ytick text",
                  "annotation": ".annotation-text", "bar label": ".bartext" };
  const found = [];
  for (const [kind, selector] of Object.entries(kinds))
    for (const e of plot.querySelectorAll(selector))
      if (e.textContent.trim() && e.getBoundingClientRect().width > 0)
        found.push({ kind, text: e.textContent.trim(), box: box(e) });
  return { svg: box(svg), labels: found }; }"""
TARGET_BOXES = """selectors => selectors.flatMap(s => [...document.querySelectorAll(s)]
  .filter(e => e.getClientRects().length).map(e => {
    const r = e.getBoundingClientRect(); return { selector: s, text: e.textContent.trim().slice(0, 40),
                                                   width: r.width, height: r.height }; }))"""


def draw_charts(page: Page) -> None:
    """Make every chart on the page draw its interactive plot, and wait until each has."""
    assert make_interactive(page), "a chart was not drawn in time"


def chart_pages(served_site: ServedSite) -> list[str]:
    """Return the pages of the site that hold a chart (read from the built files)."""
    return [p for p in served_site.pages if 'class="chart"' in (served_site.root / p).read_text(encoding="utf-8")]


@pytest.fixture
def phone(browser: Browser, served_site: ServedSite) -> Iterator[BrowserContext]:
    """A touch-screen phone context whose requests stay on localhost."""
    ctx = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(served_site.base))).attach(ctx)
    yield ctx
    ctx.close()


def open_page(ctx: BrowserContext, url: str, width: int | None = None) -> tuple[Page, PageLog]:
    """Open url in the context (at width, if given), charts drawn; return the page and its log."""
    page = ctx.new_page()
    if width:
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
    log = PageLog()
    log.attach(page)
    page.goto(url, wait_until="load")
    draw_charts(page)
    return page, log


def swipe_point(page: Page, plot_id: str) -> tuple[float, float, int]:
    """Bring a plot to the middle of the screen; return a point over it and the direction the page can scroll (±1)."""
    page.evaluate("id => document.getElementById(id).scrollIntoView({block: 'center'})", plot_id)
    page.wait_for_timeout(100)
    box = page.locator(f"#{plot_id}").bounding_box()
    assert box is not None, plot_id
    top, bottom = max(box["y"], 0), min(box["y"] + box["height"], PHONE["height"])
    scrolled, height, viewport = page.evaluate(SCROLL)
    down = 1 if scrolled + viewport < height - 150 else -1
    return box["x"] + box["width"] / 2, (top + bottom) / 2, down


def touch_swipe(cdp: CDPSession, page: Page, x: float, y: float, distance: float, steps: int = 10) -> None:
    """Drag a finger from (x, y) up by distance pixels (down if negative), as a phone's touch screen reports it."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - distance * step / steps}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def over(page: Page, x: float, y: float) -> str | None:
    """Return the id of the chart plot under the point (x, y), if any."""
    return page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('.chart-plot')?.id ?? null", [x, y])


def swipes(page: Page, cdp: CDPSession, plot_id: str) -> list[str]:
    """Swipe a finger and turn the mouse wheel over a plot; return what went wrong (the page did not scroll, the axes moved)."""
    problems = []
    ranges = page.evaluate(RANGES, plot_id)
    for how in ("touch", "wheel"):
        x, y, down = swipe_point(page, plot_id)
        if over(page, x, y) != plot_id:
            problems.append(f"the point ({x:.0f}, {y:.0f}) is not over the chart but {over(page, x, y)!r}")
            continue
        if how == "touch":
            moved = scrolled_by(page, lambda: touch_swipe(cdp, page, x, y, 250 * down))
        else:
            page.mouse.move(x, y)
            moved = scrolled_by(page, lambda: page.mouse.wheel(0, 250 * down))
        if moved * down <= 0:
            problems.append(f"a {how} swipe over the chart scrolled the page by {moved} px")
        if page.evaluate(RANGES, plot_id) != ranges:
            problems.append(f"a {how} swipe changed the axes from {ranges} to {page.evaluate(RANGES, plot_id)}")
    return problems


def scrolled_by(page: Page, action: Callable[[], object]) -> float:
    """Run action (a swipe or a wheel turn) and return how far the page scrolled."""
    before = page.evaluate(SCROLL)[0]
    action()
    page.wait_for_timeout(400)
    return page.evaluate(SCROLL)[0] - before


def swipe_check(path: str, page: Page, ctx: BrowserContext) -> tuple[list[str], int]:
    """Swipe and wheel over every chart of the page; return the problems and how many charts were checked."""
    problems, checked = [], 0
    cdp = ctx.new_cdp_session(page)
    for plot_id in page.eval_on_selector_all("figure.chart .chart-plot", "ps => ps.map(p => p.id)"):
        problems += [f"{path}#{plot_id}: {problem}" for problem in swipes(page, cdp, plot_id)]
        checked += 1
    return problems, checked


def label_check(path: str, page: Page) -> tuple[list[str], int]:
    """Check nothing scrolls sideways and no chart label is clipped or overlaps; return the problems and axis titles seen."""
    problems, titles = [], 0
    scroll, client = page.evaluate(SIDEWAYS)
    if scroll > client:
        problems.append(f"{path}: {scroll} px wide in a {client} px viewport")
    for plot_id in page.eval_on_selector_all("figure.chart .chart-plot", "ps => ps.map(p => p.id)"):
        drawn = page.evaluate(LABELS, plot_id)
        labels = drawn["labels"]
        titles += sum(label["kind"] == "axis title" for label in labels)
        for label in labels:
            if not inside(label["box"], drawn["svg"]):
                problems.append(f"{path}#{plot_id}: {label['kind']} {label['text']!r} is clipped: "
                                f"{label['box']} outside the plot's {drawn['svg']}")
        named = [label for label in labels if label["kind"] in ("annotation", "bar label", "axis title")]
        for i, a in enumerate(named):
            for b in named[i + 1:]:
                if overlap(a["box"], b["box"]):
                    problems.append(f"{path}#{plot_id}: {a['kind']} {a['text']!r} overlaps "
                                    f"{b['kind']} {b['text']!r}")
    return problems, titles


def target_check(path: str, page: Page) -> tuple[list[str], int]:
    """Check every stand-alone link and control is at least 24 px each way; return the problems and targets seen."""
    problems, seen = [], 0
    for target in page.evaluate(TARGET_BOXES, list(TARGETS)):
        seen += 1
        if target["height"] < MIN_TARGET_PX - 0.5 or target["width"] < MIN_TARGET_PX - 0.5:
            problems.append(f"{path}: {target['selector']} {target['text']!r} is "
                            f"{target['width']:.0f} × {target['height']:.0f} px")
    return problems, seen


SWIPE = "test_a_vertical_swipe_or_wheel_over_a_chart_scrolls_the_page_and_leaves_it_unchanged"
LABELS_AT = "test_at_phone_widths_no_label_is_clipped_or_overlaps_and_nothing_scrolls_sideways[{}]"
TARGET_SIZE = "test_links_and_controls_that_stand_alone_are_at_least_24_px"


@dataclass
class PhoneFindings:
    """What the checks found on every page at one width, by test name: problems, and how much each one saw."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # charts swiped, axis titles, targets

    def add(self, name: str, found: tuple[list[str], int]) -> None:
        self.problems.setdefault(name, []).extend(found[0])
        self.seen[name] = self.seen.get(name, 0) + found[1]

    def of(self, name: str) -> tuple[list[str], int]:
        """Return the problems of a test's check and what it saw; fail if the sweep never ran it."""
        assert name in self.problems, f"the sweep did not run the check of {name}"
        return self.problems[name], self.seen[name]


def phone_sweep(ctx: BrowserContext, served_site: ServedSite, width: int, wanted: set[str]) -> PhoneFindings:
    """Load every page once at width and run the wanted checks on it: the ones that only read (targets, labels) first,
    the swipes (which scroll the page) last. A check that raises records the error as its problem on that page."""
    found = PhoneFindings()
    labels, charted = LABELS_AT.format(width), set(chart_pages(served_site))
    for name in wanted:
        found.add(name, ([], 0))
    for path in served_site.pages:
        todo = [n for n in (TARGET_SIZE, labels, SWIPE) if n in wanted and (n == TARGET_SIZE or path in charted)]
        if not todo:
            continue
        try:
            page, log = open_page(ctx, served_site.url(path), width)
        except AssertionError as exc:
            for name in todo:
                found.add(name, ([f"{path}: {exc}"], 0))
            continue
        for name in todo:
            try:
                if name == TARGET_SIZE:
                    found.add(name, target_check(path, page))
                elif name == labels:
                    problems, titles = label_check(path, page)
                    found.add(name, (problems + [f"{path}: {error}" for error in log.errors], titles))
                else:
                    problems, checked = swipe_check(path, page, ctx)
                    found.add(name, (problems + [f"{path}: {error}" for error in log.errors], checked))
            except Exception as exc:  # noqa: BLE001  (recorded as the check's failure, shown by its test)
                found.add(name, ([f"{path}: {type(exc).__name__}: {exc}"], 0))
        page.close()
    return found


@pytest.fixture(scope="module")
def phone_at(request: pytest.FixtureRequest, browser: Browser, served_site: ServedSite) -> Callable[[int], PhoneFindings]:
    """Return the findings at a width, sweeping every page once per width (the first time a test asks) with the checks
    of this module's selected tests at that width."""
    names = {item.name for item in request.session.items if item.module is request.module}
    sweeps: dict[int, PhoneFindings] = {}

    def at(width: int) -> PhoneFindings:
        if width not in sweeps:
            wanted = {LABELS_AT.format(width)} | ({SWIPE, TARGET_SIZE} if width == PHONE["width"] else set())
            ctx = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
            RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(served_site.base))).attach(ctx)
            try:
                sweeps[width] = phone_sweep(ctx, served_site, width, wanted & names)
            finally:
                ctx.close()
        return sweeps[width]

    return at


def test_a_vertical_swipe_or_wheel_over_a_chart_scrolls_the_page_and_leaves_it_unchanged(
        phone_at: Callable[[int], PhoneFindings]) -> None:
    problems, checked = phone_at(PHONE["width"]).of(SWIPE)
    assert checked > 0, "no chart found on the site"
    assert not problems, "\n".join(problems)


def test_the_swipe_check_catches_a_chart_that_zooms(served_site: ServedSite, phone: BrowserContext) -> None:
    page, _ = open_page(phone, served_site.url(chart_pages(served_site)[0]))
    plot_id = page.eval_on_selector("figure.chart .chart-plot", "p => p.id")
    page.evaluate("id => Plotly.relayout(id, {dragmode: 'zoom', 'xaxis.fixedrange': false, 'yaxis.fixedrange': false})",
                  plot_id)
    page.evaluate("id => Plotly.react(id, document.getElementById(id).data, document.getElementById(id).layout, "
                  "{scrollZoom: true})", plot_id)
    problems = swipes(page, phone.new_cdp_session(page), plot_id)
    assert any("touch swipe changed the axes" in p for p in problems), problems
    assert any("wheel swipe" in p for p in problems), problems


def overlap(a: list[float], b: list[float], slack: float = 1.0) -> bool:
    """Tell whether two boxes (left, top, right, bottom) overlap by more than slack pixels each way."""
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def inside(box: list[float], outer: list[float], slack: float = 1.0) -> bool:
    """Tell whether box lies within outer (both left, top, right, bottom), to within slack pixels."""
    return (box[0] >= outer[0] - slack and box[1] >= outer[1] - slack and box[2] <= outer[2] + slack
            and box[3] <= outer[3] + slack)


@pytest.mark.parametrize("width", WIDTHS)
def test_at_phone_widths_no_label_is_clipped_or_overlaps_and_nothing_scrolls_sideways(
        phone_at: Callable[[int], PhoneFindings], width: int) -> None:
    problems, titles = phone_at(width).of(LABELS_AT.format(width))
    assert titles > 0, "no axis title found"
    assert not problems, "\n".join(problems)


def test_links_and_controls_that_stand_alone_are_at_least_24_px(phone_at: Callable[[int], PhoneFindings]) -> None:
    problems, seen = phone_at(PHONE["width"]).of(TARGET_SIZE)
    assert seen > 0
    assert not problems, "\n".join(problems)
