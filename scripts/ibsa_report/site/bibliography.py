"""Turn the sources registry (data/sources.csv) into a CSL YAML bibliography for pandoc's citeproc.

The file is CSL YAML inside a YAML metadata block (``---`` ... ``---``), which both ways pandoc is
given it read alike: as ``--bibliography`` (CSL YAML) and as a document (Quarto's Google Scholar step
runs ``pandoc references.yaml -t csljson`` with no ``-f``, and pandoc takes an unknown extension for
Markdown, whose metadata block then holds the references). CSL-JSON would not do: pandoc reads a
``.json`` file given without ``-f`` as its own AST and fails. BibTeX would: but the round trip from CSL
loses item types (``post-weblog``, ``speech``) and container titles of web pages.

Unconfirmed details (the word ``unknown`` in the registry) are left out of the entry, never guessed.
An unknown title becomes a bracketed description, APA's convention for an untitled work, built from the
registry row: the first sentence of its ``note`` (else what its ``csl_type`` names) and "bibliographic
details not confirmed"; its short form (``title-short``, which the in-text citation of a work without
an author shows) names the type: "[Journal article; details not confirmed]". A bracketed title is kept
as written (``[…]{.nocase}``): Chicago's title case would otherwise make it "[Journal Article; …]".

Pandoc reads every string of a YAML bibliography as Markdown (as it reads a metadata block), so the
file holds each text escaped (``fmt.escape_markdown``): a title with HTML, a link, ``$…$`` or ``@key``
in it shows as written. The address is the exception: pandoc takes ``URL`` as it is, and it must be an
http(s) address (``fmt.web_address``), since citeproc links it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ibsa_report.report.fmt import escape_markdown, web_address

SOURCES = Path("data") / "sources.csv"
UNKNOWN = "unknown"
NOT_CONFIRMED = "bibliographic details not confirmed"
SHORT_NOT_CONFIRMED = "details not confirmed"
# What a CSL item type is called in a description of an untitled work (other types: "Source").
TYPE_NAMES = {"article-journal": "Journal article", "report": "Report", "post-weblog": "Blog post",
              "webpage": "Web page", "speech": "Speech", "book": "Book", "chapter": "Book chapter",
              "legislation": "Legislation", "bill": "Bill", "dataset": "Dataset", "document": "Document"}
FIRST_SENTENCE = re.compile(r"^(.+?)[.!?](?:\s+(?=[A-Z(\"'])|$)", re.S)
DESCRIBED = ("title", "title-short")  # CSL variables whose bracketed value citeproc must not title-case
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# Registry column -> CSL-JSON variable, for the plain text fields copied as they are.
_TEXT_FIELDS = {
    "csl_type": "type",
    "container_title": "container-title",
    "publisher": "publisher",
    "url": "URL",
    "note": "note",
}


def csl_items(sources: pd.DataFrame) -> list[dict[str, Any]]:
    """Return CSL-JSON items for the registry rows, sorted by id; unknown details are omitted.

    A missing value (NA, empty, or the word 'unknown') is left out of the item, except the title:
    an unknown title becomes a bracketed description of the work (described_title).
    """
    items = [_item(row) for row in sources.to_dict(orient="records")]
    return sorted(items, key=lambda item: item["id"])


VERBATIM = ("id", "type", "URL")  # CSL variables pandoc does not read as Markdown


def bibliography_text(items: list[dict[str, Any]]) -> str:
    """Return CSL YAML items as a YAML metadata block holding ``references``, every text escaped for Markdown."""
    escaped = [{key: value if key in VERBATIM else described(value) if key in DESCRIBED else markdown_values(value)
                for key, value in item.items()} for item in items]
    body = yaml.safe_dump({"references": escaped}, allow_unicode=True, sort_keys=True, width=1_000_000)
    return "---\n" + body + "---\n"


def described(title: str) -> str:
    """Escape a title for Markdown; a bracketed one (a description) in a nocase span, so citeproc keeps its case."""
    text = escape_markdown(title)
    return f"[{text}]{{.nocase}}" if title.startswith("[") and title.endswith("]") else text


def described_title(csl_type: str | None, note: str | None) -> tuple[str, str]:
    """Describe a work whose title is unknown, from its registry row: (title, title-short), both in brackets.

    The title is the note's first sentence (what the work is), else the type's name; the short form names the type.
    """
    kind = TYPE_NAMES.get(csl_type or "", "Source")
    first = FIRST_SENTENCE.match(note.strip()) if note else None
    what = (first.group(1) if first else (note or "").strip().rstrip(".")) or kind
    return f"[{what}; {NOT_CONFIRMED}]", f"[{kind}; {SHORT_NOT_CONFIRMED}]"


def markdown_values(value: Any) -> Any:
    """Escape every string in a CSL value (a text, a list of names, a date) so that Markdown shows it as written."""
    if isinstance(value, str):
        return escape_markdown(value)
    if isinstance(value, dict):
        return {key: markdown_values(v) for key, v in value.items()}
    if isinstance(value, list):
        return [markdown_values(v) for v in value]
    return value


def write_bibliography(project: Path, out: Path) -> Path:
    """Write the CSL YAML bibliography of project/data/sources.csv to out and return out."""
    text = bibliography_text(csl_items(read_sources(project / SOURCES)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def read_sources(path: Path) -> pd.DataFrame:
    """Read the sources registry as strings, with 'unknown' (and empty cells) as missing."""
    return pd.read_csv(path, dtype="string", keep_default_na=False, na_values=[UNKNOWN, ""], encoding="utf-8")


def _item(row: dict[str, Any]) -> dict[str, Any]:
    """Build one CSL-JSON item from one registry row."""
    source_id = _known(row.get("source_id"))
    if source_id is None:
        raise ValueError("a source has no source_id")
    title = _known(row.get("title"))
    item: dict[str, Any] = {"id": source_id}
    if title is None:
        item["title"], item["title-short"] = described_title(_known(row.get("csl_type")), _known(row.get("note")))
    else:
        item["title"] = title
    for column, variable in _TEXT_FIELDS.items():
        value = _known(row.get(column))
        if value is not None:
            item[variable] = value
    if "URL" in item:
        try:
            web_address(item["URL"])
        except ValueError as exc:
            raise ValueError(f"data/sources.csv: source {source_id!r}: url: {exc}") from None
    authors = _known(row.get("author"))
    if authors is not None:
        item["author"] = csl_names(authors)
    issued = _known(row.get("issued"))
    if issued is not None:
        item["issued"] = csl_date(issued, source_id)
    return item


def csl_names(authors: str) -> list[dict[str, str]]:
    """Split 'Family, Given; Family, Given' into CSL names; a part without a comma is an organisation."""
    names = []
    for part in (p.strip() for p in authors.split(";")):
        if not part:
            continue
        if "," not in part:
            names.append({"literal": part})
            continue
        family, given = (s.strip() for s in part.split(",", 1))
        names.append({"family": family, "given": given} if given else {"family": family})
    return names


def csl_date(issued: str, source_id: str = "") -> dict[str, list[list[int]]]:
    """Turn YYYY, YYYY-MM or YYYY-MM-DD into CSL date-parts holding only the parts given."""
    match = _DATE.match(issued.strip())
    if match is None:
        raise ValueError(f"source {source_id!r}: issued {issued!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return {"date-parts": [[int(part) for part in match.groups() if part is not None]]}


def _known(value: Any) -> str | None:
    """Return the stripped text of a cell, or None when it is missing, empty or 'unknown'."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return None if text in ("", UNKNOWN) else text
