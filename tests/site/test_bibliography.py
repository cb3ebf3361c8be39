"""Tests for bibliography: the sources registry as CSL-JSON, and rendering against it."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import subprocess

import pandas as pd
import pypandoc
import pytest
import yaml
from bs4 import BeautifulSoup

from ibsa_report.site.bibliography import bibliography_text, csl_items, described_title, read_sources, write_bibliography
from quarto_lite.pandoc_render import render_markdown

COLUMNS = ["source_id", "kind", "csl_type", "title", "author", "container_title", "publisher", "issued",
           "url", "note"]


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """Return a registry frame; columns not given are missing (NA)."""
    return pd.DataFrame([{c: row.get(c, pd.NA) for c in COLUMNS} for row in rows], dtype="string")


def one(**row: Any) -> dict[str, Any]:
    """Return the single CSL item for one registry row (source_id defaults to 'x')."""
    row.setdefault("source_id", "x")
    (item,) = csl_items(frame(row))
    return item


class _ElementText(HTMLParser):
    """Collect the text inside the element with a given id."""

    def __init__(self, ident: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ident, self.depth, self.parts = ident, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or dict(attrs).get("id") == self.ident:
            self.depth += tag not in ("img", "br", "hr", "meta", "link", "input")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def element_text(html: str, ident: str) -> str:
    """Return the text of the element with this id (empty if there is none)."""
    parser = _ElementText(ident)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


# --- csl_items -------------------------------------------------------------------------------------


def test_person_authors() -> None:
    item = one(author="Bottomley, Bo; Bruckmayer, Michaela")
    assert item["author"] == [{"family": "Bottomley", "given": "Bo"}, {"family": "Bruckmayer", "given": "Michaela"}]


def test_organisation_author_is_a_literal_name() -> None:
    item = one(author="House of Commons Women and Equalities Committee")
    assert item["author"] == [{"literal": "House of Commons Women and Equalities Committee"}]


@pytest.mark.parametrize(("issued", "parts"), [
    ("2025", [[2025]]), ("2022-07", [[2022, 7]]), ("2023-01-25", [[2023, 1, 25]])])
def test_partial_dates_keep_only_the_parts_given(issued: str, parts: list[list[int]]) -> None:
    assert one(issued=issued)["issued"] == {"date-parts": parts}


def test_invalid_date_is_an_error() -> None:
    with pytest.raises(ValueError, match="issued"):
        one(issued="25/01/2023")


def test_fields_map_to_csl_variables() -> None:
    item = one(source_id="s", kind="document", csl_type="post-weblog", title="T", container_title="Refuge blog",
               publisher="Refuge", url="https://example.org/a", note="N")
    assert item == {"id": "s", "type": "post-weblog", "title": "T", "container-title": "Refuge blog",
                    "publisher": "Refuge", "URL": "https://example.org/a", "note": "N"}


@pytest.mark.parametrize("missing", [pd.NA, "unknown", ""])
def test_unknown_details_are_omitted(missing: Any) -> None:
    item = one(csl_type="webpage", title="Known title", author=missing, container_title=missing,
               publisher=missing, issued=missing, url=missing, note=missing)
    assert item == {"id": "x", "type": "webpage", "title": "Known title"}


@pytest.mark.parametrize("missing", [pd.NA, "unknown"])
def test_an_unknown_title_becomes_a_bracketed_description_from_the_row(missing: Any) -> None:
    item = one(title=missing, csl_type="report", note="Annual report on police recording. Its title is not known.")
    assert item["title"] == "[Annual report on police recording; bibliographic details not confirmed]"
    assert item["title-short"] == "[Report; details not confirmed]"
    assert one(title=missing)["title"] == "[Source; bibliographic details not confirmed]"  # no note, no type


def test_a_description_is_built_from_the_note_else_the_type() -> None:
    assert described_title("article-journal", None) == ("[Journal article; bibliographic details not confirmed]",
                                                        "[Journal article; details not confirmed]")
    assert described_title("webpage", "A page (2016/17) on the law.")[0] == (
        "[A page (2016/17) on the law; bibliographic details not confirmed]")


def test_a_bracketed_title_is_kept_as_written_by_citeproc(tmp_path: Path) -> None:
    """Chicago title-cases titles: '[Journal article; ...]' would become '[Journal Article; ...]' without nocase."""
    items = csl_items(frame({"source_id": "x", "csl_type": "article-journal", "note": "Study of ten cases in Kent."}))
    (tmp_path / "refs.yaml").write_text(bibliography_text(items), encoding="utf-8")
    rendered = render_markdown("Text [@x].\n", bibliography=tmp_path / "refs.yaml").html
    doc = BeautifulSoup(rendered, "html.parser")
    assert doc.select_one(".citation").get_text() == "([Journal article; details not confirmed], n.d.)"
    assert " ".join(element_text(rendered, "ref-x").split()) == (
        "[Study of ten cases in Kent; bibliographic details not confirmed]. n.d.")


def test_items_are_sorted_by_id() -> None:
    items = csl_items(frame({"source_id": "b", "title": "B"}, {"source_id": "a", "title": "A"}))
    assert [i["id"] for i in items] == ["a", "b"]


# --- write_bibliography on the real registry --------------------------------------------------------


@pytest.fixture
def written(project: Path, tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Write the real registry's bibliography; return the path and its items (as csl_items gives them, unescaped)."""
    out = write_bibliography(project, tmp_path / "out" / "references.yaml")
    written = yaml.safe_load(out.read_text(encoding="utf-8").removeprefix("---\n").removesuffix("---\n"))["references"]
    items = csl_items(read_sources(project / "data" / "sources.csv"))
    assert [i["id"] for i in written] == [i["id"] for i in items]
    return out, items


