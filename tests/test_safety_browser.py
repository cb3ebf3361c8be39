"""In Chromium: the safety band on every page (one line at 375 px), Quick exit replacing the history entry
(link and Escape), and the content note first when a reader arrives at an interview quote by a link.

Quick exit's neutral site is another host, and no test may request one: these tests serve a copy of the
real site whose band (rewritten by the post-render step's own add_bands) leaves for a local page instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from ibsa_report.dev.serve import serve
from ibsa_report.release.versions import ARCHIVE
from ibsa_report.site.safety_band import add_bands

from browser_session import RequestLog, ServedSite, open_tab

NEUTRAL = "neutral.html"
QUOTE = "q-victim-two-voice"  # a quote the recommendations page links to
INTERVIEWS = "chapters/interviews.html"
BOX = "sel => { const r = document.querySelector(sel).getBoundingClientRect(); return [r.top, r.bottom, r.height, r.width]; }"
IN_VIEW = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.top < window.innerHeight; }"""
SHOWN = "sel => { const el = document.querySelector(sel); return !!el && el.getClientRects().length > 0; }"
VISIBLE_QUOTES = "() => [...document.querySelectorAll('.quote blockquote')].filter(b => b.getClientRects().length > 0).length"


def band_pages(site: ServedSite) -> list[str]:
    """Every page that carries the band: the live pages, 404 and the archived copies (not the embed pages)."""
    return [p for p in site.pages if "embed" not in p.split("/")[:-1]]


@pytest.fixture(scope="module")
def exit_site(served_site: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """Serve a copy of the real site whose Quick exit leaves for a local neutral page."""
    copy = tmp_path_factory.mktemp("quick-exit") / "site"
    shutil.copytree(served_site.root, copy, ignore=lambda d, names: [ARCHIVE] if d == str(served_site.root) else [])
    (copy / NEUTRAL).write_text("<!DOCTYPE html><html lang=en><title>Weather</title><p>Weather</p></html>\n",
                                encoding="utf-8")
    with serve(copy, urlsplit(served_site.base).path) as base:
        pages = [copy / p for p in ServedSite(copy, base).pages if p != NEUTRAL and not p.startswith("embed/")]
        add_bands(copy, pages, base + NEUTRAL)
        yield ServedSite(copy, base)


@pytest.fixture
def exit_context(browser: Browser, exit_site: ServedSite) -> Iterator[BrowserContext]:
    """A fresh context on the copy, every request kept local."""
    ctx = browser.new_context()
    RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(exit_site.base))).attach(ctx)
    yield ctx
    ctx.close()


def a_then_b(ctx: BrowserContext, site: ServedSite) -> Page:
    """Open page A (the summary), then go to page B (the charging chapter) by its navigation link."""
    tab = open_tab(ctx, site.url("index.html"), interactive=False)
    with tab.page.expect_navigation():
        tab.page.click('header a[href="chapters/charging.html"], nav a[href="chapters/charging.html"]')
    assert tab.page.url == site.url("chapters/charging.html")
    assert tab.log.errors == []
    return tab.page


def test_quick_exit_replaces_the_history_entry(exit_site: ServedSite, exit_context: BrowserContext) -> None:
    page = a_then_b(exit_context, exit_site)
    with page.expect_navigation():
        page.click("a.quick-exit")
    assert page.url == exit_site.url(NEUTRAL)
    page.go_back()
    assert page.url == exit_site.url("index.html"), "Back returned to the page Quick exit left"


def test_without_javascript_quick_exit_is_a_plain_link(browser: Browser, exit_site: ServedSite) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(exit_site.base))).attach(ctx)
    try:
        page = ctx.new_page()
        page.goto(exit_site.url("chapters/charging.html"))
        with page.expect_navigation():
            page.click("a.quick-exit")
        assert page.url == exit_site.url(NEUTRAL)
        page.go_back()
        assert page.url == exit_site.url("chapters/charging.html"), "a plain link keeps the page in the history"
    finally:
        ctx.close()


def test_escape_leaves_as_quick_exit_does(exit_site: ServedSite, exit_context: BrowserContext) -> None:
    page = a_then_b(exit_context, exit_site)
    with page.expect_navigation():
        page.keyboard.press("Escape")
    assert page.url == exit_site.url(NEUTRAL)
    page.go_back()
    assert page.url == exit_site.url("index.html")


def test_escape_in_the_search_box_only_clears_it(exit_site: ServedSite, exit_context: BrowserContext) -> None:
    page = a_then_b(exit_context, exit_site)
    page.fill("#search-box", "police")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url == exit_site.url("chapters/charging.html")
    page.locator("#search-box").blur()
    with page.expect_navigation():
        page.keyboard.press("Escape")
    assert page.url == exit_site.url(NEUTRAL)


