"""embed/<chart-id>.html: one small page per chart for other sites' <iframe>s (post-render).

Each page shows the chart's static picture (downloads/<chart-id>.svg, drawn by the picture step) with
its title, subtitle, source, licence and the report's citation, and links back to the chart on its
page. It loads only the site's stylesheet and the picture: no plotly.js, no script, nothing from another
host; the Content-Security-Policy step gives it the site's policy. og:image is the chart's preview
(og/<chart-id>.png, 1200 x 630), with its size read from the file. A chart without its SVG (a build
that drew no pictures) gets no embed page.
It is not in the search index or the sitemap (the engine writes those before post-render) and says
`noindex`.
"""

from __future__ import annotations

from pathlib import Path

from ibsa_report.site.chart_images import OG_DIR
from ibsa_report.site.chart_metadata import ChartMetadata
from ibsa_report.site.previews import is_real_address, png_size
from ibsa_report.templating import template_env

EMBED_DIR = "embed"


def embed_html(chart: ChartMetadata, site_url: str, png: Path | None, preview: Path | None = None) -> str:
    """Render the embed page of one chart (every value escaped by the template).

    png (downloads/<id>.png) gives the picture's proportions; preview (og/<id>.png, 1200 x 630, title and
    source drawn in) is the page's og:image, as on the report's own pages.
    """
    absolute = is_real_address(site_url)  # a placeholder address is never written into a page
    base = site_url if absolute else "../"
    picture = dict(zip(("width", "height"), png_size(png))) if png is not None else None
    card = None
    if preview is not None:
        width, height = png_size(preview)
        card = {"url": f"{base}{OG_DIR}/{preview.name}", "width": width, "height": height}
    return template_env().get_template("embed.html").render(
        doc=chart.document, png=picture, preview=card, back=f"../{chart.page}#{chart.chart_id}", absolute=absolute)


def write_embed_pages(site: Path, charts: list[ChartMetadata], site_url: str) -> list[Path]:
    """Write embed/<chart-id>.html for every chart whose SVG picture is in downloads/; return the pages."""
    written = []
    for chart in charts:
        downloads = site / "downloads"
        if not (downloads / f"{chart.chart_id}.svg").is_file():
            continue
        png, preview = downloads / f"{chart.chart_id}.png", site / OG_DIR / f"{chart.chart_id}.png"
        page = site / EMBED_DIR / f"{chart.chart_id}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(embed_html(chart, site_url, png if png.is_file() else None,
                                   preview if preview.is_file() else None), encoding="utf-8")
        written.append(page)
    return written
