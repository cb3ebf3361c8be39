"""Turn a run's outputs into pandoc Markdown: pure functions from parsed blocks and kernel results.

Outputs are taken in Quarto's display priority for HTML output: text/html, text/markdown,
image/svg+xml, image/png, image/jpeg, then text/plain; inline values as Quarto's jupyter-inline.ts does.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quarto_lite.qmd import Cell, Markdown, QmdDocument, find_inline, unescape_inline

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# ASCII punctuation pandoc's Markdown can read as markup, backslash-escaped in literal text (quotes are
# left to pandoc's smart typography); &, < and > become entities, so no raw HTML can start.
MARKUP = frozenset("\\`*_{}[]()#+-.!|~^@$:=")
ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SVG_TAG = re.compile(r"<svg\b")
# ipykernel names each cell's code <tmp>/ipykernel_<pid>/<hash>.py; the pid changes every run.
# A match may start only where a run of path characters starts (the look-behind), so each run is
# scanned once from its start: linear in the text. Without it every position of a long run started
# a scan to the run's end, and an 80 KB line without spaces took 25 s.
_PATH_CHAR = r"[^\s:\"'<>]"
_KERNEL_CELL_FILE = re.compile(rf"(?<!{_PATH_CHAR})(?:[A-Za-z]:)?{_PATH_CHAR}*ipykernel_\d+[\\/]\d+\.py")
_IMAGE_TYPES = ("image/png", "image/jpeg")


@dataclass(frozen=True)
class RunResults:
    """What the kernel produced: outputs per cell and inline values per markdown chunk."""

    outputs: dict[int, list[Mapping[str, Any]]] = field(default_factory=dict)
    inline: dict[int, list[Mapping[str, Any]]] = field(default_factory=dict)


def render_document(doc: QmdDocument, options: Mapping[int, Mapping[str, Any]], results: RunResults) -> str:
    """Assemble the page's Markdown from its chunks and rendered cells."""
    parts = []
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Markdown):
            parts.append(render_markdown(block.text, results.inline.get(index, [])))
        else:
            parts.append(render_cell(block, options[index], results.outputs.get(index, [])))
    return "\n\n".join(part for part in parts if part) + "\n"


def render_markdown(text: str, values: Sequence[Mapping[str, Any]]) -> str:
    """Replace inline expressions with their formatted values and trim blank edge lines."""
    codes = find_inline(text)
    if len(codes) != len(values):
        raise ValueError(f"{len(codes)} inline expressions but {len(values)} values")
    for code, value in reversed(list(zip(codes, values))):
        text = text[:code.start] + format_inline(value) + text[code.end:]
    return re.sub(r"\A(?:[ \t]*\n)+", "", unescape_inline(text)).rstrip()


def format_inline(data: Mapping[str, Any]) -> str:
    """Format an inline value's MIME bundle as Quarto does (jupyter-inline.ts) for HTML."""
    if "text/html" in data:
        return _raw_inline(_text(data["text/html"]))
    if "text/markdown" in data:
        return _text(data["text/markdown"])
    if "image/svg+xml" in data:
        return _raw_inline(_text(data["image/svg+xml"]))
    for mime in _IMAGE_TYPES:
        if mime in data:
            return _raw_inline(_img_tag(mime, _text(data[mime]), ""))
    return _plain_inline(_clean_text(_text(data.get("text/plain", ""))))


def _plain_inline(text: str) -> str:
    """Show text/plain as literal text: a str without its quotes, anything else as printed; never as markup.

    Quarto 1.7.34 (jupyter-inline.ts) strips a str's quotes and backslash-escapes a few characters, but
    leaves '<', '&', '@' and '$' alone, so a str holding HTML, a citation or a formula becomes one.
    """
    value = _literal_str(text)
    return literal_text(text if value is None else value)


def escape_markdown(text: str) -> str:
    """Escape text so that pandoc's Markdown shows it as written: no markup, raw HTML, citation or formula.

    Each line loses the white space at its ends, which could make it a code block or a line break.
    """
    return "\n".join("".join(ENTITIES.get(ch) or ("\\" + ch if ch in MARKUP else ch) for ch in line.strip())
                     for line in str(text).splitlines())


def literal_text(text: str) -> str:
    """Escape text as escape_markdown does, on one line: runs of white space (line breaks too) become one space."""
    return escape_markdown(" ".join(str(text).split()))


def _literal_str(text: str) -> str | None:
    """Return the str a repr denotes ('a' or ('a' 'b')), or None if it is not a str literal."""
    if not text or text[0] not in "'\"(":
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "'\""
        return text[1:-1] if quoted else None
    return value if isinstance(value, str) else None


def render_cell(cell: Cell, options: Mapping[str, Any], outputs: Sequence[Mapping[str, Any]]) -> str:
    """Render a cell as its echoed code (if echo) followed by its outputs (if output)."""
    if options["include"] is False:
        return ""
    pieces = []
    if options["echo"] is not False and cell.source.strip():
        pieces.append(_code_block(cell.source, "python"))
    if options["output"] is not False:
        rendered = [text for output in visible_outputs(outputs, options) if (text := render_output(output, options))]
        if rendered:
            pieces.append(wrap_outputs("\n\n".join(rendered), options))
    return "\n\n".join(pieces)


