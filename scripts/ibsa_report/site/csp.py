"""The Content-Security-Policy of every page, written by the post-render step as a `<meta http-equiv>`.

A static host (GitHub Pages) sends no headers, so the policy travels in each page, first in `<head>`.
It is the second line of defence: text from data/ is escaped wherever it is shown, and if markup ever got
through, the browser would still run no script and load nothing from another host. The directives:

- `default-src 'self'`: everything else (fonts, the fetches of search.json, versions.json and the CSVs)
  comes from the site itself;
- `script-src 'self'`: scripts are files on the site (plotly.js, charts.js, search, cite, versions); no
  inline script, no event-handler attribute, no `eval` (plotly.js's basic bundle needs none: checked in
  Chromium). On Quarto's pages, also the SHA-256 of the one inline script Quarto 1.7.34 writes
  (`quarto-html-after-body`: anchors, copy buttons, tooltips, navigation) and, with `'unsafe-hashes'`,
  of its navbar toggler's `onclick`: each allowed by its content, so an injected script still is not;
- `style-src 'self'`: stylesheets are files; plotly.js's own rules come from
  `assets/vendor/plotly-basic-*.css` (charts.js links it, with plotly's `no-inline-styles` switch,
  so plotly adds no `<style>`), and tables carry no `style` attribute. On Quarto's pages
  `style-src-elem` adds `'unsafe-inline'`: Quarto's scripts write `<style>` elements while the page runs
  (quarto-nav.js puts the header's height in one, anchor.js its rules), whose content no hash can
  know in advance; `style` attributes stay refused there too;
- `img-src 'self'`: on Quarto's pages `data:` too, for the icons Bootstrap's stylesheet draws as
  `data:` SVG (the navbar toggler, callouts); and there `font-src 'self' data:`, for the icon font
  anchor.js embeds as a `data:` URL;
- `object-src 'none'`, `base-uri 'none'`, `form-action 'self'`: no plugins, no `<base>` to re-point the
  relative addresses, the search form submits nowhere else.

`frame-ancestors` and `report-uri` are left out: browsers ignore them in a `<meta>` (and say so in the
console). A page with any other inline script or event handler stops the build, naming the page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
}
QUARTO_GENERATOR = re.compile(r'<meta name="generator" content="quarto-')
QUARTO_SCRIPT_ID = "quarto-html-after-body"
QUARTO_TOGGLER = "if (window.quartoToggleHeadroom) { window.quartoToggleHeadroom(); }"
SCRIPT_TYPES = ("", "module", "text/javascript", "application/javascript")  # what a browser runs
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?')
CHARSET = re.compile(r"<meta charset=[^>]*>\n?", re.IGNORECASE)
HEAD = re.compile(r"<head\b[^>]*>\n?", re.IGNORECASE)


class PolicyError(ValueError):
    """A page holds inline script the policy cannot allow; the message names the page and the script."""


@dataclass
class InlineCode:
    """The inline scripts and event-handler attributes of a page."""

    scripts: list[tuple[str, str]] = field(default_factory=list)  # (id, text)
    handlers: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value)


class _InlineFinder(HTMLParser):
    """Collect a page's inline executable scripts (with their raw text) and its on* attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = InlineCode()
        self._script: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.found.handlers += [(name, value) for name, value in values.items() if name.startswith("on")]
        if tag == "script" and "src" not in values and values.get("type", "").strip().lower() in SCRIPT_TYPES:
            self._script = (values.get("id", ""), [])

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.found.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def inline_code(html: str) -> InlineCode:
    """Return a page's inline scripts and event handlers."""
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def source_hash(text: str) -> str:
    """Return the CSP source expression for inline code: 'sha256-<base64 digest>'."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page_policy(html: str, page: str) -> str:
    """Return the policy for one page; raise PolicyError for inline code it cannot allow."""
    code = inline_code(html)
    policy = dict(BASE_POLICY)
    if QUARTO_GENERATOR.search(html):
        policy |= quarto_allowances(code, page)
    elif code.scripts or code.handlers:
        raise PolicyError(f"{page}: inline script the Content-Security-Policy refuses: {_first(code)}")
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def quarto_allowances(code: InlineCode, page: str) -> dict[str, tuple[str, ...]]:
    """Return what a Quarto page needs beyond the base policy: its after-body script and toggler, by hash."""
    scripts = [text for ident, text in code.scripts if ident == QUARTO_SCRIPT_ID]
    others = InlineCode([s for s in code.scripts if s[0] != QUARTO_SCRIPT_ID],
                        [h for h in code.handlers if h != ("onclick", QUARTO_TOGGLER)])
    if len(scripts) > 1 or others.scripts or others.handlers:
        extra = f"{len(scripts)} scripts with id {QUARTO_SCRIPT_ID}" if len(scripts) > 1 else _first(others)
        raise PolicyError(f"{page}: inline script the Content-Security-Policy refuses: {extra}")
    allowed = [source_hash(text) for text in scripts]
    if code.handlers:
        allowed += ["'unsafe-hashes'", source_hash(QUARTO_TOGGLER)]
    return {"script-src": ("'self'", *allowed), "style-src-elem": ("'self'", "'unsafe-inline'"),
            "img-src": ("'self'", "data:"), "font-src": ("'self'", "data:")}


def _first(code: InlineCode) -> str:
    """Describe the first inline script or handler, shortened to one line."""
    what = f"<script> {code.scripts[0][1]!r}" if code.scripts else f"{code.handlers[0][0]}={code.handlers[0][1]!r}"
    return " ".join(what.split())[:120]


def with_policy(html: str, page: str) -> str:
    """Return the page with its policy as the first element of <head> after the charset (replacing an old one)."""
    html = CSP_META.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{page_policy(html, page)}">\n'
    anchor = CHARSET.search(html) or HEAD.search(html)
    if anchor is None:
        raise PolicyError(f"{page}: no <head> to put the Content-Security-Policy in")
    return html[:anchor.end()] + meta + html[anchor.end():]


def add_policies(site: Path, pages: list[Path]) -> None:
    """Write each page's policy into it."""
    for path in pages:
        html = path.read_text(encoding="utf-8")
        path.write_text(with_policy(html, path.relative_to(site).as_posix()), encoding="utf-8")
