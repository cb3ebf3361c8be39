"""Format for the pages: numbers and dates in words (so chapters never type a number), escaped Markdown, HTML tables."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from numbers import Rational
from urllib.parse import quote, urlsplit

import pandas as pd
from IPython.display import Markdown

from quarto_lite.outputs import escape_markdown as literal_markdown, literal_text

DATE_FORMATS = {4: ("%Y", "%Y"), 7: ("%Y-%m", "%B %Y"), 10: ("%Y-%m-%d", "%-d %B %Y")}
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count(n: int) -> str:
    """Format a count with thousands separators: 13860 -> '13,860'."""
    return f"{int(n):,}"


def rounded(value: Rational | float, digits: int = 1, *, scale: int = 0) -> Decimal:
    """Return value · 10^scale rounded half up to digits decimals: the one rounding of a number shown.

    The prose, tables, alt texts, hover labels and chart CSVs all show what this returns. A Rational
    (Fraction(k, n), a share of counts) is rounded exactly: Fraction(229, 2000) with scale 2 -> 11.5.
    A float is taken as the decimal it prints as (its repr, as in a CSV); for a float k/n that is the
    same rounding as of k/n itself for any n below 10^12 (a test checks every k <= n <= 400). Rounding
    100 * share in binary floating point instead turns 1/16 = 6.25% into 6.2%.
    """
    with localcontext() as context:
        context.prec = 60
        if isinstance(value, Rational):
            exact = Decimal(int(value.numerator)) / Decimal(int(value.denominator))
        else:
            exact = Decimal(repr(float(value)))
        return exact.scaleb(scale).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent_value(share: Rational | float, digits: int = 1) -> Decimal:
    """Return a share (0-1) as the percentage readers see, rounded once (by rounded): 0.0385 -> 3.9."""
    return rounded(share, digits, scale=2)


def decimal(value: Rational | float, digits: int = 1) -> str:
    """Format a number rounded half up to digits decimals (by rounded): 167.8707 -> '167.9'."""
    return str(rounded(value, digits))


def whole_words(value: Rational | float) -> str:
    """Round a value half up to a whole number and spell it as words does: 6.99 -> 'seven'."""
    return words(int(rounded(value, 0)))


def points(share: Rational | float, digits: int = 1) -> str:
    """Format a difference of shares in percentage points: 0.0162 -> '1.6 percentage points'."""
    return f"{percent_value(share, digits)} percentage points"


P_FLOOR = 0.001  # p-values below this are written as "p < 0.001"


def p_value(p: float) -> str:
    """Format a test's p-value: 'p < 0.001' below P_FLOOR, else 'p = 0.023' (three decimals, by rounded)."""
    return f"p < {P_FLOOR}" if p < P_FLOOR else f"p = {rounded(p, 3)}"


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


NOT_STATED = "out of a number not published"


def of(k: int, n: int | None) -> str:
    """Format 'k of n' with both counts formatted; 'k, out of a number not published' when n is unknown."""
    if n is None or pd.isna(n):
        return f"{count(k)}, {NOT_STATED}"
    return f"{count(k)} of {count(n)}"


def escape_markdown(value: object) -> str:
    """Escape text so that Markdown shows it as written: no tags, citations (@), formulas or emphasis."""
    return literal_markdown(str(value))


def one_line(value: object) -> str:
    """Escape text for Markdown with its runs of white space folded to one space (a heading, a list item)."""
    return literal_text(str(value))


def text(value: object) -> Markdown:
    """Wrap data text for an inline expression, escaped once and on one line.

    Both Quarto and the built-in engine insert a text/markdown value as it is, so the escaping here
    is the only escaping. (A plain str is escaped too, by the formatter ibsa_report installs in the
    kernel: Quarto's own escape of a str leaves '<', '@' and '$' alone.)
    """
    return Markdown(one_line(value))


WEB_SCHEMES = ("https", "http")
URL_SAFE = ":/?#[]@!$&'*+,;=%~-._"  # kept as they are in a link target; anything else is percent-encoded


