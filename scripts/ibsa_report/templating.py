"""The Jinja2 environment for the report's HTML templates (chart, cite block, safety band, version bar; autoescape on)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape


@cache
def template_env() -> Environment:
    """Return the environment for scripts/ibsa_report/templates, escaping every value by default."""
    return Environment(loader=PackageLoader("ibsa_report", "templates"), autoescape=select_autoescape(["html"]),
                       keep_trailing_newline=True)
