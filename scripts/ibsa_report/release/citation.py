"""How to cite the report: one version source (CITATION.cff) and everything generated from it.

CITATION.cff holds the version and release date; title and authors come from _quarto.yml (the
project's own metadata). From these come .zenodo.json, the Quarto `citation` fields (which the
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
    url: str
    repository: str

    @property
    def year(self) -> str:
        """Return the year of release ('n.d.' when there is no date)."""
        return self.date[:4] if self.date else "n.d."


def read_version(root: Path) -> tuple[str, str]:
    """Return (version, date-released) from CITATION.cff, the one version source."""
    data = load_yaml_mapping(read_utf8(root / CFF, CFF), CFF)  # SourceError (a ValueError): CITATION.cff:<line>: ...
    return str(data["version"]), str(data.get("date-released", ""))


def citation_for(config: ProjectConfig) -> Citation:
    """Combine the project's metadata (_quarto.yml) with the version source."""
    version, date = read_version(config.root)
    repository = str(config.raw.get("website", {}).get("repo-url", ""))
    return Citation(config.title, tuple(config.authors), version, date, config.site_url, repository)


def read_citation(root: Path) -> Citation:
    """Return the citation of the project at root."""
    return citation_for(read_config(root))


def _cff_author(name: str) -> dict[str, str]:
    """An author as CFF wants it: the project's authors are organisations, given by name."""
    return {"name": name}


def cff_document(c: Citation) -> dict[str, Any]:
    """Return CITATION.cff's content (CFF 1.2.0), with a preferred citation of type report."""
    return {
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


def cff_text(c: Citation) -> str:
    """Return CITATION.cff as YAML, keys in the order written."""
    header = "# The report's one version source: `ibsa-report release X.Y.Z` rewrites it; a test checks the rest agree.\n"
    return header + yaml.safe_dump(cff_document(c), sort_keys=False, allow_unicode=True, width=100)


def zenodo_document(c: Citation) -> dict[str, Any]:
    """Return .zenodo.json: the metadata Zenodo uses when it archives a GitHub release."""
    return {
        "title": c.title, "version": c.version, "publication_date": c.date, "upload_type": "publication",
        "publication_type": "report", "creators": [{"name": a} for a in c.authors],
        "license": CONTENT_LICENCE.lower(), "access_right": "open",
        "related_identifiers": [{"identifier": c.url, "relation": "isAlternateIdentifier", "scheme": "url"}],
    }


def zenodo_text(c: Citation) -> str:
    """Return .zenodo.json as JSON text."""
    return json.dumps(zenodo_document(c), indent=2, ensure_ascii=False) + "\n"


def apa(c: Citation) -> str:
    """Return an APA (7th edition) reference for a report: Author. (Year). Title (Version X). URL"""
    authors = ", ".join(c.authors[:-1]) + (", & " if len(c.authors) > 1 else "") + c.authors[-1]
    return f"{authors}. ({c.year}). {c.title} (Version {c.version}). {c.url}"


def _bibtex_escape(text: str) -> str:
    """Escape BibTeX's special characters in a field value."""
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def bibtex(c: Citation) -> str:
    """Return a BibTeX @techreport entry for this version (authors are organisations, braced)."""
    fields = {
        "title": _bibtex_escape(c.title),
        "author": " and ".join("{" + _bibtex_escape(a) + "}" for a in c.authors),
        "year": c.year, "number": f"Version {c.version}", "version": c.version,
        "type": "Report", "institution": _bibtex_escape(" and ".join(c.authors)), "url": c.url,
    }
    if c.date:
        fields["date"] = c.date
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@techreport{{{BIBTEX_KEY}-{c.version},\n{body}\n}}\n"
