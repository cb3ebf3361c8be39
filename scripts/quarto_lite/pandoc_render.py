"""Render pandoc Markdown (from an executed .qmd) to an HTML fragment, as Quarto would.

pandoc (from pypandoc-binary) does the work; Lua filters in filters/ add what Quarto adds: callouts,
numbered figures and tables with @fig-/@tbl-/@sec- cross-references, and a "References" heading.
Citations go through pandoc's citeproc when a bibliography is given.

Raw HTML in the Markdown is passed through, as pandoc and Quarto do: the input is trusted, written by
the project. Text in code, and escaped text such as ``&lt;``, stays escaped.

Of a page's front matter, pandoc is given the keys it acts on itself (``nocite``), as Quarto gives them.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypandoc
import yaml

FILTERS = Path(__file__).resolve().parent / "filters"
# Applied in this order, all before --citeproc: callout titles are taken before sections are looked up,
# and cross-references are resolved before citeproc sees the remaining citations.
LUA_FILTERS = ("links.lua", "callouts.lua", "crossref.lua", "references.lua")
REFERENCE_SECTION_TITLE = "References"
# Front-matter keys handed to pandoc. The others are the template's (title, description) or are set
# project-wide by _quarto.yml (bibliography, lang), so passing them could only contradict it.
PAGE_METADATA = ("nocite",)
TIMEOUT_SECONDS = 300
_MISSING_KEY = re.compile(r"^\[WARNING\] Citeproc: citation (\S+) not found")
_NOCITE_KEY = re.compile(r"@([A-Za-z0-9_][\w:.#$%&+?<>~/-]*)")
_FILTER_FAILED = "Error running filter"
_UNRESOLVED = "unresolved cross-reference"  # crossref.lua's message: unresolved cross-reference(s) @a, @b
_XREF_LABEL = re.compile(r"@([^\s,]+)")


class RenderError(ValueError):
    """The Markdown could not be rendered; the message names the problem, ``keys`` the @keys it is about."""

    def __init__(self, message: str, keys: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.keys = keys


@dataclass(frozen=True)
class Rendered:
    """An HTML fragment and the h2/h3 headings for its table of contents."""

    html: str
    headings: list[tuple[int, str, str]]


def render_markdown(markdown: str, *, bibliography: Path | None = None, csl: Path | None = None,
                    lang: str | None = None, metadata: Mapping[str, Any] | None = None) -> Rendered:
    """Render pandoc Markdown to an HTML fragment with citations, callouts and cross-references.

    metadata (e.g. ``{"nocite": "@*"}``) is given to pandoc as a YAML metadata block, so its values are
    read as Markdown, as in a page's front matter.
    """
    args = pandoc_args(_existing(bibliography, "bibliography"), _existing(csl, "csl"), lang)
    done = _run_pandoc(args, metadata_block(metadata) + markdown)
    if done.returncode != 0:
        problem = pandoc_problem(done.stderr)
        raise RenderError(problem, tuple(_XREF_LABEL.findall(problem)) if problem.startswith(_UNRESOLVED) else ())
    _check_citations(missing_citation_keys(done.stderr))
    if bibliography is not None:
        _check_citations(missing_nocite_keys(metadata, done.stdout), " (nocite)")
    outline = outline_html(done.stdout)
    if bibliography is None:
        _check_citations(outline.citations, " (no bibliography given)")
    return Rendered(html=done.stdout, headings=outline.headings)


def page_metadata(front_matter: Mapping[str, Any]) -> dict[str, Any]:
    """Return the front-matter entries pandoc acts on itself (PAGE_METADATA), in that order."""
    return {key: front_matter[key] for key in PAGE_METADATA if key in front_matter}


def metadata_block(metadata: Mapping[str, Any] | None) -> str:
    """Return metadata as a pandoc YAML metadata block followed by a blank line ('' when empty)."""
    if not metadata:
        return ""
    return "---\n" + yaml.safe_dump(dict(metadata), allow_unicode=True, sort_keys=False) + "---\n\n"


def pandoc_args(bibliography: Path | None, csl: Path | None, lang: str | None = None) -> list[str]:
    """Return pandoc's command-line arguments (without the executable)."""
    args = ["-f", "markdown", "-t", "html5", "--section-divs", "--wrap=none", "--mathml", f"--data-dir={FILTERS}"]
    if lang:
        args.append(f"--metadata=lang:{lang}")
    args += [f"--lua-filter={FILTERS / name}" for name in LUA_FILTERS]
    if bibliography is not None:
        args += ["--citeproc", f"--bibliography={bibliography}", "--metadata=link-citations:true",
                 f"--metadata=reference-section-title:{REFERENCE_SECTION_TITLE}"]
        if csl is not None:
            args.append(f"--csl={csl}")
    elif csl is not None:
        raise RenderError("a csl style needs a bibliography")
    return args


