"""The charts' static pictures: drawn at build time, shown before any script, stable, and plotly.js only on demand.

Also the preview images (og:image, the large Twitter card) and the build without a browser: interactive-only
charts, one line on stderr, no page naming a missing file; an error where the pictures are required.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, expect

from ibsa_report.build import BuildError, build_locked, build_site
from ibsa_report.release.publish import PublishError, commit_site
from ibsa_report.release.versions import html_pages
from ibsa_report.report.chart import NARROW_WIDTH, PICTURE_WIDTH, PLOTLY_BUNDLE
from ibsa_report.site import chart_images
from ibsa_report.site.chart_images import ChartRecord, draw_pictures
from ibsa_report.site.picture_browser import CHROMIUM_VARIABLE, PicturesRequired, find_chromium
from ibsa_report.settings import is_real_address
from ibsa_report.site.previews import png_size
from ibsa_report.sources import SITE, copy_sources
from quarto_lite.project import read_config

from browser_session import CHART_TIMEOUT_MS, RequestLog, ServedSite, open_tab
from conftest import ROOT, tree_hashes
from link_check import check_links

PLOTLY_REQUEST = re.compile(r"/plotly-basic-[^/]*\.min\.js$")
DRAWN = "figure.chart .chart-plot.chart-drawn svg.main-svg"
SVG_SIZE = re.compile(r'<svg [^>]*\bwidth="(\d+)" height="(\d+)"')
IMAGES_LOADED = """() => [...document.querySelectorAll(".chart-plot")].map(plot => {
  const img = plot.querySelector("picture.chart-picture img");
  return img ? { id: plot.id, complete: img.complete, width: img.naturalWidth, src: img.currentSrc } : { id: plot.id };
})"""


def target(site: Path, page: str, href: str) -> Path:
    """Resolve a link relative to a page to the file it names in the site."""
    return site / urlparse(urljoin(f"http://site/{page}", href)).path.lstrip("/")


def live_pages(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in html_pages(site)]


@pytest.fixture(scope="module")
def site(real_project: Path) -> Path:
    return real_project / SITE


def test_every_chart_shows_its_svg_in_the_page_at_its_own_size(site: Path) -> None:
    pictures = 0
    for page in live_pages(site):
        doc = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        for figure in doc.select("figure.chart"):
            plot = figure.select_one("div.chart-plot[role=img]")
            img, source = plot.select_one("picture.chart-picture > img"), plot.select_one("picture > source")
            assert plot["aria-label"] and img["alt"] == "", f"{page}#{figure['id']}: the div carries the alternative"
            for element, attribute, width in ((img, "src", PICTURE_WIDTH), (source, "srcset", NARROW_WIDTH)):
                svg = target(site, page, element[attribute])
                assert svg.name in (f"{figure['id']}.svg", f"{figure['id']}.narrow.svg"), svg
                found = SVG_SIZE.search(svg.read_text(encoding="utf-8"))
                assert found and (int(found[1]), int(found[2])) == (width, int(element["height"])) \
                    and int(element["width"]) == width, f"{svg}: size differs from the page's width and height"
            assert png_size(site / "downloads" / f"{figure['id']}.png") == (2 * PICTURE_WIDTH, 2 * int(img["height"]))
            pictures += 1
    assert pictures > 0


def test_every_live_page_has_a_preview_image_of_its_main_chart(site: Path) -> None:
    landing = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    main_of_landing = landing.select_one("figure.chart")["id"]
    for page in live_pages(site):
        doc = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        image = doc.select_one('meta[property="og:image"]')["content"]
        first = doc.select_one("figure.chart")
        # an embed page (embed/<id>.html) is previewed by its own chart, any other page by its first chart
        main = Path(page).stem if page.startswith("embed/") else first["id"] if first else main_of_landing
        assert image.endswith(f"og/{main}.png"), f"{page}: {image}"
        file = target(site, page, image)  # relative: no site-url is set
        assert file.is_file() and png_size(file) == (1200, 630), f"{page}: {image}"
        metas = {m.get("property") or m.get("name"): m["content"] for m in doc.select("meta[content]")}
        assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
        assert metas["og:image:alt"] and metas["twitter:card"] == "summary_large_image"
        assert metas["twitter:image"] == image
        assert len(doc.select('meta[name="twitter:card"]')) == 1


def test_a_placeholder_site_url_gives_relative_preview_addresses() -> None:
    assert not is_real_address("https://example.org/ibsa-report/")
    assert not is_real_address("http://localhost:8000/") and not is_real_address("")
    assert is_real_address("https://reports.example-charity.org.uk/ibsa/")


def test_no_page_names_a_missing_picture(real_project: Path) -> None:
    report = check_links(real_project / SITE, read_config(real_project).site_url)
    assert report.broken == [] and report.checked > 0


@pytest.fixture(scope="module")
def record(real_project: Path) -> ChartRecord:
    """A chart of the real site, read back from its page: the funnel plot, whose many scatter traces plotly would
    name by random uids (and bars by none)."""
    doc = BeautifulSoup((real_project / SITE / "chapters" / "charging.html").read_text(encoding="utf-8"), "html.parser")
    figure = doc.select_one("figure.chart#chart-funnel")
    spec = json.loads(figure.select_one("script.chart-spec").string)
    return ChartRecord(figure["id"], figure.select_one(".chart-title").get_text(), "a source <b>", "alt",
                       {"data": spec["data"], "layout": spec["layout"]})


def test_two_renders_are_byte_identical_and_name_no_random_id(record: ChartRecord, tmp_path: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium to draw with")
    first = draw_pictures([record], chromium, ROOT / PLOTLY_BUNDLE, tmp_path / "a")
    second = draw_pictures([record], chromium, ROOT / PLOTLY_BUNDLE, tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    assert len(first) == 4
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two renders"
    svg = (tmp_path / "a" / "downloads" / f"{record.chart_id}.svg").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(record.chart_id in i for i in ids), ids
    traces = re.findall(r'class="trace scatter (trace[^" ]*)"', svg)
    assert len(traces) > 1 and traces == [f"tracetrace-{i}" for i in range(len(traces))], traces


def test_drawing_in_a_running_event_loop_runs_in_its_own_thread(record: ChartRecord, tmp_path: Path) -> None:
    import asyncio

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium to draw with")

    async def inside() -> list[Path]:
        assert asyncio.get_running_loop() is not None
        return draw_pictures([record], chromium, ROOT / PLOTLY_BUNDLE, tmp_path)

    # The loop runs in a thread of its own: the session's Playwright may already run one in this thread
    # (where asyncio.run would refuse to start), as a Jupyter kernel does in a chapter's.
    drawn: list[list[Path]] = []
    runner = threading.Thread(target=lambda: drawn.append(asyncio.run(inside())))
    runner.start()
    runner.join()
    assert len(drawn) == 1 and len(drawn[0]) == 4


def test_required_pictures_without_a_browser_are_a_one_line_error(record: ChartRecord, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHROMIUM_VARIABLE, str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", "true")
    page = tmp_path / "page.html"
    page.write_text('<picture class="chart-picture"><img src="x.svg" alt=""></picture>', encoding="utf-8")
    with pytest.raises(PicturesRequired) as caught:
        chart_images.publish_pictures(ROOT, tmp_path, [page], [record])
    assert "\n" not in str(caught.value) and "no-chromium" in str(caught.value)
    assert "chart-picture" in page.read_text(encoding="utf-8"), "a failed step changes no page"


def test_without_a_browser_the_build_has_interactive_charts_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_sources(ROOT, tmp_path / "project")
    monkeypatch.setenv(CHROMIUM_VARIABLE, str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CI", raising=False)
    build_site(project, "builtin")
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no Chromium at" in err[0] and "no-chromium" in err[0], err
    assert err[1].startswith("no site address is set: "), err
    site = project / SITE
    assert not (site / "og").exists() and not list((site / "downloads").glob("*.svg"))
    charts = 0
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "chart-picture" not in text and "needs-pictures" not in text, path
        assert "og:image" not in text and "twitter:image" not in text, path
        charts += text.count('class="chart-plot"')
    assert charts > 0
    report = check_links(site, read_config(project).site_url)
    assert report.broken == [], report.broken

    before = tree_hashes(site)  # in CI the same build is an error, and the site stays as it was
    monkeypatch.setenv("CI", "true")
    with pytest.raises(BuildError, match="^the chart pictures are required here but cannot be drawn: no Chromium at "):
        build_site(project, "builtin")
    assert tree_hashes(site) == before
    monkeypatch.delenv("CI")  # a release requires them too
    with pytest.raises(BuildError, match="^the chart pictures are required here"):
        build_locked(project, "builtin", require_pictures=True)
    assert tree_hashes(site) == before
    with pytest.raises(PublishError, match="has charts without their static pictures"):
        commit_site(project, "gh-pages", None)


# In Chromium: the pictures before any script, and plotly.js fetched only when a chart is reached.

def chart_pages(served_site: ServedSite) -> list[str]:
    return [p for p in live_pages(served_site.root)
            if 'class="chart-plot"' in (served_site.root / p).read_text(encoding="utf-8")]


@pytest.mark.parametrize("width", [1280, 375])
def test_without_javascript_every_chart_is_its_picture_and_its_table_opens(browser: Browser, served_site: ServedSite,
                                                                           width: int) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
    problems, seen = [], 0
    try:
        for page in chart_pages(served_site):
            tab = ctx.new_page()
            tab.goto(served_site.url(page), wait_until="load")
            for image in tab.evaluate(IMAGES_LOADED):
                seen += 1
                if not (image.get("complete") and image.get("width", 0) > 0):
                    problems.append(f"{page}#{image['id']}: its picture did not load: {image}")
                elif not image["src"].endswith(".narrow.svg" if width < 560 else f"{image['id'][:-5]}.svg"):
                    problems.append(f"{page}#{image['id']}: {image['src']} shown at {width} px")
            table = tab.locator("details.chart-table").first
            table.locator("summary").click()
            expect(table.locator("table")).to_be_visible()
            tab.close()
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
    assert seen > 0


def test_reaching_for_a_chart_makes_it_interactive_and_only_then_fetches_plotly(browser: Browser,
                                                                                served_site: ServedSite) -> None:
    page = max(chart_pages(served_site), key=lambda p: (served_site.root / p).read_text(encoding="utf-8").count(
        'class="chart-plot"'))
    ctx = browser.new_context()
    requests = RequestLog(origin="{0.scheme}://{0.netloc}".format(urlparse(served_site.base)))
    requests.attach(ctx)
    try:
        tab = open_tab(ctx, served_site.url(page), interactive=False)
        figures = tab.page.locator("figure.chart")
        assert figures.count() >= 3, f"{page} has fewer than three charts to reach in three ways"
        tab.page.wait_for_timeout(500)
        assert not [u for u in requests.requests if PLOTLY_REQUEST.search(u)], "plotly.js fetched before any chart was reached"
        assert tab.page.locator(DRAWN).count() == 0

        figures.nth(0).locator(".chart-plot").hover()  # a pointer
        expect(figures.nth(0).locator(".chart-plot.chart-drawn svg.main-svg").first).to_be_attached(timeout=CHART_TIMEOUT_MS)
        assert figures.nth(1).locator(".chart-drawn").count() == 0, "a chart not reached stays a picture"
        figures.nth(1).locator("a.chart-permalink").focus()  # the keyboard
        expect(figures.nth(1).locator(".chart-plot.chart-drawn svg.main-svg").first).to_be_attached(timeout=CHART_TIMEOUT_MS)
        button = figures.nth(2).locator("button.chart-interactive")
        expect(button).to_have_text("Make interactive")
        button.dispatch_event("click")  # the button (dispatched alone: a real click would also hover)
        expect(figures.nth(2).locator(".chart-plot.chart-drawn svg.main-svg").first).to_be_attached(timeout=CHART_TIMEOUT_MS)
        expect(button).to_be_hidden()

        assert len([u for u in requests.requests if PLOTLY_REQUEST.search(u)]) == 1, "plotly.js fetched once"
        picture = figures.nth(0).locator("picture.chart-picture")
        assert picture.count() == 1 and not picture.is_visible(), "the picture is kept, hidden"
        tab.log.check_policy(tab.page)
        assert tab.log.errors == [] and requests.other_hosts() == []
    finally:
        ctx.close()
