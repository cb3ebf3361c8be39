"""The charts' static pictures, drawn at build time by plotly's own export (kaleido, driving the system's Chromium).

From each `<chart-id>.figure.json` the chart helper wrote beside its CSV (IBSA_DOWNLOADS_DIR), one kaleido
session for the whole site writes:
- `downloads/<id>.svg` (PICTURE_WIDTH wide) and `downloads/<id>.narrow.svg` (NARROW_WIDTH, for phones): what
  the page shows before, and without, any script;
- `downloads/<id>.png` (the desktop picture at twice the scale), for stories and slides;
- `og/<id>.png`, OG_WIDTH × OG_HEIGHT with the chart's title and source drawn in: the page's preview image.

Kaleido's Chromium loads plotly.js from the site's own bundle and no MathJax, and its proxy points at a closed
port on this machine, so drawing fetches nothing. A picture already drawn from the same figure, options,
plotly.js, kaleido and Chromium is taken from the cache (site/picture_cache.py) instead. plotly writes a random id into each SVG (its clip paths); it is
replaced by one made from the chart id, so that two builds give the same bytes.

Without Chromium (IBSA_CHROMIUM, else /usr/bin/chromium) the site is built with interactive charts only: one line
on stderr says so, and the pictures, and every element marked `needs-pictures`, are taken out of the pages.
Where the pictures are required (CI=true, or IBSA_PICTURES=required, which `ibsa-report release` sets) that is an
error instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ibsa_report.report.chart import NARROW_WIDTH, PICTURE_WIDTH, PLOTLY_BUNDLE, plot_text, wrap_label
from ibsa_report.site.picture_cache import PictureCache, picture_cache
from ibsa_report.site.picture_browser import PicturesRequired, find_chromium, no_browser_line, pictures_required

T = TypeVar("T")
NO_PROXY = "http://127.0.0.1:9"  # a closed port: any request Chromium might make goes nowhere
OG_DIR = "og"
OG_WIDTH, OG_HEIGHT = 1200, 630
OG_TITLE_CHARS, OG_TITLE_SIZE, OG_TITLE_LINE = 64, 26, 32  # characters a line, font px, line px
OG_SOURCE_SIZE, OG_SOURCE_LINE, OG_PAD = 15, 24, 22
PNG_SCALE = 2
FIGURE_SUFFIX = ".figure.json"
QUIET_LOGGERS = ("choreographer", "kaleido", "logistro")
RENDER_TIMEOUT = 60  # seconds for one picture
PICTURE = re.compile(r'<picture class="chart-picture">.*?</picture>', re.DOTALL)
# An element marked needs-pictures, to its closing tag (such elements hold no element of their own name).
NEEDS_PICTURES = re.compile(r'<(\w+)\b[^>]*\bclass="[^"]*\bneeds-pictures\b[^"]*"[^>]*>(?:.*?</\1>)?', re.DOTALL)
SVG_UID = re.compile(r'<defs id="defs-([0-9a-z]+)"')
SVG_REFERENCE = re.compile(r'(?:\bid="|url\(#|href="#)[^"\')]*')


@dataclass(frozen=True)
class ChartRecord:
    """One chart as the kernel wrote it: id, texts and plotly figure."""

    chart_id: str
    title: str
    source: str
    alt: str
    figure: dict[str, Any]

    @property
    def height(self) -> int:
        """The figure's height in px."""
        return int(self.figure["layout"].get("height") or 420)


