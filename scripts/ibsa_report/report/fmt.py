"""Format for the pages: numbers and dates in words (so chapters never type a number), escaped Markdown, HTML tables."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

DATE_FORMATS = {4: ("%Y", "%Y"), 7: ("%Y-%m", "%B %Y"), 10: ("%Y-%m-%d", "%-d %B %Y")}
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count(n: int) -> str:
    """Format a count with thousands separators: 13860 -> '13,860'."""
    return f"{int(n):,}"


def percent(share: float, digits: int = 1) -> str:
    """Format a share (0-1) as a percentage: 0.0385 -> '3.9%'."""
    return f"{100 * share:.{digits}f}%"


def words(n: int) -> str:
    """Spell out small counts as style guides ask (one to ten); larger ones as digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else count(n)


NOT_STATED = "out of a number not published"


def of(k: int, n: int | None) -> str:
    """Format 'k of n' with both counts formatted; 'k, out of a number not published' when n is unknown."""
    if n is None or pd.isna(n):
        return f"{count(k)}, {NOT_STATED}"
    return f"{count(k)} of {count(n)}"


MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|~^@$"


def escape_markdown(value: object) -> str:
    """Escape text so that Markdown shows it as written: no tags, citations (@) or emphasis."""
    escaped = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in escaped)


def one_line(value: object) -> str:
    """Escape text for Markdown with its runs of white space folded to one space (a heading, a list item)."""
    return escape_markdown(" ".join(str(value).split()))


def text(value: object) -> Markdown:
    """Wrap data text for an inline expression, escaped once.

    Both Quarto and the built-in engine insert a text/markdown value as it is, so the escaping here
    is the only escaping (a plain str would be escaped again, and Quarto's escape leaves '<' alone).
    """
    return Markdown(escape_markdown(value))


def link(url: object) -> Markdown:
    """Link a web address from data/, shown without its scheme; only http(s) addresses are linked."""
    address = str(url)
    scheme, sep, rest = address.partition("://")
    if not sep or scheme.lower() not in ("https", "http") or not rest:
        raise ValueError(f"not a web address (https://…): {address!r}")
    shown = escape_markdown(rest.rstrip("/"))
    target = address.replace("(", "%28").replace(")", "%29").replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    return Markdown(f"[{shown}](<{target}>)")


def date_words(value: object) -> str:
    """Write a date of 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (or a timestamp) in words: 'November 2026'."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%-d %B %Y")
    text = str(value)
    if len(text) not in DATE_FORMATS:
        raise ValueError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    parse, show = DATE_FORMATS[len(text)]
    return pd.to_datetime(text, format=parse).strftime(show)


def table_markup(frame: pd.DataFrame) -> str:
    """Render a frame as an HTML table (a page's table, a chart's data): no index, cells escaped, blanks as '–'."""
    return frame.to_html(index=False, escape=True, border=0, classes="data-table", na_rep="–")
