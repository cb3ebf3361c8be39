"""The Jinja2 environment for the engine's own HTML templates (the page; autoescape on)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape


@cache
def template_env() -> Environment:
    """Return the environment for scripts/quarto_lite/templates, escaping every value by default."""
    return Environment(loader=PackageLoader("quarto_lite", "templates"), autoescape=select_autoescape(["html"]),
                       keep_trailing_newline=True)
