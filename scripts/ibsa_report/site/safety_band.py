"""The safety band at the very top of every page (first in <body>, after the skip link where there is one): "Get help" and "Quick exit", written by the post-render step.

"Quick exit" leaves for the neutral site `report.quick-exit` names in _quarto.yml (read here and nowhere
else). Without JavaScript it is a plain link; assets/quick-exit.js makes it replace the page's history
entry, and the Escape key do the same. A page holding interview quotes also gets assets/quote-note.js,
which puts the content note before a quote a reader reached by a link. Links are relative to the page;
404.html, which a host shows at any depth, takes the prefix of its own stylesheet link (absolute under
the site's path, as its other links are).
"""

from __future__ import annotations

import re
from pathlib import Path

from quarto_lite.project import CONFIG, relative_root

from ibsa_report.report.fmt import web_address
from ibsa_report.settings import read_settings
from ibsa_report.templating import template_env

BAND_START, BAND_END = "<!--safety-band-->", "<!--/safety-band-->"
HELP_PAGE = "help.html"
EXIT_SCRIPT = "assets/quick-exit.js"
QUOTE_SCRIPT = "assets/quote-note.js"
STYLESHEET = "assets/site.css"  # _quarto.yml: format.html.css; its link gives 404.html's prefix
BODY = re.compile(r"<body\b[^>]*>\n?", re.IGNORECASE)
SKIP_LINK = re.compile(r'<a class="skip-link"[^>]*>[^<]*</a>\n?')  # stays the first thing Tab reaches
QUOTES = re.compile(r'class="(?:[^"]*\s)?quote(?:\s[^"]*)?"')  # an interview quote's div (report/quotes.py)
OLD_BAND = re.compile(re.escape(BAND_START) + ".*?" + re.escape(BAND_END) + "\n?", re.DOTALL)


def quick_exit_address(root: Path) -> str:
    """Return report.quick-exit from _quarto.yml, a web address; raise ValueError naming the key otherwise."""
    address = read_settings(root).quick_exit
    if not address:
        raise ValueError(f"{CONFIG}: report.quick-exit: not set (the neutral site Quick exit leaves to)")
    try:
        return web_address(address)
    except ValueError as exc:
        raise ValueError(f"{CONFIG}: report.quick-exit: {exc}") from None


def band_html(to_root: str, exit_address: str, quotes: bool = False) -> str:
    """Render the band with links under to_root ('', '../', or '/site/' for 404.html), between its markers."""
    scripts = [to_root + EXIT_SCRIPT] + ([to_root + QUOTE_SCRIPT] if quotes else [])
    html = template_env().get_template("safety_band.html").render(
        help_href=to_root + HELP_PAGE, exit_href=exit_address, scripts=scripts)
    return BAND_START + html.strip() + BAND_END + "\n"


def place_band(html: str, band: str) -> str:
    """Put the band first in <body> (after a skip link that opens it), replacing an earlier one.

    Raise ValueError if there is no <body>.
    """
    html = OLD_BAND.sub("", html)
    body = BODY.search(html)
    if body is None:
        raise ValueError("page has no <body>")
    at = body.end()
    skip = SKIP_LINK.match(html, at)
    at = skip.end() if skip else at
    return html[:at] + band + html[at:]


def page_prefix(site: Path, page: Path, html: str) -> str:
    """Return the prefix of the page's links to the site: relative, or 404.html's own (from its stylesheet link)."""
    if page.relative_to(site).as_posix() == "404.html":
        link = re.search(r'href="([^"]*)' + re.escape(STYLESHEET) + '"', html)
        if link is not None:
            return link.group(1)
    return relative_root(site, page.parent)


def add_bands(site: Path, pages: list[Path], exit_address: str) -> None:
    """Give every page the band."""
    for page in pages:
        html = page.read_text(encoding="utf-8")
        band = band_html(page_prefix(site, page, html), exit_address, quotes=QUOTES.search(html) is not None)
        try:
            page.write_text(place_band(html, band), encoding="utf-8")
        except ValueError as exc:
            raise ValueError(f"{page.relative_to(site).as_posix()}: {exc}") from None