def visible_outputs(outputs: Sequence[Mapping[str, Any]], options: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Merge runs of stream outputs and drop stderr when warning is false."""
    merged = merge_streams(outputs)
    if options["warning"] is False:
        merged = [o for o in merged if o.get("name") != "stderr"]
    return merged


def merge_streams(outputs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Join each run of consecutive stream outputs into one stdout then one stderr output."""
    # stdout and stderr travel separately, so their order within a run can change from one
    # build to the next; fixing it keeps the page byte-identical.
    # The pieces are joined once per run: adding each piece to a growing str copied the run so far
    # every time (20,000 flushed prints of 100 characters took 16 s).
    merged: list[Mapping[str, Any]] = []
    run: dict[str, list[str]] = {}
    for output in outputs:
        if output.get("output_type") == "stream":
            run.setdefault(output.get("name", "stdout"), []).append(_text(output.get("text", "")))
            continue
        merged.extend(_stream_outputs(run))
        run = {}
        merged.append(output)
    merged.extend(_stream_outputs(run))
    return merged


def _stream_outputs(run: Mapping[str, list[str]]) -> list[Mapping[str, Any]]:
    """Return one stream output per name, stdout first, then stderr, then any other."""
    order = {"stdout": 0, "stderr": 1}
    names = sorted(run, key=lambda name: (order.get(name, 2), name))
    return [{"output_type": "stream", "name": name, "text": "".join(run[name])} for name in names]


def render_output(output: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """Render one output (stream, execute_result or display_data) as Markdown."""
    kind = output.get("output_type")
    if kind == "stream":
        return _stream(output, options)
    if kind in ("execute_result", "display_data"):
        return render_data(output.get("data", {}), options)
    return ""


def _stream(output: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """Render stream text as a code block (or raw markdown with output: asis)."""
    text = _clean_text(_text(output.get("text", ""))).rstrip("\n")
    if not text.strip():
        return ""
    if options["output"] == "asis":
        return text
    return _code_block(text, f"{{.cell-output .cell-output-{output.get('name', 'stdout')}}}")


def render_data(data: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """Render a MIME bundle by the first type present in the HTML display priority."""
    for mime, convert in _CONVERTERS:
        if mime in data:
            return convert(_text(data[mime]), mime, options)
    return ""


def _html(text: str, mime: str, options: Mapping[str, Any]) -> str:
    """Render text/html as a raw HTML block."""
    return raw_block(text)


def _markdown(text: str, mime: str, options: Mapping[str, Any]) -> str:
    """Insert text/markdown as it is."""
    return text.strip("\n")


def _svg(text: str, mime: str, options: Mapping[str, Any]) -> str:
    """Render an SVG as a raw HTML block, labelled with fig-alt when given."""
    alt = options.get("fig-alt")
    if alt:
        label = html.escape(str(alt), quote=True)
        text = _SVG_TAG.sub(f'<svg role="img" aria-label="{label}"', text, count=1)
    return raw_block(text)


def _image(text: str, mime: str, options: Mapping[str, Any]) -> str:
    """Render a PNG or JPEG as an inline-data <img> raw HTML block with fig-alt as alt."""
    return raw_block(_img_tag(mime, text, str(options.get("fig-alt") or "")))


def _plain(text: str, mime: str, options: Mapping[str, Any]) -> str:
    """Render text/plain as a cell-output code block (raw markdown with output: asis)."""
    text = _clean_text(text).rstrip("\n")
    if options["output"] == "asis":
        return text
    return _code_block(text, "{.cell-output .cell-output-display}") if text.strip() else ""


_CONVERTERS = (
    ("text/html", _html),
    ("text/markdown", _markdown),
    ("image/svg+xml", _svg),
    ("image/png", _image),
    ("image/jpeg", _image),
    ("text/plain", _plain),
)


def wrap_outputs(body: str, options: Mapping[str, Any]) -> str:
    """Wrap rendered outputs in a captioned float (fig-/tbl- with caption) or a labelled div."""
    label = options.get("label")
    if not label:
        return body
    label = str(label)
    caption = _float_caption(label, options)
    if caption is None:
        return f"::: {{#{label}}}\n\n{body}\n\n:::"
    return (f"::: {{#{label} .quarto-float}}\n\n{body}\n\n"
            f"::: {{.float-caption}}\n{caption}\n:::\n:::")


def _float_caption(label: str, options: Mapping[str, Any]) -> str | None:
    """Return the caption for a fig-/tbl- labelled cell, or None when it is not a float."""
    for prefix, key in (("fig-", "fig-cap"), ("tbl-", "tbl-cap")):
        if label.startswith(prefix) and options.get(key) not in (None, ""):
            return str(options[key])
    return None


def _img_tag(mime: str, data: str, alt: str) -> str:
    """Return an <img> tag embedding base64 image data."""
    payload = "".join(data.split())
    return f'<img src="data:{mime};base64,{payload}" alt="{html.escape(alt, quote=True)}">'


def raw_block(text: str) -> str:
    """Return a fenced raw HTML block."""
    return _code_block(text.strip("\n"), "{=html}")


def _raw_inline(text: str) -> str:
    """Return raw inline HTML, e.g. `<b>x</b>`{=html}."""
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}{{=html}}"


def _code_block(text: str, info: str) -> str:
    """Return a fenced code block whose fence is longer than any backtick run inside."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _longest_run(text: str, char: str) -> int:
    """Return the length of the longest run of char in text."""
    return max((len(m) for m in re.findall(re.escape(char) + "+", text)), default=0)


def _clean_text(text: str) -> str:
    """Remove ANSI escape sequences and name the kernel's per-process cell files stably."""
    text = _ANSI.sub("", text)
    return _KERNEL_CELL_FILE.sub("<cell>", text) if "ipykernel_" in text else text


def _text(value: Any) -> str:
    """Return notebook text that may be stored as a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value)
