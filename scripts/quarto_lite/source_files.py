"""Read a project's text files (_quarto.yml, pages) so that a problem is one line: ``file:line: what is wrong``."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import yaml


class SourceError(ValueError):
    """A project file that cannot be read; str() is ``file:line: what is wrong``."""


def read_utf8(path: Path, name: str) -> str:
    """Return a file's text; raise SourceError naming the line of the first byte that is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError(f"{name}:{line}: the file is not UTF-8 text (byte {data[exc.start]:#04x}); "
                          "save it as UTF-8") from None


def yaml_problem(exc: yaml.YAMLError) -> tuple[int, str]:
    """Return the 0-based line a YAML error points at (where the parser found the problem) and the problem."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return (mark.line if mark is not None else 0), problem


def load_yaml(text: str, name: str) -> Any:
    """Parse a YAML file's text; raise SourceError naming the file and line of a syntax error."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise SourceError(f"{name}:{line + 1}: not valid YAML: {problem}") from None


def load_yaml_mapping(text: str, name: str) -> dict[str, Any]:
    """Parse a YAML file's text that must hold a mapping (an empty file is {}); raise SourceError otherwise."""
    data = load_yaml(text, name)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(f"{name}:1: must be a YAML mapping of key: value, found {type(data).__name__}")
    return data


def os_error_line(exc: OSError, base: Path | None = None) -> str:
    """Say in one line which file failed and why ('cannot write x.html: the disk is full'), relative to base."""
    where = Path(exc.filename) if exc.filename else None
    shown = where.relative_to(base).as_posix() if where and base and where.is_relative_to(base) else str(where or "a file")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write {shown}: the disk is full"
    return f"{shown}: {(exc.strerror or str(exc)).lower()}"
