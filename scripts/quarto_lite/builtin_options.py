"""Which `_quarto.yml` and front-matter options the built-in engine honours; any other is refused.

Quarto accepts far more than the built-in engine implements. So that a setting is never silently
ignored by one engine and obeyed by the other, the built-in engine refuses every option that is not
listed here, naming the file and the key. Each entry is honoured by the built-in engine; where only
some values are, the entry lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ANY = None  # any value the schema allows

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
    "website.navbar.left": ANY,
    "lang": ANY,
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
    "execute.*": ANY,
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
            if allowed is not ANY and not _allowed(value, allowed):
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
