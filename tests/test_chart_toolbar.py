"""The toolbar under every chart, used from the keyboard alone in Chromium; the embed pages; printing.

Each action is reached with Tab from the chart's own permalink and run with Enter or Space. Download PNG,
Download SVG and Embed need the pictures the picture step draws (downloads/<id>.png, .svg): without
them these tests fail, naming the missing file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, BrowserContext, Page

from browser_session import RequestLog, ServedSite, Tab, open_tab

PAGE = "chapters/charging.html"
MAX_TABS = 40  # Tab presses from a chart's permalink to the last tool of its toolbar, with room to spare
STATUS_TIMEOUT_MS = 5_000
MIN_TARGET = 24  # px: WCAG 2.2 target size (minimum)
ACTIVE = "() => document.activeElement"
REFUSE_CLIPBOARD = """Object.defineProperty(navigator, 'clipboard', { configurable: true,
  value: { writeText: () => Promise.reject(new DOMException('refused', 'NotAllowedError')) } });"""


def new_context(browser: Browser, served_site: ServedSite, **options) -> tuple[BrowserContext, RequestLog]:
    """A fresh context whose requests stay local (as the shared fixture's), with the given options."""
    ctx = browser.new_context(accept_downloads=True, **options)
    log = RequestLog(origin="{0.scheme}://{0.netloc}".format(urlsplit(served_site.base)))
    log.attach(ctx)
    return ctx, log


@pytest.fixture
def clipboard(browser: Browser, served_site: ServedSite) -> Iterator[tuple[BrowserContext, RequestLog]]:
    """A context allowed to write and read the clipboard."""
    ctx, log = new_context(browser, served_site, permissions=["clipboard-read", "clipboard-write"])
    yield ctx, log
    ctx.close()


def first_chart(tab: Tab) -> str:
    return tab.page.locator("figure.chart").first.get_attribute("id")


def tab_to(page: Page, chart_id: str, selector: str) -> None:
    """Start at the chart's permalink and press Tab until the toolbar control `selector` has the focus."""
    page.locator(f"#{chart_id} .chart-permalink").focus()
    target = page.locator(f"#{chart_id} {selector}")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} of #{chart_id} not reached with {MAX_TABS} Tab presses")


def parsed_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def check_clean(tab: Tab, log: RequestLog) -> None:
    tab.log.check_policy(tab.page)
    assert tab.log.errors == [] and log.other_hosts() == []


def test_every_chart_has_the_whole_toolbar(served_site: ServedSite) -> None:
    problems = []
    pages = [p for p in served_site.pages if not p.startswith(("v/", "embed/"))]
    for page in pages:
        doc = BeautifulSoup((served_site.root / page).read_text(encoding="utf-8"), "html.parser")
        for figure in doc.select("figure.chart"):
            chart_id = figure["id"]
            bar = figure.select_one('div.chart-toolbar[role="group"][aria-label]')
            if bar is None or figure.select_one("p.chart-links") is not None:
                problems.append(f"{page}#{chart_id}: no toolbar, or the old links paragraph")
                continue
            hrefs = {a.get_text(): a.get("href") for a in bar.select("a")}
            prefix = hrefs.get("Download CSV", "").rsplit("downloads/", 1)[0]
            expected = {"Data": f"#{chart_id}-data", "Download CSV": f"{prefix}downloads/{chart_id}.csv",
                        "Download PNG": f"{prefix}downloads/{chart_id}.png",
                        "Download SVG": f"{prefix}downloads/{chart_id}.svg",
                        "Sources": f"{prefix}downloads/{chart_id}.metadata.json"}
            if hrefs != expected:
                problems.append(f"{page}#{chart_id}: links {hrefs}")
            if {b.get_text() for b in bar.select("button[type=button][hidden]")} != {"Copy link", "Embed"}:
                problems.append(f"{page}#{chart_id}: Copy link and Embed should be buttons hidden until the script runs")
            if not (served_site.root / "downloads" / f"{chart_id}.metadata.json").is_file():
                problems.append(f"{page}#{chart_id}: no downloads/{chart_id}.metadata.json")
        if doc.select("figure.chart") and len(doc.select('script[src$="chart-toolbar.js"][defer]')) != 1:
            problems.append(f"{page}: chart-toolbar.js should be loaded once, deferred")
    assert problems == []


