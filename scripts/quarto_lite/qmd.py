"""Split a Quarto ``.qmd`` file into front matter, executable Python cells and markdown.

The rules follow Quarto's own splitter (``src/core/lib/break-quarto-md.ts``):

- a cell opens with a line like ```` ```{python} ```` (three or more backticks, optional
  attributes after the language, e.g. ```` ```{python echo=false} ````, which are ignored);
- ``#| key: value`` lines at the top of a cell are its options, parsed as YAML;
- fences that are not ``{python}`` (```` ```python ````, ```` ```{=html} ````, ``~~~``) are
  ordinary markdown and are never executed;
- inline code is ```` `{python} expr` ```` in markdown text outside fenced code blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

import yaml

from quarto_lite.source_files import yaml_problem

LANGUAGE = "python"

_CELL_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,})\s*\{(?P<lang>[=A-Za-z]+)(?: *[ ,].*)?\}\s*$")
_PLAIN_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_OPTION = re.compile(r"^#\s*\| ?")
_FRONT_MATTER_OPEN = re.compile(r"^---\s*$")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)\s*$")
_INLINE = re.compile(r"(?<!`)`\{" + LANGUAGE + r"\}[ \t]([^`\n]+)`")
_ESCAPED_INLINE = "`{{" + LANGUAGE + "}}"


class QmdError(ValueError):
    """A .qmd file that cannot be split; the message starts with ``line N:``."""


@dataclass(frozen=True)
class Cell:
    """One executable ```` ```{python} ```` cell."""

    source: str
    options: dict[str, Any]
    line: int


@dataclass(frozen=True)
class Markdown:
    """A run of markdown lines between cells (each line ends with a newline)."""

    text: str
    line: int


@dataclass(frozen=True)
class QmdDocument:
    """A parsed .qmd file."""

    front_matter: dict[str, Any]
    blocks: list[Cell | Markdown]
    front_matter_text: str = ""  # the YAML between the --- lines, which starts on line 2


@dataclass(frozen=True)
class InlineCode:
    """One ```` `{python} expr` ```` found in markdown text."""

    expr: str
    start: int
    end: int
    line_offset: int


def parse_qmd(text: str) -> QmdDocument:
    """Split .qmd text into front matter and a list of cells and markdown chunks."""
    lines = text.removeprefix("\ufeff").splitlines()
    front_matter, body_start = _front_matter(lines)
    yaml_text = "\n".join(lines[1:body_start - 1]) if body_start else ""
    return QmdDocument(front_matter=front_matter, blocks=_blocks(lines, body_start), front_matter_text=yaml_text)


def inline_expressions(markdown: str) -> list[str]:
    """Return the expressions of the ```` `{python} expr` ```` spans in markdown, in order."""
    return [code.expr for code in find_inline(markdown)]


def find_inline(markdown: str) -> list[InlineCode]:
    """Locate the inline Python expressions of markdown text, skipping fenced code blocks."""
    found: list[InlineCode] = []
    for offset, line_no, line in _unfenced_lines(markdown):
        for match in _INLINE.finditer(line):
            expr = match.group(1).strip()
            if expr:
                found.append(InlineCode(expr, offset + match.start(), offset + match.end(), line_no))
    return found


def unescape_inline(markdown: str) -> str:
    """Turn Quarto's escaped ```` `{{python}} x` ```` into the literal ```` `{python} x` ````."""
    return markdown.replace(_ESCAPED_INLINE, "`{" + LANGUAGE + "}")


def _front_matter(lines: list[str]) -> tuple[dict[str, Any], int]:
    """Parse a leading YAML block; return it and the index of the first body line."""
    if len(lines) < 2 or not _FRONT_MATTER_OPEN.match(lines[0]) or not lines[1].strip():
        return {}, 0
    close = next((i for i in range(1, len(lines)) if _FRONT_MATTER_CLOSE.match(lines[i])), None)
    if close is None:
        raise QmdError("line 1: front matter is not closed (no line '---' after it)")
    data = _load_yaml(lines[1:close], first_line=2, what="front matter")
    return data, close + 1


