"""Run a parsed .qmd document's Python cells with nbclient, as Quarto's Jupyter engine does for HTML.

- one kernel per page, started in the page's directory;
- code cells run in document order; inline ```` `{python} expr` ```` expressions in a markdown
  chunk are evaluated (as Jupyter ``user_expressions``, like Quarto's ``notebook.py``) after
  every cell above them;
- options merge Quarto's defaults, the project's ``execute:``, the page's ``execute:`` and the
  cell's ``#|`` lines, in that order;
- output Quarto would treat as a widget is refused; the rest becomes Markdown in ``outputs``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from quarto_lite.outputs import RunResults, render_document
from quarto_lite.qmd import Cell, InlineCode, Markdown, QmdDocument, find_inline

QUARTO_DEFAULTS: dict[str, Any] = {"eval": True, "echo": True, "output": True, "warning": True, "include": True}

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