def test_data_opens_the_table_and_moves_the_focus_to_it(served_site: ServedSite, context) -> None:
    ctx, log = context
    tab = open_tab(ctx, served_site.url(PAGE))
    chart_id = first_chart(tab)
    table = tab.page.locator(f"#{chart_id}-data")
    assert table.evaluate("d => d.open") is False
    tab_to(tab.page, chart_id, ".chart-tool-data")
    tab.page.keyboard.press("Enter")
    assert table.evaluate("d => d.open && d === document.activeElement")
    assert table.locator("table").is_visible()
    check_clean(tab, log)


def test_toolbar_targets_are_large_enough_and_show_their_focus(served_site: ServedSite, context) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url(PAGE))
    chart_id = first_chart(tab)
    tools = tab.page.locator(f"#{chart_id} .chart-tool:visible")
    assert tools.count() >= 5
    for i in range(tools.count()):
        box = tools.nth(i).bounding_box()
        assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, (tools.nth(i).inner_text(), box)
    tab_to(tab.page, chart_id, ".chart-download")
    outline = tab.page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def download_of(tab: Tab, chart_id: str, selector: str) -> bytes:
    tab_to(tab.page, chart_id, selector)
    with tab.page.expect_download() as info:
        tab.page.keyboard.press("Enter")
    download = info.value
    assert download.failure() is None, download.failure()
    return Path(download.path()).read_bytes()


def test_download_csv_delivers_the_charts_data(served_site: ServedSite, context) -> None:
    ctx, log = context
    tab = open_tab(ctx, served_site.url(PAGE))
    chart_id = first_chart(tab)
    rows = parsed_csv(download_of(tab, chart_id, ".chart-download"))
    assert rows == parsed_csv((served_site.root / "downloads" / f"{chart_id}.csv").read_bytes())
    header = tab.page.locator(f"#{chart_id}-data thead th").all_text_contents()
    body = tab.page.locator(f"#{chart_id}-data tbody tr")
    assert [h.strip() for h in header] == rows[0] and body.count() == len(rows) - 1
    check_clean(tab, log)


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_download_pictures_deliver_the_files_in_downloads(served_site: ServedSite, context, kind: str) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url(PAGE))
    chart_id = first_chart(tab)
    on_disk = served_site.root / "downloads" / f"{chart_id}.{kind}"
    assert on_disk.is_file(), f"downloads/{chart_id}.{kind} is not in the site (the picture step draws it)"
    assert download_of(tab, chart_id, f".chart-download-{kind}") == on_disk.read_bytes()


def copy_link_by_key(served_site: ServedSite, ctx, key: str, says: str):
    """Tab to the first chart's Copy link, press key, and wait until its status line says says; return tab, id, status."""
    tab = open_tab(ctx, served_site.url(PAGE))
    chart_id = first_chart(tab)
    tab_to(tab.page, chart_id, ".chart-copy-link")
    tab.page.keyboard.press(key)
    status = tab.page.locator(f"#{chart_id} .chart-toolbar-status")
    status.filter(has_text=says).wait_for(timeout=STATUS_TIMEOUT_MS)
    return tab, chart_id, status


def test_copy_link_puts_the_permalink_on_the_clipboard(served_site: ServedSite, clipboard) -> None:
    ctx, log = clipboard
    tab, chart_id, status = copy_link_by_key(served_site, ctx, "Enter", "copied")
    assert tab.page.evaluate("() => navigator.clipboard.readText()") == f"{served_site.url(PAGE)}#{chart_id}"
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    check_clean(tab, log)


def test_a_refused_clipboard_shows_the_link_selected(served_site: ServedSite, context) -> None:
    ctx, log = context
    ctx.add_init_script(REFUSE_CLIPBOARD)
    tab, chart_id, _ = copy_link_by_key(served_site, ctx, " ", "copy it by hand")
    shown = tab.page.locator(f"#{chart_id} .chart-toolbar-text")
    link = f"{served_site.url(PAGE)}#{chart_id}"
    assert shown.input_value() == link and shown.get_attribute("readonly") is not None
    assert shown.evaluate("f => f === document.activeElement && f.selectionStart === 0 && f.selectionEnd === f.value.length")
    check_clean(tab, log)


