"""Run a parsed .qmd document's Python cells with nbclient and return pandoc Markdown.

This mirrors what Quarto's Jupyter engine does for HTML output:

- one kernel per page, started in the page's directory;
- code cells run in document order; inline ```` `{python} expr` ```` expressions in a markdown
  chunk are evaluated (as Jupyter ``user_expressions``, like Quarto's ``notebook.py``) after
  every cell above them;
- options merge Quarto's defaults, the project's ``execute:``, the page's ``execute:`` and the
  cell's ``#|`` lines, in that order;
- outputs become Markdown, preferring text/html, text/markdown, image/svg+xml, image/png,
  image/jpeg, then text/plain (Quarto's display priority for HTML output).
"""

from __future__ import annotations

import ast
import html
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .qmd import Cell, InlineCode, Markdown, QmdDocument, find_inline, unescape_inline

QUARTO_DEFAULTS: dict[str, Any] = {"eval": True, "echo": True, "output": True, "warning": True, "include": True}

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")
_SVG_TAG = re.compile(r"<svg\b")
# ipykernel names each cell's code <tmp>/ipykernel_<pid>/<hash>.py; the pid changes every run.
_KERNEL_CELL_FILE = re.compile(r"(?:[A-Za-z]:)?[^\s:\"'<>]*ipykernel_\d+[\\/]\d+\.py")
_IMAGE_TYPES = ("image/png", "image/jpeg")
# Output types for which Quarto adds require.js and jQuery from a CDN to the page (src/core/jupyter/
# widgets.ts, extractJupyterWidgetDependencies): refused, so that no page loads anything from another host.
WIDGET_TYPES = ("text/html", "application/javascript")


class CellError(Exception):
    """A cell or inline expression raised; str() is ``page:line: cell failed: Name: value``."""

    def __init__(self, page: str, line: int, ename: str, evalue: str) -> None:
        super().__init__(f"{page}:{line}: cell failed: {ename}: {evalue}")
        self.page = page
        self.line = line
        self.ename = ename
        self.evalue = evalue


@dataclass(frozen=True)
class RunResults:
    """What the kernel produced: outputs per cell and inline values per markdown chunk."""

    outputs: dict[int, list[Mapping[str, Any]]] = field(default_factory=dict)
    inline: dict[int, list[Mapping[str, Any]]] = field(default_factory=dict)


def execute_document(doc: QmdDocument, *, page: str, cwd: Path, defaults: Mapping[str, Any] | None = None,
                     timeout: int = 600, kernel_name: str = "python3") -> str:
    """Run the document's cells in one kernel started in cwd and return its pandoc Markdown."""
    options = cell_options_by_block(doc, defaults)
    results = (_run(doc, options, page=page, cwd=cwd, timeout=timeout, kernel_name=kernel_name)
               if needs_kernel(doc, options) else RunResults())
    return render_document(doc, options, results)


def merge_options(defaults: Mapping[str, Any] | None, front_matter: Mapping[str, Any],
                  cell: Mapping[str, Any]) -> dict[str, Any]:
    """Merge Quarto's defaults, the project's, the page's ``execute:`` and the cell's options."""
    page = front_matter.get("execute")
    page_options = page if isinstance(page, Mapping) else {}
    return {**QUARTO_DEFAULTS, **(defaults or {}), **page_options, **cell}


def cell_options_by_block(doc: QmdDocument, defaults: Mapping[str, Any] | None) -> dict[int, dict[str, Any]]:
    """Return the merged options of each cell, keyed by block index."""
    return {index: merge_options(defaults, doc.front_matter, block.options)
            for index, block in enumerate(doc.blocks) if isinstance(block, Cell)}


def needs_kernel(doc: QmdDocument, options: Mapping[int, Mapping[str, Any]]) -> bool:
    """Tell whether any cell is evaluated or any markdown holds an inline expression."""
    return any(options[i]["eval"] is not False if isinstance(b, Cell) else bool(find_inline(b.text))
               for i, b in enumerate(doc.blocks))


def _kernel_env() -> dict[str, str]:
    """Return the kernel's environment: ours, with hash randomisation off."""
    return {**os.environ, "PYTHONHASHSEED": "0"}