def pandoc_problem(stderr: str) -> str:
    """Return the line of pandoc's error output that names the problem."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "pandoc failed without a message"
    if lines[0].startswith(_FILTER_FAILED) and len(lines) > 1:
        return lines[1]
    return lines[0]


def missing_citation_keys(stderr: str) -> list[str]:
    """Return the citation keys citeproc warned it could not find, in order, without repeats."""
    keys = [m.group(1) for m in map(_MISSING_KEY.match, stderr.splitlines()) if m]
    return list(dict.fromkeys(keys))


def missing_nocite_keys(metadata: Mapping[str, Any] | None, html: str) -> list[str]:
    """Return the keys named in metadata's nocite with no reference entry in html (citeproc is silent)."""
    text = str((metadata or {}).get("nocite", ""))
    keys = [key.rstrip(":.#$%&+?<>~/-") for key in _NOCITE_KEY.findall(text)]
    return [key for key in dict.fromkeys(keys) if f'id="ref-{key}"' not in html]


@dataclass
class Outline:
    """What the rendered fragment contains: h2/h3 headings and the keys of unprocessed citations."""

    headings: list[tuple[int, str, str]]
    citations: list[str]


def outline_html(html: str) -> Outline:
    """Parse the fragment for its h2/h3 headings (level, id, text) and its citation keys."""
    parser = _OutlineParser()
    parser.feed(html)
    parser.close()
    return Outline(parser.headings, list(dict.fromkeys(parser.citations)))


class _OutlineParser(HTMLParser):
    """Collect h2/h3 headings (id from the heading or its <section>) and span.citation keys."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []
        self.headings: list[tuple[int, str, str]] = []
        self.citations: list[str] = []
        self._open: tuple[int, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "section":
            self.sections.append(values.get("id", ""))
        elif tag in ("h2", "h3") and self._open is None:
            parent = self.sections[-1] if self.sections else ""
            self._open = (int(tag[1]), values.get("id") or parent)
            self._text = []
        elif tag == "span" and "citation" in values.get("class", "").split():
            self.citations += values.get("data-cites", "").split()

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.sections:
            self.sections.pop()
        elif self._open is not None and tag == f"h{self._open[0]}":
            level, hid = self._open
            self.headings.append((level, hid, " ".join("".join(self._text).split())))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def _existing(path: Path | None, what: str) -> Path | None:
    """Return path made absolute, or raise RenderError when it is given but is not a file."""
    if path is None:
        return None
    if not Path(path).is_file():
        raise RenderError(f"{what} not found: {path}")
    return Path(path).resolve()


def _run_pandoc(args: list[str], markdown: str) -> subprocess.CompletedProcess[str]:
    """Run the pandoc binary shipped with pypandoc-binary on markdown from stdin."""
    command = [pypandoc.get_pandoc_path(), *args]
    try:
        return subprocess.run(command, input=markdown, capture_output=True, text=True, encoding="utf-8",
                              check=False, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"pandoc did not finish within {TIMEOUT_SECONDS} s") from exc


def _check_citations(keys: list[str], why: str = "") -> None:
    """Raise RenderError naming the citation keys that could not be resolved, if any."""
    if keys:
        noun = "citation" if len(keys) == 1 else "citations"
        raise RenderError(f"{noun} not found: {', '.join(keys)}{why}", tuple(keys))
