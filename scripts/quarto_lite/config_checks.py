"""Check `_quarto.yml` and each page's front matter before the built-in engine renders anything.

Two checks, so that the engines cannot drift apart silently:
- against Quarto's own schema (``quarto_schema``), so that what Quarto refuses the built-in engine
  refuses too, with file, line and key;
- against what the built-in engine honours (``builtin_options``), so that no option is ignored.
"""

from __future__ import annotations


import sys
from pathlib import Path

from quarto_lite.builtin_options import PAGE_OPTIONS, PROJECT_OPTIONS, unsupported
from quarto_lite.project import CONFIG, ProjectConfig
from quarto_lite.qmd import QmdDocument
from quarto_lite.quarto_schema import check_front_matter, check_project_config, find_schema_dir
from quarto_lite.yaml_lines import key_lines


class ConfigError(ValueError):
    """An option that Quarto refuses or that the built-in engine does not honour; one line per problem."""


def project_problems(config: ProjectConfig) -> list[str]:
    """Return one line per problem in _quarto.yml: Quarto's schema first, then what the engine honours."""
    text = (config.root / CONFIG).read_text(encoding="utf-8")
    schema = schema_dir(config.root)
    refused = [p.message for p in check_project_config(text, schema, CONFIG)] if schema else []
    lines = key_lines(text)
    return refused or _lines(CONFIG, lines, unsupported(config.raw, PROJECT_OPTIONS))


def page_problems(source: str, doc: QmdDocument, root: Path | None = None) -> list[str]:
    """Return one line per problem in a page's front matter (lines are the page's)."""
    schema = schema_dir(root) if root is not None else None
    refused = [p.message for p in check_front_matter(doc.front_matter_text, schema, source, line_offset=1)] \
        if schema and doc.front_matter_text else []
    return refused or _lines(source, key_lines(doc.front_matter_text, offset=1),
                             unsupported(doc.front_matter, PAGE_OPTIONS))


def schema_dir(root: Path) -> Path | None:
    """Return Quarto's schema directory, or None after saying once on stderr that it was not found."""
    found = find_schema_dir(root)
    if found is None and root not in _SAID:
        _SAID.add(root)
        print("note: Quarto 1.7.34's schema was not found (set QUARTO_SCHEMA_DIR): _quarto.yml and front matter "
              "were checked only against what the built-in engine honours", file=sys.stderr)
    return found


_SAID: set[Path] = set()


def raise_problems(problems: list[str]) -> None:
    """Raise ConfigError listing every problem, if there is any."""
    if problems:
        raise ConfigError("\n".join(problems))


def _lines(file: str, lines: dict[str, int], found: list[tuple[str, str]]) -> list[str]:
    """Format (key, why) pairs as 'file:line: key: why'."""
    return [f"{file}:{lines.get(key, 1)}: {key}: {why}" for key, why in found]