def _run(doc: QmdDocument, options: Mapping[int, Mapping[str, Any]], *, page: str, cwd: Path,
         timeout: int, kernel_name: str) -> RunResults:
    """Execute the evaluated cells and inline expressions in one kernel, in document order."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": kernel_name, "language": "python",
                                                           "display_name": kernel_name}})
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, allow_errors=False,
                            record_timing=False, resources={"metadata": {"path": str(cwd)}})
    outputs: dict[int, list[Mapping[str, Any]]] = {}
    inline: dict[int, list[Mapping[str, Any]]] = {}
    with client.setup_kernel(env=_kernel_env()):
        for index, block in enumerate(doc.blocks):
            if isinstance(block, Cell) and options[index]["eval"] is not False:
                outputs[index] = _execute_cell(client, block, page)
            elif isinstance(block, Markdown) and (codes := find_inline(block.text)):
                inline[index] = _evaluate_inline(client, block, codes, page)
    return RunResults(outputs=outputs, inline=inline)


def _execute_cell(client: NotebookClient, cell: Cell, page: str) -> list[Mapping[str, Any]]:
    """Run one cell; turn any failure into a CellError naming the cell's fence line."""
    node = nbformat.v4.new_code_cell(source=cell.source)
    client.nb.cells.append(node)
    try:
        executed = client.execute_cell(node, len(client.nb.cells) - 1)
    except CellExecutionError as exc:
        raise CellError(page, cell.line, exc.ename, exc.evalue) from None
    except (CellTimeoutError, DeadKernelError) as exc:
        raise CellError(page, cell.line, type(exc).__name__, _first_line(str(exc))) from None
    for output in executed.outputs:
        if output.get("output_type") == "error":
            raise CellError(page, cell.line, output.get("ename", "Error"), output.get("evalue", ""))
        check_no_widget(output, page, cell.line)
    return list(executed.outputs)


def check_no_widget(output: Mapping[str, Any], page: str, line: int) -> None:
    """Raise CellError for display output Quarto would load require.js and jQuery from a CDN for."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return
    for mime in WIDGET_TYPES:
        if mime in output.get("data", {}):
            raise CellError(page, line, "OutputError",
                            f"the cell's output is {mime}, for which Quarto loads require.js and jQuery from "
                            "a CDN; show HTML as Markdown holding a raw HTML block (```{=html})")


def _evaluate_inline(client: NotebookClient, block: Markdown, codes: Sequence[InlineCode],
                     page: str) -> list[Mapping[str, Any]]:
    """Evaluate a chunk's inline expressions as user_expressions; return their MIME bundles."""
    first_line = block.line + codes[0].line_offset
    expressions = {str(i): code.expr for i, code in enumerate(codes)}
    msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions=expressions)
    try:
        reply = client.wait_for_reply(msg_id)
    except (CellTimeoutError, DeadKernelError) as exc:
        raise CellError(page, first_line, type(exc).__name__, _first_line(str(exc))) from None
    if reply is None:
        raise CellError(page, first_line, "TimeoutError", "no reply to inline expressions")
    content = reply["content"]
    if content.get("status") != "ok":
        raise CellError(page, first_line, content.get("ename", "Error"), content.get("evalue", ""))
    bundles = []
    for key, code in zip(expressions, codes):
        result = content["user_expressions"][key]
        if result.get("status") != "ok":
            raise CellError(page, block.line + code.line_offset, result.get("ename", "Error"),
                            result.get("evalue", ""))
        bundles.append(result.get("data", {}))
    return bundles


def _first_line(text: str) -> str:
    """Return the first non-blank line of a message."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


# --- rendering: pure functions from parsed blocks and kernel results to Markdown ---


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
    """Show a string's value without quotes (markdown-escaped); anything else as printed."""
    value = _literal_str(text)
    return text if value is None else _MARKDOWN_SPECIAL.sub(r"\\\1", value)


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
    merged: list[Mapping[str, Any]] = []
    run: dict[str, str] = {}
    for output in outputs:
        if output.get("output_type") == "stream":
            name = output.get("name", "stdout")
            run[name] = run.get(name, "") + _text(output.get("text", ""))
            continue
        merged.extend(_stream_outputs(run))
        run = {}
        merged.append(output)
    merged.extend(_stream_outputs(run))
    return merged


def _stream_outputs(run: Mapping[str, str]) -> list[Mapping[str, Any]]:
    """Return one stream output per name, stdout first, then stderr, then any other."""
    order = {"stdout": 0, "stderr": 1}
    names = sorted(run, key=lambda name: (order.get(name, 2), name))
    return [{"output_type": "stream", "name": name, "text": run[name]} for name in names]


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
    return _KERNEL_CELL_FILE.sub("<cell>", _ANSI.sub("", text))


def _text(value: Any) -> str:
    """Return notebook text that may be stored as a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value)