def read_records(folder: Path) -> list[ChartRecord]:
    """Read every `<id>.figure.json` in folder, in id order; a bad file is a one-line ValueError naming it."""
    records = []
    for path in sorted(folder.glob(f"*{FIGURE_SUFFIX}")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            records.append(ChartRecord(raw["id"], raw["title"], raw["source"], raw["alt"], raw["figure"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a chart figure the chart helper wrote ({exc})") from None
    return records


def og_figure(record: ChartRecord) -> dict[str, Any]:
    """Return the chart laid out for a preview image: its title and source drawn in above the plot."""
    title = wrap_label(record.title, OG_TITLE_CHARS)
    source = plot_text(f"Source: {record.source}")
    block = (title.count("<br>") + 1) * OG_TITLE_LINE + OG_SOURCE_LINE  # px of text above the plot
    # plotly puts the first line's baseline where a title anchored at its top should start: one font size lower
    first_baseline = OG_PAD + OG_TITLE_SIZE
    layout = dict(record.figure["layout"]) | {
        "height": OG_HEIGHT, "width": OG_WIDTH,
        "margin": {"l": 40, "r": 40, "t": int(block + 3 * OG_PAD), "b": 30},
        "title": {"text": "<b>" + title.replace("<br>", "</b><br><b>") + "</b><br>"
                          + f"<span style=\"font-size:{OG_SOURCE_SIZE}px;color:#555555\">{source}</span>",
                  "x": 0.03, "xanchor": "left", "yref": "container", "y": 1 - first_baseline / OG_HEIGHT,
                  "yanchor": "top", "font": {"size": OG_TITLE_SIZE}},
    }
    return {"data": record.figure["data"], "layout": layout}


def stable_ids(svg: str, token: str) -> str:
    """Replace the random id plotly wrote into an SVG's ids and references by token."""
    found = SVG_UID.search(svg)
    if not found:
        return svg
    uid = found.group(1)
    return SVG_REFERENCE.sub(lambda m: m.group(0).replace(uid, token), svg)


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end: here, or in a thread of its own if an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # handed back to the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target, name="chart-pictures")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


@dataclass(frozen=True)
class Picture:
    """One picture to draw: where it goes, the figure, kaleido's options and the id token of an SVG."""

    path: Path
    figure: dict[str, Any]
    opts: dict[str, Any]
    token: str = ""  # an SVG's: what plotly's random ids are replaced by


def pictures(records: list[ChartRecord], out: Path) -> list[Picture]:
    """List every picture of every chart: two SVGs, the PNG and the preview image."""
    downloads, og = out / "downloads", out / OG_DIR
    found = []
    for r in records:
        for name, width in ((f"{r.chart_id}.svg", PICTURE_WIDTH), (f"{r.chart_id}.narrow.svg", NARROW_WIDTH)):
            found.append(Picture(downloads / name, r.figure, {"format": "svg", "width": width, "height": r.height},
                                 name.removesuffix(".svg").replace(".", "-")))
        found.append(Picture(downloads / f"{r.chart_id}.png", r.figure,
                             {"format": "png", "width": PICTURE_WIDTH, "height": r.height, "scale": PNG_SCALE}))
        found.append(Picture(og / f"{r.chart_id}.png", og_figure(r),
                             {"format": "png", "width": OG_WIDTH, "height": OG_HEIGHT, "scale": 1}))
    return found


async def _draw(records: list[ChartRecord], chromium: Path, bundle: Path, out: Path,
                cache: PictureCache | None = None) -> list[Path]:
    """Draw every chart's pictures (those not in the cache) in one kaleido session; return the files written."""
    cache = cache or PictureCache(None, "")
    (out / "downloads").mkdir(parents=True, exist_ok=True)
    (out / OG_DIR).mkdir(parents=True, exist_ok=True)
    planned = pictures(records, out)
    todo = []
    for picture in planned:
        kept = cache.get(picture.figure, picture.opts, picture.token)
        if kept is None:
            todo.append(picture)
        else:
            _write(picture.path, kept)
    if todo:
        import kaleido  # imported here: the kernel and the rest of the site need none of it

        for name in QUIET_LOGGERS:  # choreographer logs a message it skips as a traceback; failures raise anyway
            logging.getLogger(name).setLevel(logging.CRITICAL)
        async with kaleido.Kaleido(path=str(chromium), plotlyjs=bundle.resolve().as_uri(), mathjax=False,
                                   proxy_server=NO_PROXY, timeout=RENDER_TIMEOUT) as session:
            for picture in todo:
                data = await session.calc_fig(picture.figure, opts=picture.opts)
                if picture.token:
                    data = stable_ids(data.decode("utf-8"), picture.token).encode("utf-8")
                cache.put(picture.figure, picture.opts, picture.token, data)
                _write(picture.path, data)
    return [picture.path for picture in planned]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def draw_pictures(records: list[ChartRecord], chromium: Path, bundle: Path, out: Path,
                  cache: PictureCache | None = None) -> list[Path]:
    """Draw every chart's SVGs and PNGs into out (downloads/ and og/), or take them from the cache; return the
    files written."""
    if not records:
        return []
    return run_coroutine(_draw(records, chromium, bundle, out, cache))


def strip_pictures(pages: list[Path]) -> None:
    """Take the static pictures and every element marked needs-pictures out of the pages."""
    for page in pages:
        text = page.read_text(encoding="utf-8")
        stripped = NEEDS_PICTURES.sub("", PICTURE.sub("", text))
        if stripped != text:
            page.write_text(stripped, encoding="utf-8")


def publish_pictures(root: Path, out: Path, pages: list[Path], records: list[ChartRecord]) -> bool:
    """Draw the pictures of the charts into out, or take them out of the pages; tell which.

    Raises PicturesRequired where the pictures are required and cannot be drawn.
    """
    if not records:
        return False
    chromium = find_chromium()
    reason = no_browser_line() if chromium is None else None
    if chromium is not None:
        try:
            draw_pictures(records, chromium, root / PLOTLY_BUNDLE, out,
                          picture_cache(root, chromium, root / PLOTLY_BUNDLE))
        except Exception as exc:  # kaleido's or Chromium's failure, in one line
            reason = f"the chart pictures could not be drawn with {chromium}: {type(exc).__name__}: {exc}".splitlines()[0]
    if reason is None:
        return True
    if pictures_required():
        raise PicturesRequired(f"the chart pictures are required here but cannot be drawn: {reason}")
    print(reason, file=sys.stderr)
    strip_pictures(pages)
    return False

