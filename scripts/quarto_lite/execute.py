"""Run a parsed .qmd document's Python cells with nbclient, as Quarto's Jupyter engine does for HTML.

- each page in a fresh namespace in the page's directory: a pool's kernel (quarto_lite.kernel_pool), or
  a kernel of its own;
- code cells run in document order; inline ```` `{python} expr` ```` expressions in a markdown
  chunk are evaluated (as Jupyter ``user_expressions``, like Quarto's ``notebook.py``) after
  every cell above them;
- options merge Quarto's defaults, the project's ``execute:``, the page's ``execute:`` and the
  cell's ``#|`` lines, in that order;
- output Quarto would treat as a widget is refused; the rest becomes Markdown in ``outputs``;
- work is bounded: a cell (or a chunk's inline expressions) that runs longer than ``execute: timeout``
  seconds (default DEFAULT_TIMEOUT), or writes more than MAX_OUTPUT_CHARS characters of output, stops
  the page with one line naming it. Quarto 1.7.34 has no such option: its schema does not list
  ``timeout`` (``execute:`` is an open object, so it accepts the key) and its Jupyter engine runs cells
  without a limit;
- the kernel (``quarto_lite.kernel``) writes nothing to our stderr.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from quarto_lite.builtin_options import SECONDS
from quarto_lite.kernel import MAX_OUTPUT_CHARS, BoundedClient, count_chars, new_notebook, running_kernel
from quarto_lite.kernel_pool import PageKernel
from quarto_lite.outputs import RunResults, render_document
from quarto_lite.qmd import Cell, InlineCode, Markdown, QmdDocument, find_inline

QUARTO_DEFAULTS: dict[str, Any] = {"eval": True, "echo": True, "output": True, "warning": True, "include": True}

# Output types for which Quarto adds require.js and jQuery from a CDN to the page (src/core/jupyter/
# widgets.ts, extractJupyterWidgetDependencies): refused, so that no page loads anything from another host.
WIDGET_TYPES = ("text/html", "application/javascript")
DEFAULT_TIMEOUT = 300  # seconds a cell may run unless `execute: timeout` says otherwise


class CellError(Exception):
    """A cell or inline expression failed; str() is one line, ``page:line: cell failed: Name: value``.

    A broken limit gives its own line (``message``), e.g. ``page:line: cell fig-x did not finish ...``.
    """

    def __init__(self, page: str, line: int, ename: str, evalue: str, message: str | None = None) -> None:
        super().__init__(message or f"{page}:{line}: cell failed: {ename}: {evalue}")
        self.page = page
        self.line = line
        self.ename = ename
        self.evalue = evalue


def execute_document(doc: QmdDocument, *, page: str, cwd: Path, defaults: Mapping[str, Any] | None = None,
                     kernel_name: str = "python3", max_output_chars: int = MAX_OUTPUT_CHARS,
                     kernel: PageKernel | None = None, env: Mapping[str, str] | None = None) -> str:
    """Run the document's cells in cwd and return its pandoc Markdown.

    kernel: a pool's kernel, which runs the page in a fresh namespace with env set; else a kernel of its own.
    """
    options = cell_options_by_block(doc, defaults)
    if not needs_kernel(doc, options):
        return render_document(doc, options, RunResults())
    inline_timeout = timeout_of(merge_options(defaults, doc.front_matter, {}), page)
    if kernel is not None:
        with kernel.page(cwd, env) as client:
            return render_document(doc, options, _run(client, doc, options, page, inline_timeout))
    with running_kernel(new_notebook(kernel_name), kernel_name=kernel_name, cwd=cwd, max_output_chars=max_output_chars) as client:
        return render_document(doc, options, _run(client, doc, options, page, inline_timeout))


def timeout_of(options: Mapping[str, Any], page: str) -> float:
    """Return the seconds `execute: timeout` allows (DEFAULT_TIMEOUT when unset); refuse a bad value."""
    value = options.get("timeout", DEFAULT_TIMEOUT)
    if not SECONDS.allows(value):
        raise CellError(page, 1, "ValueError", "", f"{page}: execute.timeout: expected {SECONDS.description} "
                                                   f"(found {value!r})")
    return value


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


def _run(client: BoundedClient, doc: QmdDocument, options: Mapping[int, Mapping[str, Any]], page: str,
         inline_timeout: float) -> RunResults:
    """Execute the evaluated cells and inline expressions in the client's kernel, in document order."""
    outputs: dict[int, list[Mapping[str, Any]]] = {}
    inline: dict[int, list[Mapping[str, Any]]] = {}
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Cell) and options[index]["eval"] is not False:
            outputs[index] = _execute_cell(client, block, options[index], page)
        elif isinstance(block, Markdown) and (codes := find_inline(block.text)):
            inline[index] = _evaluate_inline(client, block, codes, page, inline_timeout)
    return RunResults(outputs=outputs, inline=inline)


def _execute_cell(client: BoundedClient, cell: Cell, options: Mapping[str, Any],
                  page: str) -> list[Mapping[str, Any]]:
    """Run one cell; turn any failure or broken limit into a CellError naming the cell's fence line."""
    node = nbformat.v4.new_code_cell(source=cell.source)
    client.nb.cells.append(node)
    client.timeout = timeout_of(options, page)
    client.output_chars = 0
    try:
        executed = client.execute_cell(node, len(client.nb.cells) - 1)
    except CellExecutionError as exc:
        raise CellError(page, cell.line, exc.ename, exc.evalue) from None
    except CellTimeoutError:
        raise CellError(page, cell.line, "CellTimeoutError", "", f"{page}:{cell.line}: {_cell_name(options)} did "
                        f"not finish within {client.timeout:g} s (execute: timeout); it was stopped") from None
    except DeadKernelError as exc:
        raise CellError(page, cell.line, type(exc).__name__, _first_line(str(exc))) from None
    if client.output_chars > client.max_output_chars:
        raise CellError(page, cell.line, "OutputError", "", f"{page}:{cell.line}: {_cell_name(options)} wrote "
                        f"{client.output_chars:,} characters of output, more than the {client.max_output_chars:,} "
                        "a cell may write")
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


def _cell_name(options: Mapping[str, Any]) -> str:
    """Name a cell by its label, as Quarto's progress lines do."""
    return f"cell {options['label']}" if options.get("label") else "the cell"


def _evaluate_inline(client: BoundedClient, block: Markdown, codes: Sequence[InlineCode],
                     page: str, timeout: float) -> list[Mapping[str, Any]]:
    """Evaluate a chunk's inline expressions as user_expressions; return their MIME bundles."""
    first_line = block.line + codes[0].line_offset
    expressions = {str(i): code.expr for i, code in enumerate(codes)}
    client.timeout = timeout
    msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions=expressions)
    try:
        # nbclient names the cell in its timeout error, so it needs one.
        reply = client.wait_for_reply(msg_id, nbformat.v4.new_code_cell(source=" ".join(expressions.values())))
    except CellTimeoutError:
        raise CellError(page, first_line, "CellTimeoutError", "", f"{page}:{first_line}: the inline expressions did "
                        f"not finish within {timeout:g} s (execute: timeout); they were stopped") from None
    except DeadKernelError as exc:
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
    if (chars := count_chars(bundles)) > client.max_output_chars:
        raise CellError(page, first_line, "OutputError", "", f"{page}:{first_line}: the inline expressions gave "
                        f"{chars:,} characters, more than the {client.max_output_chars:,} a cell may write")
    return bundles


def _first_line(text: str) -> str:
    """Return the first non-blank line of a message."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
