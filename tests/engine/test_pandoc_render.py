"""Tests for pandoc_render: citations, callouts, Quarto-style cross-references, headings and escaping."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from quarto_lite.pandoc_render import RenderError, Rendered, metadata_block, page_metadata, render_markdown

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    """An element of the parsed fragment."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        """Return the element's classes."""
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        """Return the element's text with white space collapsed."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def walk(self) -> list[Node]:
        """Return this element and every element inside it, in document order."""
        found = [self]
        for child in self.children:
            if isinstance(child, Node):
                found += child.walk()
        return found

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """Return the elements inside (or equal to) this one with the tag, class and attributes given."""
        return [n for n in self.walk() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def by_id(self, ident: str) -> Node | None:
        """Return the element with this id, or None."""
        found = self.find_all(id=ident)
        return found[0] if found else None

    def element_children(self) -> list[Node]:
        """Return the child elements (not text)."""
        return [c for c in self.children if isinstance(c, Node)]


class _TreeBuilder(HTMLParser):
    """Build a Node tree from an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """Parse an HTML fragment into a Node tree."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def render(markdown: str, **kwargs: Any) -> tuple[Rendered, Node]:
    """Render markdown and parse the result."""
    rendered = render_markdown(markdown, **kwargs)
    return rendered, parse(rendered.html)


@pytest.fixture
def bibliography(tmp_path: Path) -> Path:
    """Return a small CSL-JSON bibliography with two items."""
    items = [
        {"id": "doe-2020", "type": "report", "title": "A Study of Charging Decisions",
         "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020]]}},
        {"id": "org-2021", "type": "webpage", "title": "Guidance for Victims",
         "author": [{"literal": "Example Organisation"}], "issued": {"date-parts": [[2021, 3]]}},
    ]
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


FLOATS = """\
## Results {#sec-results}

See @fig-rates, @fig-map, @tbl-counts and @tbl-forces.

