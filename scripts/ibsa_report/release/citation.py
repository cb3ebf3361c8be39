"""How to cite the report: one version source (CITATION.cff) and everything generated from it.

CITATION.cff holds the version, release date and DOI (`doi:`, once there is one); title, authors and
the site's and repository's addresses come from _quarto.yml (ibsa_report.settings; an address that is
unset or a placeholder is left out, never written). From these come .zenodo.json, the Quarto `citation` fields (which the
engine reads for the footer and the Google Scholar tags), the "Cite this" block (APA and BibTeX) and downloads/citation.bib.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quarto_lite.project import ProjectConfig, read_config
from quarto_lite.source_files import load_yaml_mapping, read_utf8
from ibsa_report.release.versions import ARCHIVE, parse_version
from ibsa_report.settings import settings_of

CFF = "CITATION.cff"
ZENODO = ".zenodo.json"
CODE_LICENCE = "MIT"
CONTENT_LICENCE = "CC-BY-4.0"
BIBTEX_KEY = "ibsa-report"


@dataclass(frozen=True)
class Citation:
    """What a citation of one version of the report needs."""

    title: str
    authors: tuple[str, ...]
    version: str
    date: str  # YYYY-MM-DD, the release date
    url: str  # the site's address, ending in "/"; "" until a real one is set
    repository: str  # "" until a real one is set
    doi: str = ""  # CITATION.cff's doi, e.g. 10.5281/zenodo.123

    @property
    def year(self) -> str:
        """Return the year of release ('n.d.' when there is no date)."""
        return self.date[:4] if self.date else "n.d."

    def pinned(self, page: str = "") -> str:
        """Return the address of page (site-relative, '' for the landing page) in this version's archive, or ""."""
        return f"{self.url}{ARCHIVE}/{self.version}/{latest_path(page)}" if self.url else ""

    def latest(self, page: str = "") -> str:
        """Return the address of page in the latest version, or "" when no site address is set."""
        return f"{self.url}{latest_path(page)}" if self.url else ""

    @property
    def doi_url(self) -> str:
        """Return the DOI as an address (https://doi.org/...), or ""."""
        return f"https://doi.org/{self.doi}" if self.doi else ""


def latest_path(page: str) -> str:
    """Return a page's path as its address names it: index.html is its folder."""
    return page.removesuffix("index.html") if page == "index.html" or page.endswith("/index.html") else page


def read_version(root: Path) -> tuple[str, str]:
    """Return (version, date-released) from CITATION.cff, the one version source; raise ValueError unless X.Y.Z."""
    data = load_yaml_mapping(read_utf8(root / CFF, CFF), CFF)  # SourceError (a ValueError): CITATION.cff:<line>: ...
    version = str(data["version"])
    try:
        parse_version(version)
    except ValueError as exc:
        raise ValueError(f"{CFF}: {exc}") from None
    return version, str(data.get("date-released", ""))


def citation_for(config: ProjectConfig) -> Citation:
    """Combine the project's metadata (_quarto.yml) with the version source."""
    version, date = read_version(config.root)
    settings = settings_of(config)
    return Citation(config.title, tuple(config.authors), version, date, settings.site_url, settings.repo_url,
                    settings.doi)


def read_citation(root: Path) -> Citation:
    """Return the citation of the project at root."""
    return citation_for(read_config(root))


def _cff_author(name: str) -> dict[str, str]:
    """An author as CFF wants it: the project's authors are organisations, given by name."""
    return {"name": name}


def cff_document(c: Citation) -> dict[str, Any]:
    """Return CITATION.cff's content (CFF 1.2.0), with a preferred citation of type report.

    An address that is not set is left out (CFF wants a URI there, and a placeholder is not one).
    """
    document = {
        "cff-version": "1.2.0",
        "message": "If you use this report or its data, please cite this version as below.",
        "title": c.title,
        "type": "software",
        "authors": [_cff_author(a) for a in c.authors],
        "version": c.version,
        "date-released": c.date,
        "license": [CODE_LICENCE, CONTENT_LICENCE],
        "repository-code": c.repository,
        "url": c.url,
        "preferred-citation": {
            "type": "report", "title": c.title, "authors": [_cff_author(a) for a in c.authors],
            "version": c.version,
            "date-released": c.date, "year": int(c.year) if c.year.isdigit() else None, "url": c.url,
            "license": CONTENT_LICENCE,
        },
    }
    for key in ("repository-code", "url"):
        if not document[key]:
            del document[key]
    if not c.url:
        del document["preferred-citation"]["url"]
    if c.doi:
        document["doi"] = document["preferred-citation"]["doi"] = c.doi
    return document


def cff_text(c: Citation) -> str:
    """Return CITATION.cff as YAML, keys in the order written."""
    header = "# The report's one version source: `ibsa-report release X.Y.Z` rewrites it; a test checks the rest agree.\n"
    return header + yaml.safe_dump(cff_document(c), sort_keys=False, allow_unicode=True, width=100)


def zenodo_document(c: Citation) -> dict[str, Any]:
    """Return .zenodo.json: the metadata Zenodo uses when it archives a GitHub release."""
    document: dict[str, Any] = {
        "title": c.title, "version": c.version, "publication_date": c.date, "upload_type": "publication",
        "publication_type": "report", "creators": [{"name": a} for a in c.authors],
        "license": CONTENT_LICENCE.lower(), "access_right": "open",
        "related_identifiers": [{"identifier": c.url, "relation": "isAlternateIdentifier", "scheme": "url"}],
    }
    if not c.url:
        del document["related_identifiers"]
    return document


def zenodo_text(c: Citation) -> str:
    """Return .zenodo.json as JSON text."""
    return json.dumps(zenodo_document(c), indent=2, ensure_ascii=False) + "\n"


def apa(c: Citation) -> str:
    """Return an APA (7th edition) reference for a report: Author. (Year). Title (Version X). DOI or URL

    The DOI, when there is one, stands in place of the URL (APA 7); with neither, the reference ends at the version.
    """
    authors = ", ".join(c.authors[:-1]) + (", & " if len(c.authors) > 1 else "") + c.authors[-1]
    address = c.doi_url or c.url
    return f"{authors}. ({c.year}). {c.title} (Version {c.version})." + (f" {address}" if address else "")


def _bibtex_escape(text: str) -> str:
    """Escape BibTeX's special characters in a field value."""
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def bibtex(c: Citation) -> str:
    """Return a BibTeX @techreport entry for this version (authors are organisations, braced)."""
    fields = {
        "title": _bibtex_escape(c.title),
        "author": " and ".join("{" + _bibtex_escape(a) + "}" for a in c.authors),
        "year": c.year, "number": f"Version {c.version}", "version": c.version,
        "type": "Report", "institution": _bibtex_escape(" and ".join(c.authors)),
    }
    if c.url:
        fields["url"] = c.url
    if c.doi:
        fields["doi"] = _bibtex_escape(c.doi)
    if c.date:
        fields["date"] = c.date
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@techreport{{{BIBTEX_KEY}-{c.version},\n{body}\n}}\n"
