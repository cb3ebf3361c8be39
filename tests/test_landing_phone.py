"""The landing page's first screen on a phone (375 x 700, Chromium): the main points, the period, the law change
and the top of the main chart are in it, the title once, nothing scrolls sideways; the header's Menu works.

The safety band (Get help, Quick exit) sits at the top of every page. Where the built site has none yet, a
48 px block stands in for it (the band may be at most 48 px tall), and the old support line it replaces is
removed, so that the layout is measured as a reader will see it. A screenshot is saved in the test's tmp dir.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page

from browser_session import PageLog, RequestLog, ServedSite
from conftest import ROOT

SCREEN = {"width": 375, "height": 700}
BAND_PX = 48  # the safety band's most
STAND_IN = f"""() => {{
  document.querySelectorAll("p.support").forEach(line => line.remove());
  const band = document.querySelector(".safety-band");
  if (band) return getComputedStyle(band).position === "fixed" ? band.getBoundingClientRect().height : 0;
  const block = document.createElement("div");
  block.className = "band-stand-in"; block.style.height = "{BAND_PX}px";
  document.body.prepend(block);
  return 0;
}}"""
# Where a text first appears in <main> (the box of the text itself, not of its element), or null.
TEXT_BOX = """text => {
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + text.length);
    const r = range.getBoundingClientRect(); return { top: r.top, bottom: r.bottom };
  }
  return null; }"""
# The top of every text node on the page that holds the text (each place it is shown).
SHOWN_AT = """text => {
  const found = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    if (node.textContent.includes(text) && node.parentElement.getClientRects().length) {
      const range = document.createRange(); range.selectNodeContents(node);
      found.push(range.getBoundingClientRect().top); }
  return found; }"""
BOXES = """selector => [...document.querySelectorAll(selector)].map(e => {
  const r = e.getBoundingClientRect(); return { text: e.textContent.trim(), top: r.top, bottom: r.bottom, height: r.height }; })"""
SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def rows(name: str) -> list[dict[str, str]]:
    """Read data/<name>.csv."""
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def period_words() -> tuple[str, str]:
    """The latest FOI round's first and last month, as the page writes them ('January 2019', 'July 2022')."""
    rnd = max(rows("foi_rounds"), key=lambda r: (r["period_end"], r["round_id"]))
    return tuple(f"{pd.Timestamp(rnd[key]):%B %Y}" for key in ("period_start", "period_end"))  # type: ignore[return-value]


def law_change_words() -> str:
    """The date the offence of the period was replaced ('31 January 2024'), from data/recommendations.csv."""
    rec = next(r for r in rows("recommendations") if r["rec_id"] == "recklessness-tier")
    return f"{pd.Timestamp(rec['in_force_date']):%-d %B %Y}"


@pytest.fixture
def first_screen(browser: Browser, served_site: ServedSite, tmp_path: Path) -> Iterator[tuple[Page, float, PageLog]]:
    """The landing page on a touch phone, the band in place; yield it, the first screen's bottom and its log."""
    ctx = browser.new_context(viewport=SCREEN, has_touch=True, is_mobile=True)
    RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(served_site.base))).attach(ctx)
    page = ctx.new_page()
    log = PageLog()
    log.attach(page)
    page.goto(served_site.url("index.html"), wait_until="load")
    bottom = SCREEN["height"] - page.evaluate(STAND_IN)
    shot = tmp_path / "landing-375x700.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    yield page, bottom, log
    ctx.close()


def test_the_first_screen_holds_the_main_points_period_law_change_and_chart(first_screen: tuple[Page, float, PageLog]) -> None:
    page, bottom, log = first_screen
    points = page.evaluate(BOXES, ".main-points li")
    assert 3 <= len(points) <= 4, points
    for point in points:
        assert point["text"].endswith("."), f"not a sentence: {point['text']!r}"
        assert 0 <= point["top"] and point["bottom"] <= bottom, f"below the first screen ({bottom} px): {point}"
    for text in (f"{period_words()[0]} to {period_words()[1]}", law_change_words()):
        box = page.evaluate(TEXT_BOX, text)
        assert box is not None, f"{text!r} is not on the page"
        assert box["bottom"] <= bottom, f"{text!r} ends at {box['bottom']:.0f} px, below the first screen ({bottom} px)"
    chart = page.evaluate(BOXES, "main figure.chart")[0]
    assert chart["top"] < bottom, f"the main chart starts at {chart['top']:.0f} px, below the first screen ({bottom} px)"
    assert not log.errors, log.errors


def test_the_title_is_shown_once_on_the_first_screen(first_screen: tuple[Page, float, PageLog]) -> None:
    page, bottom, _ = first_screen
    title = page.locator("main h1").inner_text()
    shown = [top for top in page.evaluate(SHOWN_AT, title) if top < bottom]
    assert len(shown) == 1, f"the title {title!r} is shown {len(shown)} times in the first screen"
    header = page.evaluate(BOXES, "header.site-header")[0]
    assert header["height"] <= 56, f"the header is {header['height']:.0f} px tall on a phone"


def test_nothing_scrolls_sideways(first_screen: tuple[Page, float, PageLog]) -> None:
    page, _, _ = first_screen
    width, client = page.evaluate(SIDEWAYS)
    assert width <= client, f"the page is {width} px wide in a {client} px window"


def test_the_menu_shows_and_hides_the_chapters_and_search(first_screen: tuple[Page, float, PageLog]) -> None:
    page, _, _ = first_screen
    menu = page.locator("button.menu-toggle")
    links = page.locator("header .nav a")
    assert menu.get_attribute("aria-expanded") == "false" and not links.first.is_visible()
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.locator("#search-box").is_visible()
    for link in links.all():
        box = link.bounding_box()
        assert link.is_visible() and box is not None and box["height"] >= 24 and box["width"] >= 24, link.inner_text()
    width, client = page.evaluate(SIDEWAYS)
    assert width <= client, "the open menu makes the page scroll sideways"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "false" and not links.first.is_visible()
