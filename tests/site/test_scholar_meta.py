"""Quarto 1.7.34's citation_* tags are escaped twice (encodeAttributeValue, then the DOM); post-render undoes it."""

from __future__ import annotations

import html
import re

import pytest

from ibsa_report.site.scholar_meta import fix_scholar_tags

GENERATOR = '<meta name="generator" content="quarto-1.7.34">\n'


def quarto_tag(name: str, value: str) -> str:
    """Write a tag as Quarto 1.7.34 does: its own encodeAttributeValue (first occurrence of each), then the DOM's escape."""
    for char, entity in (('"', "&quot;"), ("'", "&#039;"), ("<", "&lt;"), (">", "&gt;"), ("&", "&amp;")):
        value = value.replace(char, entity, 1)
    return f'<meta name="{name}" content="{html.escape(value, quote=False).replace(chr(34), "&quot;")}">\n'


def read_back(page: str, name: str) -> str:
    """Return what a browser reads from the tag."""
    return html.unescape(re.search(rf'<meta name="{name}" content="([^"]*)">', page).group(1))


@pytest.mark.parametrize("title", ["Interviews: victims' and practitioners' experiences",
                                   'A "quoted" <b>title</b> & more', "Plain title"])
def test_a_quarto_page_gets_back_the_text_it_was_given(title: str) -> None:
    page = "<head>" + GENERATOR + quarto_tag("citation_title", title) + "</head>"
    assert read_back(page, "citation_title") != title or "'" not in title  # the double escape shows
    fixed = fix_scholar_tags(page)
    assert read_back(fixed, "citation_title") == title
    assert "<b>" not in fixed.split("citation_title")[1].split(">")[0]  # still escaped once


def test_a_built_in_page_is_left_as_it_is() -> None:
    page = '<head><meta name="citation_title" content="victims&#39; &amp;#039;"></head>'
    assert fix_scholar_tags(page) == page
