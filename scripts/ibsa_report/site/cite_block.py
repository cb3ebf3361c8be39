"""The "Cite this" block on every page and downloads/citation.bib, from the one version source."""

from __future__ import annotations

from pathlib import Path

from ibsa_report.release.citation import Citation, apa, bibtex
from quarto_lite.project import relative_root
from ibsa_report.templating import template_env

CITE_START, CITE_END = "<!--cite-this-->", "<!--/cite-this-->"
BIB = "downloads/citation.bib"


def cite_html(c: Citation, to_root: str, page: str = "index.html") -> str:
    """Render the block for a page (site-relative): APA and BibTeX for this version, each with a copy button,
    the page's address in this version's archive next to the latest, and the DOI when CITATION.cff has one.

    Without a site address the block says the address is not yet published (and no address is copied).
    """
    html = template_env().get_template("cite.html").render(
        c=c, apa=apa(c), bibtex=bibtex(c).strip(), root=to_root, pinned=c.pinned(page), latest=c.latest(page))
    return CITE_START + html.strip() + CITE_END


def place_block(html: str, block: str) -> str:
    """Put the block at the end of <main> (replacing an earlier one), else before </body>."""
    start, end = html.find(CITE_START), html.find(CITE_END)
    if start != -1 and end != -1:
        return html[:start] + block + html[end + len(CITE_END):]
    for closing in ("</main>", "</body>"):
        at = html.rfind(closing)
        if at != -1:
            return html[:at] + block + html[at:]
    raise ValueError("page has neither </main> nor </body>")


def add_cite_blocks(pages: list[Path], site: Path, c: Citation) -> None:
    """Give every page the block, with links relative to the page."""
    for page in pages:
        block = cite_html(c, relative_root(site, page.parent), page.relative_to(site).as_posix())
        page.write_text(place_block(page.read_text(encoding="utf-8"), block), encoding="utf-8")


def write_bib(site: Path, c: Citation) -> Path:
    """Write downloads/citation.bib for this version."""
    target = site / BIB
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(bibtex(c), encoding="utf-8")
    return target
