"""Interview quotes read exactly as published, with their attributions.

Two levels: the Markdown that quotes.py writes (undoing its escaping gives back the data), and that
Markdown through pandoc.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ibsa_report import evidence, quotes
from ibsa_report.pandoc_render import render_markdown

from conftest import ROOT

PLANTED = "<script>alert(1)</script> <b>bold</b> *not emphasis* [@interviews-article]"


def read(name: str) -> pd.DataFrame:
    """Read a data table as text, blanks kept as empty strings."""
    return pd.read_csv(ROOT / "data" / name, dtype=str, keep_default_na=False)


QUOTES = read("interview_quotes.csv")


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


def test_attribution_line_marks_excerpts():
    assert quotes.attribution_line("Victim Seven", False) == "— Victim Seven"
    assert quotes.attribution_line("Victim Seven", True) == "— Victim Seven (excerpt)"


def test_pandoc_shows_every_quote_as_published(ev):
    markdown = "\n\n".join(quotes.quote(ev, q).data for q in QUOTES["quote_id"])
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
