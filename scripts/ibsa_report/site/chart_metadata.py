"""downloads/<chart-id>.metadata.json for every chart, and the dataset README's list of charts (post-render).

Each chart's facts (report/chart_facts.py, written by the kernel beside its CSV) are joined with what
only the project knows: the source's title and address (data/sources.csv), the data's licence
(data/datapackage.json `licenses`), the report's licence and the citation of this version
(CITATION.cff, release/citation.py) and the chart's page, found in the rendered pages. Nothing here is
typed: a licence or citation that changes in those files changes every metadata.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from quarto_lite.source_files import load_yaml_mapping, read_utf8

from ibsa_report.release.citation import CFF, Citation, apa
from ibsa_report.report.chart_facts import FACTS_SUFFIX, read_facts
from ibsa_report.site.bibliography import SOURCES, read_sources
from ibsa_report.site_checks import CHART_FIGURE
from ibsa_report.sources import downloads_dir

PICTURES = ("png", "svg")


@dataclass(frozen=True)
class ChartMetadata:
    """One chart's metadata: the page it is on (relative to the site) and the JSON document."""

    chart_id: str
    page: str
    document: dict[str, Any]

    @property
    def title(self) -> str:
        """Return the chart's title."""
        return str(self.document["title"])


def chart_pages(site: Path, pages: list[Path]) -> dict[str, str]:
    """Return the page (relative to site) each chart id is drawn on."""
    found: dict[str, str] = {}
    for page in pages:
        for chart_id in CHART_FIGURE.findall(page.read_text(encoding="utf-8")):
            found.setdefault(chart_id, page.relative_to(site).as_posix())
    return found


def data_licences(data_dir: Path) -> list[dict[str, str]]:
    """Return the data package's licences as datapackage.json lists them; raise ValueError if it lists none."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    licences = descriptor.get("licenses") or []
    if not licences:
        raise ValueError("data/datapackage.json: licenses: the data package names no licence")
    return [{k: str(v) for k, v in licence.items()} for licence in licences]


def report_licence(root: Path) -> str | None:
    """Return the report's licence as CITATION.cff's preferred citation gives it."""
    data = load_yaml_mapping(read_utf8(root / CFF, CFF), CFF)
    preferred = data.get("preferred-citation") or {}
    value = preferred.get("license") if isinstance(preferred, dict) else None
    return str(value) if value else None


def sources(root: Path) -> dict[str, dict[str, str | None]]:
    """Return each source's title, publisher, date and address from data/sources.csv ('unknown' as None)."""
    keep = ["title", "publisher", "issued", "url"]
    rows = read_sources(root / SOURCES).set_index("source_id")[keep]
    return {source_id: {k: (None if pd.isna(v) else str(v)) for k, v in row.items()} for source_id, row in rows.iterrows()}


def citation_document(c: Citation, licence: str | None) -> dict[str, Any]:
    """Return how to cite this version of the report."""
    return {"text": apa(c), "title": c.title, "authors": list(c.authors), "version": c.version,
            "date": c.date, "url": c.url, "licence": licence}


def metadata_document(facts: dict[str, Any], *, permalink: str, licences: list[dict[str, str]],
                      citation: dict[str, Any], known_sources: dict[str, dict[str, str | None]],
                      files: list[str]) -> dict[str, Any]:
    """Return one chart's metadata.json content."""
    source = dict(facts["source"])
    if source.get("id"):
        if source["id"] not in known_sources:
            raise ValueError(f"{facts['id']}{FACTS_SUFFIX}: source id {source['id']!r} is not in data/sources.csv")
        source |= known_sources[source["id"]]
    return {
        "id": facts["id"], "title": facts["title"], "subtitle": facts["subtitle"], "alt": facts["alt"],
        "permalink": permalink, "columns": facts["columns"], "rows": facts["rows"], "period": facts["period"],
        "source": source, "licence": licences, "citation": citation, "files": files,
    }


def chart_metadata(root: Path, site: Path, pages: list[Path], c: Citation) -> list[ChartMetadata]:
    """Return the metadata of every chart whose facts the build wrote and whose page is in the site."""
    on_page = chart_pages(site, pages)
    licences = data_licences(root / "data")
    citation = citation_document(c, report_licence(root))
    known = sources(root)
    found = []
    for facts in read_facts(downloads_dir(root)):
        chart_id = facts["id"]
        if chart_id not in on_page:
            continue  # a chart drawn outside the site's pages (a notebook run, say)
        files = [f"{chart_id}.csv"] + [f"{chart_id}.{kind}" for kind in PICTURES
                                       if (site / "downloads" / f"{chart_id}.{kind}").is_file()]
        document = metadata_document(facts, permalink=f"{c.url}{on_page[chart_id]}#{chart_id}", licences=licences,
                                     citation=citation, known_sources=known, files=files)
        found.append(ChartMetadata(chart_id, on_page[chart_id], document))
    return found


def write_metadata(site: Path, charts: list[ChartMetadata]) -> list[Path]:
    """Write downloads/<chart-id>.metadata.json for each chart (sorted keys, so builds are byte-identical)."""
    written = []
    for chart in charts:
        path = site / "downloads" / f"{chart.chart_id}.metadata.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(chart.document, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written


def dataset_readme(title: str, charts: list[ChartMetadata]) -> str:
    """Return the dataset zip's README.md: the package, then each chart's files with title, units, source, licence."""
    lines = [f"# {title}", "", "The data package: `datapackage.json` describes every CSV file in this folder.", "",
             "## The charts' data", "",
             "Each chart of the report has its data as a CSV file (and its metadata as JSON) under `downloads/` on "
             "the site:", ""]
    for chart in sorted(charts, key=lambda m: m.chart_id):
        doc = chart.document
        units = "; ".join(f"{col['name']}: {col['unit']}" for col in doc["columns"])
        licences = ", ".join(lic.get("title") or lic.get("name", "") for lic in doc["licence"])
        source = doc["source"]["text"]
        lines += [f"### `{chart.chart_id}.csv`", "", f"- Title: {doc['title']}"]
        lines += [f"- Subtitle: {doc['subtitle']}"] if doc["subtitle"] else []
        lines += [f"- Columns and units: {units}", f"- Source: {source}"]
        lines += [f"- Period: {doc['period']['label']}"] if doc["period"] else []
        lines += [f"- Licence: {licences}", f"- Chart: {doc['permalink']}", ""]
    return "\n".join(lines)