::: {#fig-rates .quarto-float}
![](rates.png)

::: {.float-caption}
Charging rate by *year*
:::
:::

![Map of forces](map.png){#fig-map}

| force | n |
|-------|---|
| A     | 1 |

: Counts by force {#tbl-counts}

::: {#tbl-forces .quarto-float}
| force | included |
|-------|----------|
| A     | yes      |

::: {.float-caption}
Forces included
:::
:::
"""


# --- citations and the reference list ---------------------------------------------------------


def test_citation_links_to_its_bibliography_entry(bibliography: Path) -> None:
    _, doc = render("Charging is rare [@doe-2020].\n", bibliography=bibliography)
    (cite,) = doc.find_all("span", cls="citation")
    assert cite.attrs["data-cites"] == "doe-2020"
    (link,) = cite.find_all("a")
    assert link.attrs["href"] == "#ref-doe-2020"
    entry = doc.by_id("ref-doe-2020")
    assert entry is not None and "A Study of Charging Decisions" in entry.text()


def test_references_section_has_a_heading_and_the_list(bibliography: Path) -> None:
    rendered, doc = render("## Intro\n\nSee @org-2021 and [@doe-2020].\n", bibliography=bibliography)
    sections = [s for s in doc.find_all("section") if s.element_children()[0].text() == "References"]
    assert len(sections) == 1
    heading = sections[0].element_children()[0]
    assert heading.tag == "h2"
    refs = sections[0].by_id("refs")
    assert refs is not None
    assert [e.attrs["id"] for e in refs.find_all(cls="csl-entry")] == ["ref-doe-2020", "ref-org-2021"]
    assert rendered.headings[-1] == (2, sections[0].attrs["id"], "References")


def test_no_references_section_without_citations(bibliography: Path) -> None:
    rendered, doc = render("## Intro\n\nNothing cited.\n", bibliography=bibliography)
    assert doc.by_id("refs") is None
    assert [text for _, _, text in rendered.headings] == ["Intro"]


def test_nocite_all_lists_every_entry_without_citing_any(bibliography: Path) -> None:
    rendered, doc = render("## Intro\n\nNothing cited.\n", bibliography=bibliography, metadata={"nocite": "@*\n"})
    assert [e.attrs["id"] for e in doc.by_id("refs").find_all(cls="csl-entry")] == ["ref-doe-2020", "ref-org-2021"]
    assert not doc.find_all("span", cls="citation")
    assert [text for _, _, text in rendered.headings] == ["Intro", "References"]


def test_nocite_key_adds_only_that_entry(bibliography: Path) -> None:
    _, doc = render("Charging is rare [@doe-2020].\n", bibliography=bibliography, metadata={"nocite": "@org-2021"})
    assert [e.attrs["id"] for e in doc.by_id("refs").find_all(cls="csl-entry")] == ["ref-doe-2020", "ref-org-2021"]


def test_unknown_nocite_key_raises(bibliography: Path) -> None:
    # citeproc itself says nothing about a nocite key it cannot find
    with pytest.raises(RenderError, match=r"citation not found: no-such-key \(nocite\)"):
        render_markdown("Text.\n", bibliography=bibliography, metadata={"nocite": "@doe-2020, @no-such-key"})


def test_page_metadata_passes_nocite_only() -> None:
    front = {"title": "Methods", "description": "How.", "bibliography": "other.json", "nocite": "@*\n"}
    assert page_metadata(front) == {"nocite": "@*\n"}
    assert page_metadata({"title": "Methods"}) == {}
    assert metadata_block({}) == ""
    assert metadata_block({"nocite": "@*"}).startswith("---\nnocite: '@*'\n---\n")


def test_missing_citation_key_raises(bibliography: Path) -> None:
    with pytest.raises(RenderError, match=r"^citation not found: no-such-key$"):
        render_markdown("As shown [@no-such-key].\n", bibliography=bibliography)


def test_citation_without_a_bibliography_raises() -> None:
    with pytest.raises(RenderError, match="citation not found: doe-2020"):
        render_markdown("As shown [@doe-2020].\n")


def test_missing_bibliography_file_raises(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="bibliography not found"):
        render_markdown("Text.\n", bibliography=tmp_path / "absent.json")


def test_pandoc_failure_raises_with_pandoc_message(bibliography: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csl"
    broken.write_text("this is not a CSL style", encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render_markdown("Text [@doe-2020].\n", bibliography=bibliography, csl=broken)
    assert str(caught.value) and "\n" not in str(caught.value)


# --- figures, tables and cross-references -------------------------------------------------------


def test_figures_and_tables_are_numbered_in_document_order() -> None:
    _, doc = render(FLOATS)
    figures = doc.find_all("figure")
    assert [f.attrs["id"] for f in figures] == ["fig-rates", "fig-map", "tbl-counts", "tbl-forces"]
    captions = [f.find_all("figcaption")[0].text() for f in figures]
    assert captions == ["Figure 1: Charging rate by year", "Figure 2: Map of forces",
                        "Table 1: Counts by force", "Table 2: Forces included"]
    assert figures[0].find_all("figcaption")[0].find_all("em")[0].text() == "year"
    assert all(len(f.find_all("table")) == 1 for f in figures[2:])
    assert len(doc.find_all(id="tbl-counts")) == 1, "the table must not keep a duplicate id"


def test_quarto_div_syntax_and_float_without_caption() -> None:
    _, doc = render("::: {#fig-a}\nCONTENT\n\nThe caption\n:::\n\n::: {#fig-b .quarto-float}\n![](b.png)\n:::\n")
    first, second = doc.find_all("figure")
    assert [p.text() for p in first.find_all("p")] == ["CONTENT"]
    assert first.find_all("figcaption")[0].text() == "Figure 1: The caption"
    assert second.find_all("img")[0].attrs["src"] == "b.png"
    assert second.find_all("figcaption")[0].text() == "Figure 2"


def test_floats_inside_callouts_are_numbered_in_order() -> None:
    _, doc = render("![A](a.png){#fig-a}\n\n::: {.callout-note}\n![B](b.png){#fig-b}\n:::\n\n"
                    "![C](c.png){#fig-c}\n")
    assert [f.find_all("figcaption")[0].text() for f in doc.find_all("figure")] == [
        "Figure 1: A", "Figure 2: B", "Figure 3: C"]


def test_cross_references_link_to_existing_ids_with_their_numbers() -> None:
    _, doc = render(FLOATS)
    links = doc.find_all("a", cls="quarto-xref")
    assert [(a.attrs["href"], a.text()) for a in links] == [
        ("#fig-rates", "Figure 1"), ("#fig-map", "Figure 2"), ("#tbl-counts", "Table 1"), ("#tbl-forces", "Table 2")]
    for link in links:
        assert doc.by_id(link.attrs["href"][1:]) is not None


def test_reference_before_the_figure_it_names() -> None:
    _, doc = render("As @fig-b shows.\n\n![First](a.png){#fig-a}\n\n![Second](b.png){#fig-b}\n")
    (link,) = doc.find_all("a", cls="quarto-xref")
    assert (link.attrs["href"], link.text()) == ("#fig-b", "Figure 2")


def test_section_reference_uses_the_heading_text() -> None:
    _, doc = render("## Methods and *data* {#sec-methods}\n\nText.\n\n## Results\n\nAs @sec-methods explains.\n")
    (link,) = doc.find_all("a", cls="quarto-xref")
    assert link.attrs["href"] == "#sec-methods"
    assert link.text() == "Methods and data"
    assert doc.by_id("sec-methods") is not None


def test_bracketed_and_mixed_references(bibliography: Path) -> None:
    _, doc = render("Counts (see [@tbl-a]) and @tbl-a [@doe-2020].\n\n| x |\n|---|\n| 1 |\n\n: Cap {#tbl-a}\n",
                    bibliography=bibliography)
    assert [a.text() for a in doc.find_all("a", cls="quarto-xref")] == ["Table 1", "Table 1"]
    (cite,) = doc.find_all("span", cls="citation")
    assert cite.attrs["data-cites"] == "doe-2020"


@pytest.mark.parametrize("label", ["fig-missing", "tbl-missing", "sec-missing"])
def test_unresolved_cross_reference_raises(label: str) -> None:
    with pytest.raises(RenderError, match=rf"^unresolved cross-reference @{label}$"):
        render_markdown(f"## Intro {{#sec-intro}}\n\nSee @{label}.\n\n![A](a.png){{#fig-a}}\n")


def test_duplicate_label_raises() -> None:
    with pytest.raises(RenderError, match="duplicate cross-reference id fig-a"):
        render_markdown("![A](a.png){#fig-a}\n\n![B](b.png){#fig-a}\n")


# --- callouts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "title"), [
    ("note", "Note"), ("warning", "Warning"), ("important", "Important"), ("tip", "Tip"), ("caution", "Caution")])
def test_callout_gets_class_role_and_default_title(kind: str, title: str) -> None:
    _, doc = render(f"::: {{.callout-{kind}}}\nBody text.\n:::\n")
    (box,) = doc.find_all("div", cls=f"callout-{kind}")
    assert "callout" in box.classes
    assert box.attrs["role"] == "note"
    first, *rest = box.element_children()
    assert (first.tag, first.classes, first.text()) == ("p", ["callout-title"], title)
    assert [(n.tag, n.text()) for n in rest] == [("p", "Body text.")]


def test_callout_title_attribute() -> None:
    _, doc = render('::: {.callout-important title="If you have been affected"}\nCall the helpline.\n:::\n')
    (title,) = doc.find_all("p", cls="callout-title")
    assert title.text() == "If you have been affected"
    (box,) = doc.find_all("div", cls="callout")
    assert "title" not in box.attrs and "data-title" not in box.attrs


def test_callout_heading_becomes_the_title() -> None:
    rendered, doc = render("## Section\n\n::: {.callout-tip}\n## Tip *with* title\n\nBody.\n:::\n")
    (title,) = doc.find_all("p", cls="callout-title")
    assert title.text() == "Tip with title"
    assert not doc.find_all("h2", id="tip-with-title") and doc.by_id("tip-with-title") is None
    assert [text for _, _, text in rendered.headings] == ["Section"]


def test_callout_title_is_escaped() -> None:
    _, doc = render('::: {.callout-note title="Use <b> & co"}\nBody.\n:::\n')
    (title,) = doc.find_all("p", cls="callout-title")
    assert title.text() == "Use <b> & co"
    assert not title.find_all("b")


# --- headings -----------------------------------------------------------------------------------


def test_headings_for_the_table_of_contents() -> None:
    markdown = ("# Title\n\n## First part\n\n### A detail {#sec-detail}\n\n#### Too deep\n\n"
                "## Second `part`\n\nText.\n")
    rendered, doc = render(markdown)
    assert rendered.headings == [(2, "first-part", "First part"), (3, "sec-detail", "A detail"),
                                 (2, "second-part", "Second part")]
    for _, ident, _ in rendered.headings:
        assert doc.by_id(ident) is not None


def test_filters_ship_beside_the_module() -> None:
    from quarto_lite import pandoc_render

    for name in pandoc_render.LUA_FILTERS:
        assert (Path(pandoc_render.__file__).parent / "filters" / name).is_file()


# --- escaping and determinism ---------------------------------------------------------------------


def test_inline_code_stays_escaped() -> None:
    rendered, doc = render("Never run `<script>alert(1)</script>` here.\n")
    assert not doc.find_all("script")
    (code,) = doc.find_all("code")
    assert code.text() == "<script>alert(1)</script>"
    assert "&lt;script&gt;" in rendered.html


def test_escaped_entity_stays_escaped() -> None:
    rendered, doc = render("The tag &lt;b&gt;bold&lt;/b&gt; is text.\n")
    assert not doc.find_all("b")
    assert "<b>bold</b> is text" in doc.text()


def test_raw_html_passes_through_as_pandoc_markdown_defines() -> None:
    _, doc = render('Some <span class="raw">raw</span> HTML.\n')
    assert [n.text() for n in doc.find_all("span", cls="raw")] == ["raw"]


def test_output_is_deterministic(bibliography: Path) -> None:
    markdown = FLOATS + "\n::: {.callout-note}\nCited [@doe-2020].\n:::\n"
    first = render_markdown(markdown, bibliography=bibliography)
    second = render_markdown(markdown, bibliography=bibliography)
    assert first == second


def test_links_to_markdown_pages_point_to_html() -> None:
    rendered = render_markdown("See the [changelog](../CHANGELOG.md#corrections) and [notes](notes.md).\n")
    assert 'href="../CHANGELOG.html#corrections"' in rendered.html and 'href="notes.html"' in rendered.html