def test_every_page_has_the_band_on_one_line_at_375_px(served_site: ServedSite, browser: Browser) -> None:
    ctx = browser.new_context()
    RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(served_site.base))).attach(ctx)
    problems, seen = [], 0
    try:
        for rel in band_pages(served_site):
            tab = open_tab(ctx, served_site.url(rel), width=375, height=700, interactive=False)
            page = tab.page
            if not page.evaluate(SHOWN, "nav.safety-band"):
                problems.append(f"{rel}: no safety band shown")
                tab.page.close()
                continue
            seen += 1
            top, bottom, height, _ = page.evaluate(BOX, "nav.safety-band")
            help_box, exit_box = page.evaluate(BOX, "nav.safety-band .safety-help"), page.evaluate(BOX, "nav.safety-band .quick-exit")
            if top != 0 or height > 48:
                problems.append(f"{rel}: band at {top} px, {height} px tall (at most 48, at the top)")
            if abs(help_box[0] - exit_box[0]) > 1 or min(help_box[2], exit_box[2], help_box[3], exit_box[3]) < 24:
                problems.append(f"{rel}: links not on one line or smaller than 24 px: {help_box} {exit_box}")
            problems += [f"{rel}: {e}" for e in tab.log.errors]
            tab.page.close()
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
    assert seen == len(band_pages(served_site)) and any(p.startswith(ARCHIVE + "/") for p in band_pages(served_site))


def assert_held(page: Page) -> None:
    """The quote reached by the link shows its content note, with the button, and no quote's words."""
    target = f"#{QUOTE}"
    assert page.evaluate(SHOWN, f"{target} .quote-note") and page.evaluate(IN_VIEW, f"{target} .quote-note")
    assert page.evaluate(VISIBLE_QUOTES) == 0, "a quote's words show before the content note"
    assert page.evaluate(SHOWN, f"{target} button.quote-reveal") and page.evaluate(IN_VIEW, f"{target} button.quote-reveal")
    assert urlsplit(page.url).fragment == QUOTE, "the permalink changed"


def assert_revealed(page: Page) -> None:
    """After "Show the quotes", the quote is shown, on screen, and the address still names it."""
    page.click(f"#{QUOTE} button.quote-reveal")
    assert page.evaluate(SHOWN, f"#{QUOTE} blockquote") and page.evaluate(IN_VIEW, f"#{QUOTE} blockquote")
    assert page.evaluate(VISIBLE_QUOTES) == page.locator(".quote").count() > 1
    assert urlsplit(page.url).fragment == QUOTE


def test_a_fresh_load_of_a_quote_shows_the_content_note_first(served_site: ServedSite, context) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url(f"{INTERVIEWS}#{QUOTE}"), width=375, height=700, interactive=False)
    assert_held(tab.page)
    assert_revealed(tab.page)
    assert tab.log.errors == []


def test_a_link_from_another_page_shows_the_content_note_first(served_site: ServedSite, context) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url("chapters/recommendations.html"), interactive=False)
    with tab.page.expect_navigation():
        tab.page.click(f'a[href="interviews.html#{QUOTE}"] >> nth=0')
    tab.page.wait_for_function("() => document.documentElement.classList.contains('quotes-held')")
    assert_held(tab.page)
    assert_revealed(tab.page)


def test_a_link_within_the_page_shows_the_content_note_first(served_site: ServedSite, context) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url(INTERVIEWS), interactive=False)
    assert tab.page.evaluate(VISIBLE_QUOTES) == tab.page.locator(".quote").count(), "read from the top: all shown"
    assert not tab.page.evaluate(SHOWN, f"#{QUOTE} .quote-note")
    tab.page.evaluate(f"() => {{ window.location.hash = '{QUOTE}'; }}")
    tab.page.wait_for_function("() => document.documentElement.classList.contains('quotes-held')")
    assert_held(tab.page)
    assert_revealed(tab.page)


def test_without_javascript_the_note_comes_before_the_quote(browser: Browser, served_site: ServedSite) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(served_site.base))).attach(ctx)
    try:
        page = ctx.new_page()
        page.set_viewport_size({"width": 375, "height": 700})
        page.goto(served_site.url(f"{INTERVIEWS}#{QUOTE}"))
        note, words = page.locator(f"#{QUOTE} .quote-note"), page.locator(f"#{QUOTE} blockquote")
        assert note.is_visible() and note.bounding_box()["y"] < words.bounding_box()["y"]
        assert 0 <= note.bounding_box()["y"] < 700, "the note is on screen where the link lands"
        assert not page.locator(".quote-note").nth(0).is_visible() or page.locator(".quote").nth(0).get_attribute("id") == QUOTE
    finally:
        ctx.close()
