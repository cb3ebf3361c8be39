"""Check `_quarto.yml` and each page's front matter before the built-in engine renders anything.

Two checks, so that the engines cannot drift apart silently:
- against Quarto's own schema (``quarto_schema``), so that what Quarto refuses the built-in engine
  refuses too, with file, line and key;
- against what the built-in engine honours (``builtin_options``), so that no option is ignored.
"""

from __future__ import annotations


from .builtin_options import PAGE_OPTIONS, PROJECT_OPTIONS, unsupported
from .project import CONFIG, ProjectConfig
from .qmd import QmdDocument
from .yaml_lines import key_lines


class ConfigError(ValueError):
    """An option that Quarto refuses or that the built-in engine does not honour; one line per problem."""


def project_problems(config: ProjectConfig) -> list[str]:
    """Return one line per problem in _quarto.yml."""
    text = (config.root / CONFIG).read_text(encoding="utf-8")
    return _lines(CONFIG, key_lines(text), unsupported(config.raw, PROJECT_OPTIONS))


def page_problems(source: str, doc: QmdDocument) -> list[str]:
    """Return one line per problem in a page's front matter (lines are the page's)."""
    return _lines(source, key_lines(doc.front_matter_text, offset=1), unsupported(doc.front_matter, PAGE_OPTIONS))


def raise_problems(problems: list[str]) -> None:
    """Raise ConfigError listing every problem, if there is any."""
    if problems:
        raise ConfigError("\n".join(problems))


def _lines(file: str, lines: dict[str, int], found: list[tuple[str, str]]) -> list[str]:
    """Format (key, why) pairs as 'file:line: key: why'."""
    return [f"{file}:{lines.get(key, 1)}: {key}: {why}" for key, why in found]