def test_real_registry_converts_with_every_id(project: Path, written: tuple[Path, list[dict[str, Any]]]) -> None:
    _, items = written
    ids = pd.read_csv(project / "data" / "sources.csv", dtype=str)["source_id"].tolist()
    assert [i["id"] for i in items] == sorted(ids)
    assert all(i["title"] and i["type"] for i in items)


def test_real_registry_never_says_unknown(written: tuple[Path, list[dict[str, Any]]]) -> None:
    out, items = written
    assert '"unknown"' not in out.read_text(encoding="utf-8")
    by_id = {i["id"]: i for i in items}
    article = by_id["interviews-article"]
    assert article["title"] == (
        "[Peer-reviewed journal article reporting 28 in-depth interviews (2016/17) with 17 women victims, "
        "6 stakeholders and 5 criminal justice staff on legislative and policing responses to IBSA in England and "
        "Wales; bibliographic details not confirmed]")
    assert article["title-short"] == "[Journal article; details not confirmed]"
    assert not {"author", "container-title", "publisher", "issued", "URL"} & article.keys()
    assert by_id["wec-2025-hc336"]["author"] == [{"literal": "House of Commons Women and Equalities Committee"}]
    assert by_id["edp24-2022-tougher-laws"]["issued"] == {"date-parts": [[2022, 7]]}


def test_written_file_is_a_stable_metadata_block(written: tuple[Path, list[dict[str, Any]]]) -> None:
    out, items = written
    text = out.read_text(encoding="utf-8")
    assert text.startswith("---\nreferences:\n") and text.endswith("\n---\n")
    assert text == bibliography_text(items)
    assert "–" in text, "non-ASCII characters are written as they are"


def test_read_sources_treats_unknown_as_missing(project: Path) -> None:
    sources = read_sources(project / "data" / "sources.csv")
    row = sources.set_index("source_id").loc["interviews-article"]
    assert pd.isna(row["title"]) and pd.isna(row["author"])


def test_citing_the_real_bibliography_lists_the_authors(written: tuple[Path, list[dict[str, Any]]]) -> None:
    out, _ = written
    rendered = render_markdown("Charging rates were low [@refuge-2023-blog].\n", bibliography=out)
    references = element_text(rendered.html, "refs")
    assert "Bottomley" in references
    assert "intimate image abuse" in element_text(rendered.html, "ref-refuge-2023-blog").casefold()


def test_the_unknown_article_reads_as_a_description_in_text_and_in_the_list(
        written: tuple[Path, list[dict[str, Any]]]) -> None:
    """`pandoc --citeproc` (the default CSL, as both engines use) on the real bibliography."""
    out, _ = written
    done = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "plain", "--citeproc", "--wrap=none",
                           "--bibliography", str(out)], input="Found [@interviews-article].\n",
                          capture_output=True, text=True, check=True)
    cited, entry = [line for line in done.stdout.splitlines() if line.strip()]
    assert cited == "Found ([Journal article; details not confirmed], n.d.)."
    assert entry.startswith("[Peer-reviewed journal article reporting 28 in-depth interviews (2016/17)")
    assert entry.endswith("in England and Wales; bibliographic details not confirmed]. n.d.")
    assert "Unknown" not in done.stdout and "Title" not in done.stdout


def test_pandoc_without_a_format_reads_every_item(written: tuple[Path, list[dict[str, Any]]]) -> None:
    """Quarto's Google Scholar step runs `pandoc <bibliography> -t csljson --citeproc` with no -f."""
    out, items = written
    done = subprocess.run([pypandoc.get_pandoc_path(), str(out), "-t", "csljson", "--citeproc"],
                          capture_output=True, text=True, check=True)
    read = {i["id"]: i for i in json.loads(done.stdout)}
    assert sorted(read) == [i["id"] for i in items]
    for item in items:
        assert read[item["id"]]["type"] == item["type"]
        assert read[item["id"]].get("container-title") == item.get("container-title")


# --- hostile text in the registry -------------------------------------------------------------------

HOSTILE = 'T <img src=x onerror=alert(1)> *em* [l](javascript:alert(2)) $x$ @refuge-2023-blog <!-- c'


def test_text_in_the_registry_shows_as_written_in_the_reference_list(tmp_path: Path) -> None:
    """Pandoc reads a YAML bibliography's strings as Markdown: unescaped, this title ran script."""
    items = csl_items(frame({"source_id": "x", "csl_type": "webpage", "title": HOSTILE, "publisher": "P <b>b</b>",
                             "author": "Doe <i>x</i>, Jane $y$", "url": "https://example.org/a_b*c"}))
    (tmp_path / "refs.yaml").write_text(bibliography_text(items), encoding="utf-8")
    html = render_markdown("Text [@x].\n", bibliography=tmp_path / "refs.yaml").html
    entry = element_text(html, "ref-x").casefold()  # the style capitalises the title's words
    for shown in (HOSTILE, "P <b>b</b>", "Doe <i>x</i>", "Jane $y$"):
        assert shown.casefold() in entry, shown
    assert not {"img", "em", "b", "i", "math"} & {tag for tag in _tags(html)}
    assert [a["href"] for a in BeautifulSoup(html, "html.parser").select(".csl-entry a")] == ["https://example.org/a_b*c"]


def _tags(html: str) -> set[str]:
    """Return the names of the elements in an HTML fragment, but for the ones every entry has."""
    return {tag.name for tag in BeautifulSoup(html, "html.parser").find_all(True)} - {"span", "div", "p", "a"}


@pytest.mark.parametrize("url", ["javascript:alert(3)", "data:text/html,x"])
def test_an_address_that_is_not_a_web_address_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"^data/sources.csv: source 'x': url: not a web address"):
        one(url=url)
