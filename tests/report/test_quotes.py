"""Interview quotes read exactly as published, with their attributions, and the chapter anchors them.

Three levels: the Markdown that quotes.py writes (undoing its escaping gives back the data), that
Markdown through pandoc, and the interviews chapter built with the built-in engine from a copy of the
project in which one quote carries planted HTML.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from ibsa_report.evidence import frames as evidence
from ibsa_report.sources import SITE
from ibsa_report.report import quotes
from ibsa_report.build import build_site
from quarto_lite.pandoc_render import render_markdown

from conftest import ROOT

PAGE = "chapters/interviews.qmd"
PLANTED = "<script>alert(1)</script> <b>bold</b> *not emphasis* [@interviews-article]"
PLANTED_IN = "q-victim-two-voice"
CHARTS = {"chart-findings-law": "sec-law", "chart-findings-police": "sec-police",
          "chart-findings-training": "theme-training"}


def read(name: str, root: Path = ROOT) -> pd.DataFrame:
    """Read a data table as text, blanks kept as empty strings."""
    return pd.read_csv(root / "data" / name, dtype=str, keep_default_na=False)


QUOTES = read("interview_quotes.csv")
THEMES = read("interview_themes.csv")


def expected_attribution(row: pd.Series) -> str:
    """Return the attribution line a quote's row calls for."""
    return f"— {row['attribution']}" + (" (excerpt)" if row["excerpt"] == "yes" else "")


def unescape(markdown: str) -> str:
    """Undo fmt.escape_markdown: drop the backslash escapes, then decode &amp;, &lt; and &gt;."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def text_of(node) -> str:
    """Return an element's text with the edge white space trimmed."""
    return node.get_text().strip()


@pytest.fixture(scope="module")
def ev() -> evidence.Evidence:
    return evidence.load(ROOT)


# --- the Markdown quotes.py writes ---------------------------------------------------------------

@pytest.mark.parametrize("quote_id", QUOTES["quote_id"])
def test_markdown_holds_the_exact_text_and_attribution(ev, quote_id):
    row = QUOTES.set_index("quote_id").loc[quote_id]
    lines = quotes.quote(ev, quote_id).data.splitlines()
    assert lines[0] == f"::: {{#{quote_id} .quote}}" and lines[-1] == ":::"
    quoted = [line[2:] for line in lines if line.startswith("> ")]
    assert unescape("\n".join(quoted)) == row["text"]
    assert not any(re.search(r"(?<!\\)[][<>*_`@]", line) for line in quoted), "unescaped Markdown or HTML"
    credit = re.fullmatch(r"\[(.*)\]\{\.quote-attribution\}", lines[-3])
    assert credit is not None and unescape(credit.group(1)) == expected_attribution(row)


def test_every_quote_opens_with_the_content_note(ev):
    markdown = quotes.quote(ev, *QUOTES["quote_id"]).data
    page = BeautifulSoup(render_markdown(markdown).html, "html.parser")
    for quote_id in QUOTES["quote_id"]:
        first = page.find(id=quote_id).find(True)
        assert first.name == "div" and first["class"] == ["quote-note"] and first["role"] == "note", quote_id
        assert text_of(first).startswith("Content note:") and first.find_next_sibling("blockquote") is not None


def test_attribution_line_marks_excerpts():
    assert quotes.attribution_line("Victim Seven", False) == "— Victim Seven"
    assert quotes.attribution_line("Victim Seven", True) == "— Victim Seven (excerpt)"


def test_several_ids_give_their_quotes_in_the_order_given(ev):
    first, second = QUOTES["quote_id"].iloc[-1], QUOTES["quote_id"].iloc[0]
    markdown = quotes.quote(ev, first, second).data
    assert markdown == quotes.quote(ev, first).data + "\n\n" + quotes.quote(ev, second).data
    page = BeautifulSoup(render_markdown(markdown).html, "html.parser")
    assert [d["id"] for d in page.select("div.quote")] == [first, second]


def test_pandoc_shows_every_quote_as_published(ev):
    markdown = quotes.quote(ev, *QUOTES["quote_id"]).data
    page = BeautifulSoup(render_markdown(markdown).html, "html.parser")
    for _, row in QUOTES.iterrows():
        block = page.find(id=row["quote_id"])
        assert block.name == "div" and block["class"] == ["quote"], row["quote_id"]
        assert [text_of(b) for b in block.find_all("blockquote")] == [row["text"]], row["quote_id"]
        assert text_of(block.select_one(".quote-attribution")) == expected_attribution(row), row["quote_id"]


