"""Which `_quarto.yml` and front-matter options the built-in engine honours; any other is refused.

Quarto accepts far more than the built-in engine implements. So that a setting is never silently
ignored by one engine and obeyed by the other, the built-in engine refuses every option that is not
listed here, naming the file and the key. Each entry is honoured by the built-in engine; where only
some values are, the entry lists them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ANY = None  # any value the schema allows


@dataclass(frozen=True)
class Rule:
    """Values honoured, given by a test rather than a list."""

    test: Callable[[Any], bool]
    description: str

    def allows(self, value: Any) -> bool:
        """Tell whether the rule honours value."""
        return self.test(value)


SECONDS = Rule(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < math.inf,
               "a number of seconds greater than 0")

# Dotted key -> the values honoured (ANY for every value). A mapping's own key stands for all below it
# only where the entry ends in ".*".
PROJECT_OPTIONS: dict[str, Any] = {
    "project.type": {"website"},
    "project.output-dir": ANY,          # the build writes a staging directory, then swaps it in
    "project.pre-render": ANY,          # run as Quarto runs them (project_scripts)
    "project.post-render": ANY,
    "project.render": ANY,              # pages come from the navigation; 404.qmd when present
    "project.resources": ANY,           # copied (assets/)
    "website.title": ANY,
    "website.description": ANY,
    "website.site-url": ANY,
    "website.repo-url": ANY,            # CITATION.cff's repository-code
    "website.favicon": ANY,
    "website.page-navigation": {True},  # previous/next links
    "website.search": {True},           # the site's own search (search.json)
    "website.open-graph": {True, False},
    "website.twitter-card": {True, False},
    "website.page-footer.*": ANY,
    "website.navbar.title": ANY,        # the header's title (website.title when unset)
    "website.navbar.left": ANY,
    "lang": ANY,
    "report.*": ANY,                    # the report's own settings (contact, funding, quick exit), read by its pages
    "author": ANY,
    "citation.*": ANY,
    "bibliography": ANY,
    "link-citations": {True},
    "google-scholar": {True, False},
    "appendix-cite-as": {False},        # the built-in engine writes no citation appendix
    "execute.echo": ANY,
    "execute.warning": ANY,
    "execute.eval": ANY,
    "execute.output": ANY,
    "execute.include": ANY,
    # Seconds a cell may run (quarto_lite.execute). Quarto 1.7.34 has no such option: its schema accepts
    # the key (execute: is open) and its Jupyter engine sets no limit, so only this engine stops a cell.
    "execute.timeout": SECONDS,
    "execute.freeze": {False},          # it never freezes: data changes always re-execute
    "format.html.css": ANY,
    "format.html.include-before-body": ANY,
    "format.html.toc": {True, False},
    "format.html.html-math-method": {"mathml"},
}
PAGE_OPTIONS: dict[str, Any] = {
    "title": ANY,
    "description": ANY,
    "nocite": ANY,
    "toc": {True, False},
    # A page's execute: options are the project's, checked the same way.
    **{key: allowed for key, allowed in PROJECT_OPTIONS.items() if key.startswith("execute.")},
}


def unsupported(options: Mapping[str, Any], table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Return (dotted key, why) for every option the table does not honour, in document order."""
    found = []
    for key, value in options.items():
        dotted = f"{prefix}{key}"
        if f"{dotted}.*" in table:
            continue
        if dotted in table:
            allowed = table[dotted]
            if isinstance(allowed, Rule) and not allowed.allows(value):
                found.append((dotted, f"expected {allowed.description} (found {value!r})"))
            elif allowed is not ANY and not isinstance(allowed, Rule) and not _allowed(value, allowed):
                found.append((dotted, f"the built-in engine supports only {_show(allowed)} here (found {value!r})"))
        elif isinstance(value, Mapping) and any(k.startswith(dotted + ".") for k in table):
            found += unsupported(value, table, dotted + ".")
        else:
            found.append((dotted, "the built-in engine does not support this option (use Quarto, or remove it)"))
    return found


def _allowed(value: Any, allowed: set[Any]) -> bool:
    """Tell whether value is one of allowed (True is not 1 here)."""
    return any(value == a and type(value) is type(a) for a in allowed)


def _show(allowed: set[Any]) -> str:
    """List allowed values as YAML writes them."""
    words = sorted("true" if a is True else "false" if a is False else str(a) for a in allowed)
    return " or ".join(words)
