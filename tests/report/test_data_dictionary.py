"""Tests for data_dictionary: every resource and column of datapackage.json, escaped, and the methods page's claims."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ibsa_report.report import data_dictionary as dd
from ibsa_report.site.bibliography import read_sources, write_bibliography
from ibsa_report.site.downloads import DATASET_ZIP, write_dataset_zip
from ibsa_report.evidence.package import read_descriptor
from quarto_lite.pandoc_render import page_metadata, render_markdown
from quarto_lite.qmd import parse_qmd
from ibsa_report.report.fmt import table_markup

from conftest import ROOT

SCRIPT = "<script>alert(1)</script>"
SOURCE_IDS = ["refuge-2023-blog", "interviews-article"]


@pytest.fixture(scope="module")
def descriptor() -> dict[str, Any]:
    """Return the committed data/datapackage.json."""
    return read_descriptor(ROOT)


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the bibliography the build writes from data/sources.csv."""
    return write_bibliography(ROOT, tmp_path_factory.mktemp("refs") / "references.yaml")


def rendered(markdown: str, bibliography: Path | None = None) -> BeautifulSoup:
    """Render Markdown as the built-in engine does and parse the HTML."""
    return BeautifulSoup(render_markdown(markdown, bibliography=bibliography).html, "html.parser")


# --- every resource, every column ---------------------------------------------------------------


def test_fields_frame_lists_every_column_with_its_type(descriptor: dict[str, Any]) -> None:
    for res in descriptor["resources"]:
        frame = dd.fields_frame(descriptor, res["name"])
        expected = [(f["name"], f["type"], f["title"], f["description"]) for f in res["schema"]["fields"]]
        assert list(frame[["Column", "Type", "Title", "Description"]].itertuples(index=False, name=None)) == expected


def test_resources_frame_lists_every_resource(descriptor: dict[str, Any]) -> None:
    frame = dd.resources_frame(descriptor)
    assert list(frame["File"]) == [r["path"] for r in descriptor["resources"]]
    assert list(frame["Columns"]) == [len(r["schema"]["fields"]) for r in descriptor["resources"]]
    assert frame.set_index("File").loc["foi_responses.csv", "Primary key"] == "round_id, force_id"