def web_address(url: object) -> str:
    """Return an address from data/ as a link target: http(s) with a host, percent-encoded; else raise ValueError.

    The one check every link built from data/ goes through (the support line, the bibliography, the
    data dictionary, fmt.link): a `javascript:` or `data:` address never becomes a link.
    """
    address = str(url)
    parts = urlsplit(address)
    if (parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc
            or any(ch.isspace() or not ch.isprintable() for ch in address)):
        raise ValueError(f"not a web address (https://…): {address!r}")
    return quote(address, safe=URL_SAFE)


def link(url: object) -> Markdown:
    """Link a web address from data/ (checked by web_address), shown without its scheme."""
    target = web_address(url)
    shown = escape_markdown(str(url).split("://", 1)[1].rstrip("/"))
    return Markdown(f"[{shown}](<{target}>)")


PHONE = re.compile(r"(\+44 )?[0-9]{1,5}( [0-9]{1,5}){0,3}")  # datapackage.json: support_services.phone


def tel_address(phone: object) -> str:
    """Return a UK phone number from data/ as a tel: link target: '0345 6000 459' -> 'tel:+443456000459'.

    Only digits in groups (optionally after '+44 ') are accepted, so the link can dial that number and
    nothing else; raise ValueError for any other value. A number without its leading 0 (999, 116 123)
    is dialled as written.
    """
    number = str(phone)
    if not PHONE.fullmatch(number) or len(number.replace(" ", "")) < 3:
        raise ValueError(f"not a phone number (digits in groups, optionally after +44): {number!r}")
    digits = number.replace(" ", "")
    if digits.startswith("+44"):
        return "tel:" + digits
    return "tel:+44" + digits[1:] if digits.startswith("0") else "tel:" + digits


def phone_link(phone: object) -> Markdown:
    """Link a phone number from data/ for tap-to-call, shown as the source gives it."""
    return Markdown(f"[{escape_markdown(phone)}](<{tel_address(phone)}>)")


def date_words(value: object) -> str:
    """Write a date of 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (or a timestamp) in words: 'November 2026'."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%-d %B %Y")
    text = str(value)
    if len(text) not in DATE_FORMATS:
        raise ValueError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    parse, show = DATE_FORMATS[len(text)]
    return pd.to_datetime(text, format=parse).strftime(show)


Links = Mapping[str, Sequence[str | None]]  # column -> each row's link target from the site's root (None: no link)
LINK_MARK = "\ue000link{}\ue001"  # stands in a cell for its link while pandas writes the table (private-use marks)


def table_markup(frame: pd.DataFrame, links: Links | None = None, root: str = "") -> str:
    """Render a frame as an HTML table (a page's table, a chart's data): no index, cells escaped, blanks as '–'.

    A number is written as it prints (11.5, 0.06), as in the chart's CSV: it was rounded once already,
    and pandas would otherwise pad a column to its longest decimals (11.50). links names, for a column,
    each row's page (from the site's root; root is the way up to it from the page showing the table): the
    cell's text, escaped, becomes a link to it.
    """
    def cell(value: object) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "–"
        return repr(float(value)) if isinstance(value, float) else str(value)

    shown = pd.DataFrame({column: [cell(v) for v in frame[column]] for column in frame.columns})
    anchors: list[str] = []
    for column, targets in (links or {}).items():
        if len(targets) != len(shown):
            raise ValueError(f"links for column {column!r}: {len(targets)} targets for {len(shown)} rows")
        for i, target in enumerate(targets):
            if target is not None and shown[column].iloc[i] != "–":
                anchors.append(f'<a href="{html.escape(root + target)}">{html.escape(shown[column].iloc[i], quote=False)}</a>')
                shown.loc[i, column] = LINK_MARK.format(len(anchors) - 1)
    markup = shown.to_html(index=False, escape=True, border=0, classes="data-table")
    for i, anchor in enumerate(anchors):
        markup = markup.replace(LINK_MARK.format(i), anchor, 1)
    # pandas aligns the header row with a style attribute, which the Content-Security-Policy refuses
    # (style-src 'self'); the stylesheet aligns th.
    return markup.replace('<tr style="text-align: right;">', "<tr>")