class _Iframe(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.found.append(dict(attrs))


def test_embed_shows_an_iframe_snippet_whose_page_holds_the_chart(served_site: ServedSite, context) -> None:
    ctx, log = context
    tab = open_tab(ctx, served_site.url(PAGE))
    chart_id = first_chart(tab)
    title = tab.page.locator(f"#{chart_id} .chart-title").inner_text()
    alt = tab.page.locator(f"#{chart_id}-plot").get_attribute("aria-label")
    tab_to(tab.page, chart_id, ".chart-embed")
    tab.page.keyboard.press("Enter")
    tab.page.locator(f"#{chart_id} .chart-toolbar-status").filter(has_text="Embed code").wait_for(
        timeout=STATUS_TIMEOUT_MS)
    snippet = tab.page.locator(f"#{chart_id} textarea.chart-toolbar-text")
    assert snippet.get_attribute("readonly") is not None
    parser = _Iframe()
    parser.feed(snippet.input_value())
    [iframe] = parser.found
    assert iframe["title"] == title and iframe["src"] == served_site.url(f"embed/{chart_id}.html")
    check_clean(tab, log)
    assert (served_site.root / "embed" / f"{chart_id}.html").is_file(), f"{iframe['src']} does not exist"
    embed = open_tab(ctx, iframe["src"])
    assert embed.page.locator(".chart-title").inner_text() == title
    picture = embed.page.locator("img.embed-picture")
    assert picture.get_attribute("src") == f"../downloads/{chart_id}.svg" and picture.get_attribute("alt") == alt
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), "the picture did not load"
    assert embed.page.locator("script").count() == 0
    check_clean(embed, log)


def test_without_javascript_the_links_work_and_the_buttons_are_hidden(browser: Browser, served_site: ServedSite) -> None:
    ctx, log = new_context(browser, served_site, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(served_site.url(PAGE))
        chart_id = page.locator("figure.chart").first.get_attribute("id")
        assert page.locator(f"#{chart_id} button.chart-tool:visible").count() == 0
        data = page.locator(f"#{chart_id} .chart-tool-data")
        assert data.is_visible()
        data.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == f"#{chart_id}-data"
        with page.expect_download() as info:
            page.locator(f"#{chart_id} .chart-download").click()
        assert parsed_csv(Path(info.value.path()).read_bytes()) == parsed_csv(
            (served_site.root / "downloads" / f"{chart_id}.csv").read_bytes())
    finally:
        ctx.close()


def test_print_hides_the_tools_and_opens_the_tables(served_site: ServedSite, context) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url(PAGE))
    page = tab.page
    closed = page.locator("details.chart-table:not([open])")
    count = closed.count()
    assert count > 0
    page.emulate_media(media="print")
    assert page.locator(".chart-toolbar:visible").count() == 0
    assert page.locator("figure.chart button:visible").count() == 0
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert closed.count() == 0 and page.locator("details.chart-table[open]").count() == count
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert closed.count() == count
    page.emulate_media(media="screen")
    assert page.locator(".chart-toolbar:visible").count() == page.locator("figure.chart").count()


def test_print_keeps_captions_with_their_charts_and_tables(served_site: ServedSite, context) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url(PAGE))
    tab.page.emulate_media(media="print")
    breaks = tab.page.evaluate("""() => [...document.querySelectorAll('figure.chart figcaption, .chart-table summary')]
      .map(el => getComputedStyle(el).breakAfter)""")
    assert breaks and set(breaks) == {"avoid"}


def test_charts_print_as_their_picture_not_the_plot(served_site: ServedSite, context) -> None:
    ctx, _ = context
    tab = open_tab(ctx, served_site.url(PAGE))
    page = tab.page
    pictures = page.locator("figure.chart .chart-plot picture.chart-picture")
    assert pictures.count() == page.locator("figure.chart").count(), "every chart should hold its static picture"
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    for i in range(pictures.count()):
        assert pictures.nth(i).is_visible()
    assert page.locator("figure.chart .chart-plot .plot-container:visible").count() == 0


@pytest.mark.parametrize(("button", "block"), [("Copy APA citation", "cite-apa"), ("Copy BibTeX", "cite-bibtex")])
def test_copy_citation_puts_no_made_up_address_on_the_clipboard(served_site: ServedSite, clipboard, button: str,
                                                                block: str) -> None:
    """While no site address is set, the citation copied names none (never example.org or OWNER)."""
    ctx, log = clipboard
    tab = open_tab(ctx, served_site.url(PAGE))
    tab.page.get_by_role("button", name=button).click()
    tab.page.get_by_role("button", name="Copied").wait_for(timeout=STATUS_TIMEOUT_MS)
    copied = tab.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == tab.page.locator(f"#{block}").text_content()
    assert "Version " in copied or "version = " in copied
    assert not any(word in copied for word in ("http", "example.", "OWNER")), copied
    check_clean(tab, log)