def test_dictionary_renders_a_section_and_a_numbered_table_per_resource(descriptor: dict[str, Any],
                                                                         references: Path) -> None:
    doc = rendered(dd.dictionary(descriptor, SOURCE_IDS).data, references)
    resources = descriptor["resources"]
    headings = [h.get_text(" ", strip=True) for h in doc.find_all("h3")]
    assert headings == [r["title"] for r in resources]
    captions = [f.find("figcaption").get_text(" ", strip=True) for f in doc.find_all("figure")]
    assert captions == [f"Table {i}: Columns of {r['path']}" for i, r in enumerate(resources, 1)]
    for res in resources:
        table = doc.find("figure", id=dd.anchor(res["name"], "tbl-data-")).find("table")
        cells = [[td.get_text() for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
        assert [(row[0], row[2]) for row in cells] == [(f["name"], f["type"]) for f in res["schema"]["fields"]]


def test_resource_card_names_file_source_licence_and_missing_values(descriptor: dict[str, Any],
                                                                    references: Path) -> None:
    text = rendered(dd.resource_markdown(descriptor, "sources", SOURCE_IDS), references).get_text(" ", strip=True)
    assert "File: sources.csv" in text
    assert "Source: Refuge (2023), Intimate image abuse" in text and "Bottomley and Bruckmayer 2023" in text
    assert "Licence: Creative Commons Attribution 4.0 (CC-BY-4.0), the data package’s licence" in text
    assert "A missing value is written as “unknown”" in text


# --- constraints and keys ------------------------------------------------------------------------


@pytest.mark.parametrize(("resource", "column", "expected"), [
    ("foi_responses", "data_provided", "required; one of: yes, no, limited"),
    ("foi_responses", "included", "required; true is written yes; false is written no"),
    ("foi_rounds", "forces_asked", "required; minimum 0"),
    ("forces", "name", "required; minimum length 1"),
    ("sources", "source_id", "required; pattern ^[a-z0-9][a-z0-9-]*$"),
    ("sources", "url", "pattern ^(https?://[^\\s/<>\"]+[^\\s<>\"]*|unknown)$; format uri"),
    ("sources", "title", ""),
])
def test_constraints_in_words(descriptor: dict[str, Any], resource: str, column: str, expected: str) -> None:
    frame = dd.fields_frame(descriptor, resource).set_index("Column")
    assert frame.loc[column, "Constraints"] == expected


@pytest.mark.parametrize(("resource", "column", "expected"), [
    ("forces", "force_id", "primary key"),
    ("foi_responses", "round_id", "primary key (round_id, force_id); refers to round_id in foi_rounds.csv"),
    ("foi_responses", "data_provided", ""),
    ("interview_groups", "parent_group_id", "refers to group_id in interview_groups.csv"),  # reference to itself
])
def test_keys(descriptor: dict[str, Any], resource: str, column: str, expected: str) -> None:
    assert dd.fields_frame(descriptor, resource).set_index("Column").loc[column, "Key"] == expected


def test_unnamed_constraints_and_own_licence_are_shown() -> None:
    descriptor = {"licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}], "resources": [
        {"name": "t", "path": "t.csv", "licenses": [{"name": "ODC-By-1.0", "path": "https://opendatacommons.org/"}],
         "schema": {"fields": [{"name": "a", "constraints": {"unique": True, "maximum": 9, "jsonSchema": "x"}}]}}]}
    frame = dd.fields_frame(descriptor, "t")
    assert frame.loc[0, "Constraints"] == "unique; maximum 9; jsonSchema x"
    assert frame.loc[0, "Type"] == "not stated"
    licence = dd.licence_markdown(descriptor, descriptor["resources"][0])
    assert licence == "[ODC\\-By\\-1\\.0](https://opendatacommons.org/)"


def test_unknown_resource_is_named() -> None:
    with pytest.raises(KeyError, match="no resource named 'nope'"):
        dd.fields_frame({"resources": []}, "nope")


# --- escaping: data text shows as written ----------------------------------------------------------


@pytest.fixture
def planted(project: Path) -> dict[str, Any]:
    """Return a tmp copy of the descriptor with markup planted in its titles, descriptions and sources."""
    path = project / "data" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    forces = next(r for r in descriptor["resources"] if r["name"] == "forces")
    forces["title"] = f"Forces {SCRIPT}"
    forces["description"] = f"{SCRIPT} *not emphasis* @refuge-2023-blog [link](https://example.org) {{#id}}"
    forces["schema"]["fields"][1]["description"] = SCRIPT
    forces["sources"] = [{"id": "x", "title": f"Source {SCRIPT}", "path": "javascript:alert(1)"}]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    return read_descriptor(project)


def test_planted_markup_in_the_descriptor_shows_as_written(planted: dict[str, Any], references: Path) -> None:
    doc = rendered(dd.resource_markdown(planted, "forces", SOURCE_IDS), references)
    assert doc.find("script") is None
    assert doc.find("h3").get_text(" ", strip=True) == f"Forces {SCRIPT}"
    text = doc.get_text(" ", strip=True)
    assert f"{SCRIPT} *not emphasis* @refuge-2023-blog [link](https://example.org) {{#id}}" in text
    assert f"Source: Source {SCRIPT}" in text
    assert doc.find("em") is None and doc.find(class_="citation") is None
    assert not [a["href"] for a in doc.find_all("a") if "javascript" in a["href"] or "example.org" in a["href"]]
    cells = [td.get_text() for td in doc.find("table").find_all("td")]
    assert SCRIPT in cells


def test_fields_table_html_is_escaped(planted: dict[str, Any]) -> None:
    html = table_markup(dd.fields_frame(planted, "forces"))
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_link_quotes_the_address_and_refuses_other_schemes() -> None:
    assert dd.link("a", "https://example.org/a(b)c") == "[a](https://example.org/a%28b%29c)"
    assert dd.link("a", "https://example.org/a b") == "a"  # not a web address (fmt.web_address)
    assert dd.link("a", "javascript:alert(1)") == "a"
    assert dd.link("a", "") == "a"


def test_source_is_cited_only_when_its_id_is_a_citation_key() -> None:
    source = {"id": "refuge-2023-blog", "title": "Refuge", "path": "https://refuge.org.uk/"}
    assert dd.source_markdown(source, SOURCE_IDS) == "[Refuge](https://refuge.org.uk/) [@refuge-2023-blog]"
    assert dd.source_markdown(source) == "[Refuge](https://refuge.org.uk/)"


# --- the methods page's claims ----------------------------------------------------------------------


def test_download_link_points_at_the_dataset_zip() -> None:
    doc = rendered(dd.download_link(DATASET_ZIP).data)
    link = doc.find("a")
    assert link["href"] == f"../downloads/{DATASET_ZIP}" and link.get_text() == DATASET_ZIP


def frictionless_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run `frictionless validate datapackage.json` in folder, as the methods page tells readers to."""
    command = [str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)


def test_dataset_zip_validates_with_frictionless(project: Path, tmp_path: Path) -> None:
    archive = write_dataset_zip(project / "data", tmp_path / DATASET_ZIP)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "good")
    assert frictionless_validate(tmp_path / "good").returncode == 0
    forces = project / "data" / "forces.csv"
    forces.write_text(forces.read_text(encoding="utf-8") + "bedfordshire,Again,Again\n", encoding="utf-8")
    with zipfile.ZipFile(write_dataset_zip(project / "data", tmp_path / "bad.zip")) as zipped:
        zipped.extractall(tmp_path / "bad")
    assert frictionless_validate(tmp_path / "bad").returncode != 0  # a duplicate primary key fails


def test_methods_page_lists_every_source_in_its_references(references: Path) -> None:
    page = parse_qmd((ROOT / "chapters" / "methods.qmd").read_text(encoding="utf-8"))
    html = render_markdown("## Sources\n\nNothing cited here.\n", bibliography=references,
                           metadata=page_metadata(page.front_matter)).html
    entries = BeautifulSoup(html, "html.parser").select("#refs .csl-entry")
    ids = read_sources(ROOT / "data" / "sources.csv")["source_id"]
    assert sorted(e["id"] for e in entries) == sorted(f"ref-{i}" for i in ids)
