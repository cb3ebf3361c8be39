"""The project's citation, as Quarto reads it: `citation:` in _quarto.yml with the site's title and authors.

From it come the footer's version line, an APA reference ("How to cite") and, with
`google-scholar: true`, the Google Scholar citation_* meta tags of every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from quarto_lite.project import ProjectConfig


@dataclass(frozen=True)
class PageCitation:
    """What the pages say about citing the project."""

    title: str
    authors: tuple[str, ...]
    version: str
    date: str  # YYYY-MM-DD: citation.issued
    url: str

    @property
    def year(self) -> str:
        """Return the year of issue ('n.d.' when there is no date)."""
        return self.date[:4] if self.date else "n.d."


def page_citation(config: ProjectConfig) -> PageCitation:
    """Read `citation:` (version, issued) beside the site's title, authors and URL."""
    fields = config.raw.get("citation") or {}
    fields = fields if isinstance(fields, dict) else {}
    return PageCitation(config.title, tuple(config.authors), str(fields.get("version", "")),
                        str(fields.get("issued", "") or ""), config.site_url)


def apa(c: PageCitation) -> str:
    """Return an APA (7th edition) reference for a report: Author. (Year). Title (Version X). URL (no URL when none is set)"""
    authors = ", ".join(c.authors[:-1]) + (", & " if len(c.authors) > 1 else "") + c.authors[-1]
    return f"{authors}. ({c.year}). {c.title} (Version {c.version})." + (f" {c.url}" if c.url else "")


def scholar_tags(c: PageCitation) -> list[tuple[str, str]]:
    """Return the Google Scholar citation_* meta tags (the version as technical report number)."""
    tags = [("citation_title", c.title)] + [("citation_author", a) for a in c.authors]
    if c.date:
        tags.append(("citation_publication_date", c.date.replace("-", "/")))
    tags.append(("citation_technical_report_number", c.version))
    return tags
