"""The data dictionary: what data/datapackage.json says about each table and column, for the methods chapter.

Pure functions of the descriptor (a dict as read by ``package.read_descriptor``): frames for tables,
Markdown for text. Every value from the descriptor is escaped once (``fmt.escape_markdown`` in Markdown,
``tables.html_table`` in tables), so it shows as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import pandas as pd
from IPython.display import Markdown

from ibsa_report.report.fmt import URL_SAFE, escape_markdown, one_line, web_address
from ibsa_report.report.tables import html_table

Descriptor = Mapping[str, Any]
Resource = Mapping[str, Any]

DOWNLOADS = "../downloads/"  # the site's downloads/ folder, seen from a chapter
DATASET_ZIP = "ibsa-report-data.zip"  # the whole data package, written there by the post-render step
FIELD_COLUMNS = ["Column", "Title", "Type", "Description", "Constraints", "Key"]


def resource(descriptor: Descriptor, name: str) -> Resource:
    """Return the resource with this name; raise KeyError naming it if there is none."""
    for res in descriptor.get("resources", []):
        if res.get("name") == name:
            return res
    raise KeyError(f"no resource named {name!r} in the data package")


def _as_list(value: str | list[str]) -> list[str]:
    """Return a Table Schema key (a column name or a list of names) as a list."""
    return [value] if isinstance(value, str) else list(value)


def primary_key(res: Resource) -> list[str]:
    """Return a resource's primary key as a list of column names."""
    return _as_list(res.get("schema", {}).get("primaryKey", []))


def field_constraints(field: Mapping[str, Any]) -> str:
    """Describe a field's constraints, format and boolean spellings in words, '; '-separated."""
    rules = dict(field.get("constraints", {}))
    parts = []
    if rules.pop("required", False):
        parts.append("required")
    if rules.pop("unique", False):
        parts.append("unique")
    if "enum" in rules:
        parts.append("one of: " + ", ".join(str(v) for v in rules.pop("enum")))
    for rule, words in (("minimum", "minimum"), ("maximum", "maximum"),
                        ("minLength", "minimum length"), ("maxLength", "maximum length"), ("pattern", "pattern")):
        if rule in rules:
            parts.append(f"{words} {rules.pop(rule)}")
    parts += [f"{rule} {value}" for rule, value in rules.items()]  # any other constraint, as named in the schema
    if field.get("format", "default") != "default":
        parts.append(f"format {field['format']}")
    for spelling, words in (("trueValues", "true is written"), ("falseValues", "false is written")):
        if spelling in field:
            parts.append(f"{words} " + " or ".join(str(v) for v in field[spelling]))
    return "; ".join(parts)


def field_keys(descriptor: Descriptor, res: Resource) -> dict[str, str]:
    """Describe the primary and foreign keys each column of a resource takes part in, by column name."""
    files = {r.get("name"): r.get("path", r.get("name")) for r in descriptor.get("resources", [])}
    keys: dict[str, list[str]] = {}
    pk = primary_key(res)
    for name in pk:
        keys.setdefault(name, []).append("primary key" if len(pk) == 1 else f"primary key ({', '.join(pk)})")
    for fk in res.get("schema", {}).get("foreignKeys", []):
        target = fk["reference"].get("resource") or res.get("name")  # '' refers to the resource itself
        for name, other in zip(_as_list(fk["fields"]), _as_list(fk["reference"]["fields"])):
            keys.setdefault(name, []).append(f"refers to {other} in {files.get(target, target)}")
    return {name: "; ".join(found) for name, found in keys.items()}


def fields_frame(descriptor: Descriptor, name: str) -> pd.DataFrame:
    """One row per column of a resource: name, title, type, description, constraints and keys."""
    res = resource(descriptor, name)
    keys = field_keys(descriptor, res)
    fields = res.get("schema", {}).get("fields", [])
    return pd.DataFrame([[f["name"], f.get("title", ""), f.get("type", "not stated"), f.get("description", ""),
                          field_constraints(f), keys.get(f["name"], "")] for f in fields], columns=FIELD_COLUMNS)


