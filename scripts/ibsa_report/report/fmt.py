"""Format for the pages: numbers and dates in words (so chapters never type a number), escaped Markdown, HTML tables."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from numbers import Rational

import pandas as pd
from IPython.display import Markdown

DATE_FORMATS = {4: ("%Y", "%Y"), 7: ("%Y-%m", "%B %Y"), 10: ("%Y-%m-%d", "%-d %B %Y")}
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count(n: int) -> str:
    """Format a count with thousands separators: 13860 -> '13,860'."""
    return f"{int(n):,}"


def percent_value(share: Rational | float, digits: int = 1) -> Decimal:
    """Return a share (0-1) as the percentage readers see, rounded half up to digits decimals.

    The one rounding of a percentage: the prose, tables, alt texts, hover labels and chart CSVs all
    show what this returns. Pass a share of counts as Fraction(k, n) to round k/n itself, exactly:
    Fraction(229, 2000) -> 11.5. A float is taken as the decimal it prints as (its repr, as in a
    CSV); for a float k/n that is the same rounding as of k/n itself for any n below 10^12 (a test
    checks every k <= n <= 400). Rounding 100 * share in binary floating point instead turns
    1/16 = 6.25% into 6.2%.
    """
    with localcontext() as context:
        context.prec = 60
        if isinstance(share, Rational):
            value = Decimal(100 * int(share.numerator)) / Decimal(int(share.denominator))
        else:
            value = Decimal(repr(float(share))) * 100
        return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent(share: Rational | float, digits: int = 1) -> str:
    """Format a share (0-1) as a percentage, rounded once by percent_value: Fraction(1, 16) -> '6.3%'."""
    return f"{percent_value(share, digits)}%"


def interval(low: Rational | float, high: Rational | float, digits: int = 1) -> str:
    """Format an interval of shares as percentages: '7.9% to 16.0%'."""
    return f"{percent(low, digits)} to {percent(high, digits)}"


def percent_number(share: Rational | float, digits: int = 1) -> float:
    """Return percent_value as a float, for a chart's data: the number its CSV and labels show."""
    return float(percent_value(share, digits))


def words(n: int) -> str:
    """Spell out small counts as style guides ask (one to ten); larger ones as digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else count(n)


def of(k: int, n: int) -> str:
    """Format 'k of n' with both counts formatted."""
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
