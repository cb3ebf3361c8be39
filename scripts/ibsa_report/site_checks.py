"""What a rendered site must hold before it replaces _site/: each chart id on one page only, with its CSV."""

from __future__ import annotations

import re
from pathlib import Path

from quarto_lite.project import ProjectConfig

CHART_FIGURE = re.compile(r'<figure class="chart(?: [^"]*)?" id="([^"]+)">')  # templates/chart.html (Quarto may add classes)


class SiteProblem(ValueError):
    """The rendered site is not fit to publish; the message names the page and what is wrong."""


def chart_pages(config: ProjectConfig, site: Path) -> list[tuple[str, str]]:
    """Return (chart id, source page) for every chart on the rendered pages, in page order."""
    pages = [*config.rendered_pages(), *([config.not_found] if config.not_found else [])]
    found = []
    for page in pages:
        html = site / page.output
        if html.is_file():
            found += [(chart_id, page.source) for chart_id in CHART_FIGURE.findall(html.read_text(encoding="utf-8"))]
    return found


def check_charts(config: ProjectConfig, site: Path) -> None:
    """Raise SiteProblem if a chart id is on two pages (one CSV would overwrite the other) or lacks its CSV."""
    first: dict[str, str] = {}
    for chart_id, page in chart_pages(config, site):
        if chart_id in first:
            raise SiteProblem(f"chart id {chart_id!r} is used on two pages, {first[chart_id]} and {page}: a chart id "
                              f"must be unique across the site (it names downloads/{chart_id}.csv)")
        first[chart_id] = page
        if not (site / "downloads" / f"{chart_id}.csv").is_file():
            raise SiteProblem(f"{page}: chart {chart_id!r} has no downloads/{chart_id}.csv in the built site")