def resources_frame(descriptor: Descriptor) -> pd.DataFrame:
    """One row per resource of the package: title, file, number of columns and primary key."""
    rows = [[r.get("title", r["name"]), r.get("path", ""), len(r.get("schema", {}).get("fields", [])),
             ", ".join(primary_key(r))] for r in descriptor.get("resources", [])]
    return pd.DataFrame(rows, columns=["Table", "File", "Columns", "Primary key"])


def link(text: str, url: str) -> str:
    """Return a Markdown link to an http(s) address (fmt.web_address), or the text alone for any other address."""
    try:
        target = web_address(url)
    except ValueError:
        return one_line(text)
    return f"[{one_line(text)}]({target})"


def source_markdown(source: Mapping[str, Any], citable: Iterable[str] = ()) -> str:
    """A resource source in Markdown: its title (linked), and a citation when its id is a citation key."""
    title = str(source.get("title") or source.get("id") or "untitled source")
    text = link(title, str(source.get("path", "")))
    source_id = source.get("id")
    return f"{text} [@{source_id}]" if source_id in set(citable) else text


def licences(descriptor: Descriptor, res: Resource) -> tuple[list[Mapping[str, Any]], bool]:
    """Return a resource's licences and whether they are its own (else the package's, which it inherits)."""
    own = res.get("licenses") or []
    return (list(own), True) if own else (list(descriptor.get("licenses", [])), False)


def licence_markdown(descriptor: Descriptor, res: Resource) -> str:
    """A resource's licences in Markdown: title (linked), name, and whether it is the package's licence."""
    found, own = licences(descriptor, res)
    if not found:
        return "none stated"
    named = "; ".join(link(str(lic.get("title") or lic.get("name")), str(lic.get("path", "")))
                      + (f" ({one_line(lic['name'])})" if lic.get("title") and lic.get("name") else "")
                      for lic in found)
    return named if own else f"{named}, the data package's licence"


def missing_markdown(res: Resource) -> str:
    """Say how a missing value is written in a resource's file."""
    spellings = res.get("schema", {}).get("missingValues", [""])
    return " or ".join("an empty cell" if s == "" else f"“{one_line(s)}”" for s in spellings)


def anchor(name: str, prefix: str) -> str:
    """Return an identifier for a resource name: prefix, then lower-case letters, digits and hyphens."""
    return prefix + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def resource_markdown(descriptor: Descriptor, name: str, citable: Iterable[str] = ()) -> str:
    """One resource in Markdown: heading, description, file, sources, licence, missing values, fields table.

    The fields table is a Quarto table float (``::: {#tbl-data-<name>}``, caption last), so it is numbered.
    """
    res = resource(descriptor, name)
    sources = [source_markdown(s, citable) for s in res.get("sources", [])]
    path = one_line(res.get("path", ""))
    lines = [
        f"### {one_line(res.get('title', name))} {{#{anchor(name, 'sec-data-')}}}", "",
        escape_markdown(res.get("description", "")), "",
        f"- File: {path}",
        f"- Source: {'; '.join(sources) if sources else 'none listed for the table as a whole'}",
        f"- Licence: {licence_markdown(descriptor, res)}",
        f"- A missing value is written as {missing_markdown(res)}", "",
        f"::: {{#{anchor(name, 'tbl-data-')}}}", "",
        html_table(fields_frame(descriptor, name)).data, "",
        f"Columns of {path}", "",
        ":::",
    ]
    return "\n".join(lines)


def dictionary(descriptor: Descriptor, citable: Iterable[str] = ()) -> Markdown:
    """The whole data dictionary: every resource of the package, in descriptor order."""
    keys = list(citable)
    resources = descriptor.get("resources", [])
    return Markdown("\n\n".join(resource_markdown(descriptor, r["name"], keys) for r in resources))


def download_link(file_name: str, folder: str = DOWNLOADS) -> Markdown:
    """A Markdown link to a file in the site's downloads folder, named by its file name."""
    return Markdown(f"[{escape_markdown(file_name)}]({quote(folder + file_name, safe=URL_SAFE)})")
