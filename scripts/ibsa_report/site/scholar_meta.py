"""Undo Quarto 1.7.34's double escape of the Google Scholar citation_* tags.

Quarto encodes a tag's value itself (`encodeAttributeValue` in src/core/html.ts: the first `"`, `'`, `<`,
`>` and `&` each become an entity) and then sets it through the DOM, which escapes the `&` of those
entities again: "victims' experiences" reaches Google Scholar as "victims&#039; experiences". On a page
Quarto wrote (its generator tag), each citation_* value gets back the text Quarto was given, written once
escaped; the built-in engine's pages (escaped once by Jinja2) are left as they are.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ibsa_report.site.csp import QUARTO_GENERATOR

SCHOLAR_TAG = re.compile(r'(<meta name="citation_[a-z_]+" content=")([^"]*)(")')
# Quarto's replacements in the order it makes them (each of the first occurrence only), undone in reverse.
QUARTO_ENTITIES = (('"', "&quot;"), ("'", "&#039;"), ("<", "&lt;"), (">", "&gt;"), ("&", "&amp;"))


def quarto_decoded(value: str) -> str:
    """Return the text Quarto encoded into value (what the attribute holds once the browser has read it)."""
    for char, entity in reversed(QUARTO_ENTITIES):
        value = value.replace(entity, char, 1)
    return value


def fix_scholar_tags(text: str) -> str:
    """Rewrite a Quarto page's citation_* values escaped once; any other page is returned as it is."""
    if not QUARTO_GENERATOR.search(text):
        return text

    def once(match: re.Match[str]) -> str:
        read = html.unescape(match.group(2))  # what a browser reads from the attribute
        return match.group(1) + html.escape(quarto_decoded(read), quote=True) + match.group(3)

    return SCHOLAR_TAG.sub(once, text)


def fix_pages(pages: list[Path]) -> None:
    """Undo the double escape on each page Quarto wrote."""
    for page in pages:
        text = page.read_text(encoding="utf-8")
        fixed = fix_scholar_tags(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
