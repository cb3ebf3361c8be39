"""Check a chart as published: every plotted point must be a row of its CSV download.

Written from the page's side, independent of the chart helper: it reads the figure JSON out of the
HTML (or, in the browser tests, the figure data plotly holds in the page) and the CSV as a reader
downloads it, and follows each point's row number (customdata) to the
columns its trace names (meta), undoing only what the page does to text for plotly (HTML escaping
and <br> line breaks) and what the CSV does for spreadsheets (a byte-order mark; a "'" before text
a spreadsheet would take for a formula).
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from typing import Any

import pandas as pd
from bs4 import Tag


def figure_spec(figure: Tag) -> dict[str, Any]:
    """Return the plotly figure embedded in a chart's <figure> element."""
    script = figure.select_one("script.chart-spec")
    assert script is not None and script.get("type") == "application/json", "chart has no JSON spec"
    return json.loads(script.string)


def shown_text(value: Any) -> Any:
    """Undo the page's text encoding for plotly: <br> line breaks and HTML entities."""
    return html.unescape(value.replace("<br>", " ")) if isinstance(value, str) else value


FORMULA = re.compile(r"[=+\-@\t\r]")  # OWASP: a cell starting so is a formula to a spreadsheet
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def in_spreadsheet_form(text: str) -> str:
    """Return text as the CSV must hold it: with a leading "'" if a spreadsheet would run it, unless a number."""
    return "'" + text if FORMULA.match(text) and not NUMBER.fullmatch(text) else text


def same(plotted: Any, downloaded: Any) -> bool:
    """Compare a plotted value with a CSV cell (numbers as floats, blanks as None)."""
    if downloaded is None or (isinstance(downloaded, float) and math.isnan(downloaded)):
        return plotted is None
    if isinstance(plotted, (int, float)) and not isinstance(plotted, bool):
        return math.isclose(float(plotted), float(downloaded), rel_tol=0, abs_tol=1e-9)
    return in_spreadsheet_form(str(shown_text(plotted))) == str(downloaded)


def assert_plot_matches_csv(spec: dict[str, Any], csv_text: str) -> int:
    """Assert every plotted point equals its CSV row and every row is plotted; return the points checked."""
    table = pd.read_csv(io.StringIO(csv_text.removeprefix("\ufeff")), dtype=object, keep_default_na=False)
    table = table.map(lambda v: None if v == "" else v)
    plotted_rows: list[int] = []
    for trace in spec["data"]:
        meta, rows = trace["meta"], trace["customdata"]
        for axis, column in meta.items():
            assert column in table.columns, f"trace {trace['name']!r}: column {column!r} not in the CSV"
            assert len(trace[axis]) == len(rows), f"trace {trace['name']!r}: {axis} and customdata differ in length"
            for value, row in zip(trace[axis], rows):
                cell = table.at[row, column]
                cell = float(cell) if isinstance(value, (int, float)) and cell is not None else cell
                assert same(value, cell), f"trace {trace['name']!r} row {row} {column!r}: plotted {value!r}, CSV {cell!r}"
        plotted_rows += rows
    assert sorted(set(plotted_rows)) == list(range(len(table))), "some CSV rows are not plotted"
    return len(plotted_rows)
