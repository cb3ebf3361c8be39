"""embed/<chart-id>.html: one small page per chart for other sites' <iframe>s (post-render).

Each page shows the chart's static picture (downloads/<chart-id>.svg, drawn by the picture step) with
its title, subtitle, source, licence and the report's citation, and links back to the chart on its
page. It loads only the site's stylesheet and the picture: no plotly.js, no script, nothing from another
host; the Content-Security-Policy step gives it the site's policy. og:image is the PNG, with its
size read from the file. A chart without its SVG (a build that drew no pictures) gets no embed page.
It is not in the search index or the sitemap (the engine writes those before post-render) and says
`noindex`.
"""

from __future__ import annotations

from pathlib import Path

from ibsa_report.site.chart_metadata import ChartMetadata
from ibsa_report.site.previews import is_real_address, png_size
from ibsa_report.templating import template_env

EMBED_DIR = "embed"


def embed_html(chart: ChartMetadata, site_url: str, png: Path | None) -> str:
    """Render the embed page of one chart (every value escaped by the template)."""
    absolute = is_real_address(site_url)  # a placeholder address is never written into a page
    picture = None
    if png is not None:
        width, height = png_size(png)
        picture = {"url": f"{site_url if absolute else '../'}downloads/{png.name}", "width": width, "height": height}
    return template_env().get_template("embed.html").render(
        doc=chart.document, png=picture, back=f"../{chart.page}#{chart.chart_id}", absolute=absolute)


def write_embed_pages(site: Path, charts: list[ChartMetadata], site_url: str) -> list[Path]:
    """Write embed/<chart-id>.html for every chart whose SVG picture is in downloads/; return the pages."""
    written = []
    for chart in charts:
        downloads = site / "downloads"
        if not (downloads / f"{chart.chart_id}.svg").is_file():
            continue
        png = downloads / f"{chart.chart_id}.png"
        page = site / EMBED_DIR / f"{chart.chart_id}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(embed_html(chart, site_url, png if png.is_file() else None), encoding="utf-8")
        written.append(page)
    return written
