"""The post-render step, run by _quarto.yml with either engine (`python -m ibsa_report.site.postrender`).

1. downloads: the charts' CSVs and the dataset zip; the charts' static pictures (site/chart_images.py) and
   the pages' preview images (site/previews.py);
2. citation: downloads/citation.bib and the "Cite this" block on every page; on Quarto's pages, its
   citation_* tags escaped once (site/scholar_meta.py: Quarto 1.7.34 escapes them twice);
3. versions: archived copies carried forward (Pages branch first, then the previous _site/, then any
   _site.old-* a crashed build left), versions.json and the version switcher on every page;
4. each chart's downloads/<id>.metadata.json, the dataset zip's README.md listing the charts'
   files, and, where a chart's picture was drawn, its embed page
   embed/<id>.html (site/embed.py; written after steps 2 and 3, so it has no cite block or switcher);
5. the safety band ("Get help", "Quick exit") first in the <body> of every live page, 404 included
   (site/safety_band.py; not the embed pages, which sit inside other sites' pages);
6. the Content-Security-Policy of every live page (site/csp.py), once the pages are final (not on the
   `IBSA_CHARTS=plotly-default` baseline of `ibsa-report bench`, whose inlined plotly.js no policy allows);
7. .nojekyll, so that GitHub Pages serves every file as it is.
"""

from __future__ import annotations

from pathlib import Path

from ibsa_report.release import versions
from ibsa_report.release.archives import archive_sources, carry_archives
from ibsa_report.site.chart_metadata import chart_metadata, dataset_readme, write_metadata
from ibsa_report.site.cite_block import add_cite_blocks, write_bib
from ibsa_report.site.embed import write_embed_pages
from ibsa_report.site.csp import add_policies
from ibsa_report.release.citation import read_citation
from ibsa_report.site.chart_images import publish_pictures, read_records
from ibsa_report.site.downloads import DATASET_ZIP, add_readme, publish_downloads
from ibsa_report.site.previews import add_previews
from ibsa_report.site.safety_band import add_bands, quick_exit_address
from ibsa_report.site.scholar_meta import fix_pages
from ibsa_report.report.chart import charts_mode
from ibsa_report.site.step import run_step
from ibsa_report.sources import SITE, downloads_dir
from quarto_lite.project import read_config

NOT_FOUND = "404.html"  # a live page, though the cite blocks and version switchers leave it out


def postrender(root: Path, out: Path) -> None:
    """Finish a rendered site in out (the staging directory, or _site/ under Quarto)."""
    publish_downloads(root, out)
    records = read_records(downloads_dir(root))
    live = versions.html_pages(out)  # the rendered pages; the embed pages are added in step 4
    not_found = [p for p in [out / NOT_FOUND] if p.is_file()]
    if publish_pictures(root, out, live + not_found, records):
        add_previews(out, live, read_config(root).site_url, {c.chart_id: c.alt for c in records})
    citation = read_citation(root)
    write_bib(out, citation)
    add_cite_blocks(live, out, citation)
    fix_pages(live + not_found)  # Quarto's citation_* tags, escaped twice ("victims&#039;"), escaped once
    carry_archives(archive_sources(root, out), out)
    versions.publish_index(out, citation.version)
    # The charts' pictures (downloads/<id>.png, .svg) must be drawn before this point.
    charts = chart_metadata(root, out, live, citation)
    write_metadata(out, charts)
    add_readme(out / "downloads" / DATASET_ZIP, dataset_readme(citation.title, charts))
    write_embed_pages(out, charts, citation.url)
    add_bands(out, live + not_found, quick_exit_address(root))  # a missing or bad report.quick-exit stops the step
    if charts_mode() != "plotly-default":  # the bench's baseline inlines plotly.js, which no policy allows; never published
        add_policies(out, versions.html_pages(out) + not_found)  # the embed pages too
    (out / ".nojekyll").touch()


if __name__ == "__main__":
    run_step(postrender)