def test_html_and_markdown_in_a_quote_show_as_text():
    markdown = quotes.quote_markdown("q-planted", PLANTED + "\n\n# not a heading", "<i>Victim</i>", True)
    block = BeautifulSoup(render_markdown(markdown).html, "html.parser").find(id="q-planted")
    assert block.find_all(["script", "b", "i", "em", "h1", "span"]) == [block.select_one(".quote-attribution")]
    assert [text_of(p) for p in block.blockquote.find_all("p")] == [PLANTED, "# not a heading"]
    assert text_of(block.select_one(".quote-attribution")) == "— <i>Victim</i> (excerpt)"


# --- the chapter, built from a copy of the project ------------------------------------------------

def interviews_only(target: Path) -> Path:
    """Copy the project with the interviews chapter as its only chapter (and the help page) and HTML planted in one quote."""
    for name in ("data", "assets"):
        shutil.copytree(ROOT / name, target / name)
    (target / "chapters").mkdir()
    shutil.copy(ROOT / PAGE, target / PAGE)
    for name in ("CHANGELOG.md", "CITATION.cff", "help.qmd"):  # the chapter's content note links to the help page
        shutil.copy(ROOT / name, target / name)
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    config["project"]["render"] = [PAGE, "help.qmd"]
    config["website"]["page-footer"]["left"] = [e for e in config["website"]["page-footer"]["left"]
                                                if e["href"] in ("help.qmd", "CHANGELOG.md")]
    config["website"]["navbar"]["left"] = [e for e in config["website"]["navbar"]["left"] if e["href"] == PAGE]
    (target / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    table = target / "data" / "interview_quotes.csv"
    original = QUOTES.set_index("quote_id").loc[PLANTED_IN, "text"]
    table.write_text(table.read_text(encoding="utf-8").replace(original, f"{original} {PLANTED}"), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[BeautifulSoup, pd.DataFrame]:
    project = interviews_only(tmp_path_factory.mktemp("interviews") / "project")
    result = build_site(project, "builtin")
    assert result.pages == 3  # the chapter, the help page and the changelog
    page = BeautifulSoup((project / SITE / "chapters" / "interviews.html").read_text(encoding="utf-8"),
                         "html.parser")
    return page.select_one("main"), read("interview_quotes.csv", project)


def test_every_theme_has_a_section_titled_as_the_data(built):
    main, _ = built
    for _, theme in THEMES.iterrows():
        section = main.find(id=theme["theme_id"])
        assert section is not None and section.name == "section", theme["theme_id"]
        assert text_of(section.find(["h2", "h3"])) == theme["title"], theme["theme_id"]


def test_every_quote_appears_once_in_its_themes_section(built):
    main, planted = built
    for _, row in planted.iterrows():
        blocks = main.find_all(id=row["quote_id"])
        assert len(blocks) == 1, row["quote_id"]
        assert blocks[0].find_parent("section")["id"] == row["theme_id"], row["quote_id"]
    assert len(main.select("div.quote")) == len(planted)


def test_quotes_on_the_page_read_as_published(built):
    main, planted = built
    for _, row in planted.iterrows():
        block = main.find(id=row["quote_id"])
        assert text_of(block.blockquote) == row["text"], row["quote_id"]
        assert text_of(block.select_one(".quote-attribution")) == expected_attribution(row), row["quote_id"]
    assert PLANTED in text_of(main.find(id=PLANTED_IN).blockquote)
    assert not any("alert" in (s.string or "") for s in main.find_all("script"))


def test_content_note_comes_before_every_quote(built):
    main, _ = built
    order = main.find_all(lambda el: "callout-warning" in el.get("class", []) or "quote" in el.get("class", []))
    assert "callout-warning" in order[0]["class"]
    assert text_of(order[0].select_one(".callout-title")) == "Content note"


def test_each_chart_is_in_its_section(built):
    main, _ = built
    for chart_id, section in CHARTS.items():
        figure = main.find(id=chart_id)
        assert figure is not None and figure.name == "figure", chart_id
        assert section in [s["id"] for s in figure.find_parents("section")], chart_id


def test_recommendations_evidence_links_have_anchors(built):
    """The recommendations chapter links to interviews.qmd#<theme_id> and #<quote_id>."""
    main, _ = built
    ids = {i for cell in read("recommendations.csv")["evidence_ids"] for i in cell.split(";")}
    linked = sorted(i for i in ids if i.startswith(("theme-", "q-")))
    assert linked and [i for i in linked if main.find(id=i) is None] == []