def _load_yaml(lines: list[str], *, first_line: int, what: str) -> dict[str, Any]:
    """Parse YAML lines as a mapping; errors name the file line where the problem is."""
    try:
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise QmdError(f"line {first_line + line}: {what} is not valid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise QmdError(f"line {first_line}: {what} must be a YAML mapping of key: value, "
                       f"found {type(data).__name__}")
    return data


def _blocks(lines: list[str], start: int) -> list[Cell | Markdown]:
    """Split body lines into cells and markdown chunks."""
    blocks: list[Cell | Markdown] = []
    pending: list[str] = []
    pending_start = start
    plain_fence: str | None = None
    i = start
    while i < len(lines):
        line = lines[i]
        if plain_fence is None and (cell_match := _CELL_OPEN.match(line)) and cell_match["lang"] == LANGUAGE:
            blocks.extend(_markdown(pending, pending_start))
            close = _cell_close(lines, i, cell_match["fence"])
            blocks.append(_cell(lines[i + 1:close], fence_line=i + 1, indent=cell_match["indent"]))
            pending, pending_start, i = [], close + 1, close + 1
            continue
        plain_fence = _next_fence_state(plain_fence, line)
        pending.append(line)
        i += 1
    blocks.extend(_markdown(pending, pending_start))
    return blocks


def _markdown(lines: list[str], start: int) -> list[Markdown]:
    """Wrap pending lines as a markdown chunk, or nothing when they are all blank."""
    if not any(line.strip() for line in lines):
        return []
    return [Markdown(text="".join(line + "\n" for line in lines), line=start + 1)]


def _cell_close(lines: list[str], open_index: int, fence: str) -> int:
    """Return the index of the line closing the cell opened at open_index."""
    closing = re.compile(r"^\s*`{" + str(len(fence)) + r",}\s*$")
    for j in range(open_index + 1, len(lines)):
        if closing.match(lines[j]):
            return j
    raise QmdError(f"line {open_index + 1}: ```{{{LANGUAGE}}} cell is not closed (no closing {fence} line)")


def _cell(body: list[str], *, fence_line: int, indent: str) -> Cell:
    """Build a cell from its body lines: leading '#|' option lines, then code."""
    body = [line.removeprefix(indent) for line in body] if indent else body
    n_options = 0
    while n_options < len(body) and _OPTION.match(body[n_options]):
        n_options += 1
    option_lines = [_option_yaml(line) for line in body[:n_options]]
    options = _load_yaml(option_lines, first_line=fence_line + 1, what="cell option") if option_lines else {}
    return Cell(source="\n".join(body[n_options:]), options=options, line=fence_line)


def _option_yaml(line: str) -> str:
    """Strip the '#|' prefix from an option line, as Quarto does."""
    return re.sub(r":\s+$", ":", _OPTION.sub("", line, count=1))


def _next_fence_state(open_fence: str | None, line: str) -> str | None:
    """Return the open plain fence after this line (None when outside any fence)."""
    if open_fence is None:
        match = _PLAIN_OPEN.match(line)
        if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
            return None
        return match["fence"]
    stripped = line.strip()
    closes = (not line.startswith("    ") and len(stripped) >= len(open_fence)
              and set(stripped) == {open_fence[0]})
    return None if closes else open_fence


def _unfenced_lines(markdown: str) -> Iterator[tuple[int, int, str]]:
    """Yield (char offset, line index, line) for lines outside fenced code blocks."""
    fence: str | None = None
    offset = 0
    for index, line in enumerate(markdown.split("\n")):
        inside = fence is not None
        fence = _next_fence_state(fence, line)
        if not inside and fence is None:
            yield offset, index, line
        offset += len(line) + 1
