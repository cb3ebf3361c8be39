"""The one chart helper: a plotly figure with its title, subtitle, source, note, alt text, permalink, CSV and table.

Every chart on the site is made here, from a tidy frame that holds exactly the plotted data:
- each trace plots rows of that frame; its `customdata` holds their row numbers and its `meta` names
  the columns behind x, y (and hover text), so anyone can check the plot against the CSV;
- the frame is written to `<chart-id>.csv` in the build's own folder (IBSA_DOWNLOADS_DIR; `_downloads/`
  outside a build), copied to `downloads/` after rendering;
- the figure and its texts are written beside it as `<chart-id>.figure.json`, from which the post-render
  step (ibsa_report.site.chart_images) draws the static pictures the page shows first
  (`downloads/<chart-id>.svg`, `.narrow.svg`, `.png` and `og/<chart-id>.png`);
- the page loads assets/charts.js once, which fetches plotly.js from the site (`assets/vendor/`), never from
  a CDN or inlined, only when a reader reaches for a chart.

`IBSA_CHARTS=plotly-default` in the environment draws each plot instead as plotly's own offline HTML
(`plotly.io.to_html`, plotly.js inlined in every chart): the baseline `ibsa-report bench` compares with.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.offline import get_plotlyjs_version

from quarto_lite.outputs import raw_block
from quarto_lite.project import find_root, relative_root
from ibsa_report.sources import downloads_dir
from ibsa_report.report.chart_facts import Period, chart_facts, write_facts
from ibsa_report.report.fmt import table_markup
from ibsa_report.templating import template_env

PLOTLY_BUNDLE = f"assets/vendor/plotly-basic-{get_plotlyjs_version()}.min.js"
# plotly.js's style rules as a file (ibsa_report.dev.plotly_css), linked so that plotly adds no inline <style>.
PLOTLY_CSS = f"assets/vendor/plotly-basic-{get_plotlyjs_version()}.css"
CHART_SCRIPT = "assets/charts.js"
PICTURE_WIDTH = 720  # px: the static picture's width on a desktop page (shown at most this wide: as tall as the plot)
NARROW_WIDTH = 360  # px: its width for phones (<source media="(max-width: 560px)">)
NARROW_MEDIA = "(max-width: 560px)"
TOOLBAR_SCRIPT = "assets/chart-toolbar.js"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
COLOURS = ("#1b4f72", "#c0392b", "#7f8c8d", "#b9770e", "#6c3483")  # dark enough on white (WCAG AA)
EMBED_EXTRA_HEIGHT = 260  # px an embed page needs above and below the picture: title, source, citation
CHART_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
CHARTS_MODE = "IBSA_CHARTS"  # environment: "site" (the default) or "plotly-default" (the bench baseline)
CHARTS_MODES = ("site", "plotly-default")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula
NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

_page: dict[str, Any] = {"loader": False, "ids": set()}  # outside a kernel (tests): the page so far
PAGE_STATE = "_ibsa_report_charts"  # the name of the page's chart state in a kernel's namespace


@dataclass(frozen=True)
class Series:
    """One trace: the rows of the chart's data it plots, and how it draws them."""

    name: str
    x: str
    y: str
    kind: Literal["bar", "markers", "line"] = "markers"
    where: tuple[str, Any] | None = None
    error: tuple[str, str] | None = None
    text: str | None = None
    colour: str | None = None
    dash: str | None = None
    legend: bool = True
    hover: str | None = None
    label: str | None = None  # a column whose text is drawn on each bar or point (a direct label)
    unit: str = ""  # written after each drawn label ("%")


@dataclass(frozen=True)
class Mark:
    """A text label at a point of the plot (data units, also on a log axis), for what the text names."""

    x: Any
    y: Any
    text: str
    xanchor: Literal["left", "center", "right"] = "left"
    yanchor: Literal["top", "middle", "bottom"] = "middle"
    colour: str = "#1a1a1a"
    xshift: int = 0
    yshift: int = 0
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A reference line across the plot at value on a linear axis ('x': vertical line), named at its end."""

    axis: Literal["x", "y"]
    value: float
    label: str
    colour: str = "#1a1a1a"
    dash: str = "dash"


@dataclass(frozen=True)
class Axes:
    """Axis titles, units and ranges, direct labels and reference lines, and the figure's layout choices.

    Ranges are in data units (on a log axis too); None lets plotly fit the data. legend=None shows a
    legend only when there are several series; direct labels (Series.label, marks, rules) usually
    make it unnecessary. labels_above (horizontal bars) writes each category's (wrapped) label above
    its bar instead of beside it, so that on a phone the bars keep the plot's whole width; the chart's
    height then follows from its rows and their lines.
    """

    x_title: str
    y_title: str
    horizontal: bool = False
    x_log: bool = False
    height: int = 420
    barmode: str | None = None
    hover: str = "%{y}: %{x}<extra></extra>"
    wrap: int | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    marks: tuple[Mark, ...] = ()
    rules: tuple[Rule, ...] = ()
    legend: bool | None = None
    x_ticks: tuple[tuple[float, str], ...] = ()  # (value, label) pairs, instead of plotly's own ticks
    labels_above: bool = False  # horizontal bars: each category's label above its bar, across the plot's width
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    """A chart ready to display: its HTML, as a raw block in Markdown, is what both engines put on the page."""

    chart_id: str
    data: pd.DataFrame
    figure: dict[str, Any]
    title: str
    source: str
    alt: str
    root: str
    loader: bool
    subtitle: str = ""
    note: str = ""
    how_to_read: str = ""
    links: dict[str, list[str | None]] = field(default_factory=dict)  # data table: column -> each row's page

    def html(self) -> str:
        """Return the chart's HTML."""
        return chart_html(self)

    def _repr_markdown_(self) -> str:
        # Markdown carrying a raw HTML block, never text/html: for text/html output Quarto loads
        # require.js and jQuery from a CDN on the page.
        return raw_block(chart_html(self))


def chart(chart_id: str, data: pd.DataFrame, series: Sequence[Series], axes: Axes, *, title: str,
          source: str, alt: str, subtitle: str = "", note: str = "", how_to_read: str = "",
          source_id: str | None = None, locator: str | None = None, period: Period | None = None,
          units: dict[str, str] | None = None, start: Path | None = None,
          links: dict[str, list[str | None]] | None = None) -> Chart:
    """Make a chart from data, write its CSV and facts beside the project, and return it for display.

    title states what the chart shows; subtitle what is measured, over what period and for whom; note and
    how_to_read (optional) sit under it with the source. source_id and locator name the source document
    (data/sources.csv) and where in it; period is the time the data cover; units overrides the unit a
    column's header implies (chart_facts.column_unit). These go into `<chart-id>.facts.json`, which the
    post-render step turns into the chart's metadata.json and embed page. links makes a column's cells in
    the data table links: each row's page from the site's root (a force's page), None for no link.
    """
    check_chart_id(chart_id)
    state = page_state()
    if chart_id in state["ids"]:
        raise ValueError(f"chart id {chart_id!r} is used twice on this page")
    root = find_root(start)
    data = data.reset_index(drop=True)
    write_csv(data, downloads_dir(root) / f"{chart_id}.csv")
    write_facts(chart_facts(chart_id, data, title=title, subtitle=subtitle, source=source, alt=alt,
                            source_id=source_id, locator=locator, period=period, units=units),
                downloads_dir(root))
    loader = not state["loader"]
    state["loader"] = True
    state["ids"].add(chart_id)
    made = Chart(chart_id, data, figure_spec(data, series, axes), title, source, alt,
                 relative_root(root, Path.cwd()), loader, subtitle, note, how_to_read, dict(links or {}))
    if charts_mode() == "site":
        write_figure(made, downloads_dir(root) / f"{chart_id}.figure.json")
    return made


def write_figure(c: Chart, path: Path) -> None:
    """Write the chart's figure and texts (plain, unescaped) for the post-render step's pictures."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"id": c.chart_id, "title": c.title, "subtitle": c.subtitle, "source": c.source, "alt": c.alt,
              "figure": {"data": c.figure["data"], "layout": c.figure["layout"]}}
    path.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False), encoding="utf-8")


def picture_height(c: Chart) -> int:
    """Return the figure's height in px (the pictures keep it at every width)."""
    return int(c.figure["layout"].get("height") or 420)


def page_state() -> dict[str, Any]:
    """Return the charts drawn on this page so far: kept in the page's namespace when run in a kernel (a
    kernel may run many pages, each in a fresh namespace, so module state would carry over), else here."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is None:
        return _page
    return shell.user_ns.setdefault(PAGE_STATE, {"loader": False, "ids": set()})


def new_page() -> None:
    """Forget the charts drawn so far outside a kernel (tests call this)."""
    _page["loader"] = False
    _page["ids"] = set()


def check_chart_id(chart_id: str) -> None:
    """Raise ValueError unless chart_id is a stable anchor: lower-case letters, digits and hyphens."""
    if not chart_id or not chart_id[0].isalpha() or not set(chart_id) <= CHART_ID_CHARS:
        raise ValueError(f"chart id {chart_id!r} must be lower-case letters, digits and hyphens, starting with a letter")


def write_csv(data: pd.DataFrame, path: Path) -> None:
    """Write the plotted data as CSV for spreadsheets: UTF-8 with a BOM, a header row, CRLF line ends.

    The BOM makes Excel on Windows read the file as UTF-8 (curly quotes, en dashes); each text cell goes
    through spreadsheet_text, so that none is read as a formula. CRLF is RFC 4180's line end, and with it
    the csv module quotes a cell holding a carriage return (with "\n" alone it would split the row).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = data.copy()
    for column in safe.select_dtypes(include=["object", "string"]).columns:
        safe[column] = safe[column].map(spreadsheet_text)
    safe.to_csv(path, index=False, lineterminator="\r\n", encoding="utf-8-sig")


def spreadsheet_text(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would run as a formula: prefix "'" (OWASP's rule for CSV injection).

    Text beginning with =, +, -, @, a tab or a carriage return is prefixed; numbers (a negative number
    too, or text that is just a number) stay as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER_TEXT.fullmatch(value):
        return "'" + value
    return value


def plot_text(value: Any) -> Any:
    """Escape text for plotly, which reads a few HTML tags in labels: show '<b>' as written."""
    return html.escape(value, quote=False) if isinstance(value, str) else value


def wrap_label(text: str, width: int) -> str:
    """Break a label into lines of about width characters, each escaped, joined by plotly's <br>."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]
    return "<br>".join(plot_text(line) for line in lines)


def _values(column: pd.Series, wrap: int | None = None) -> list[Any]:
    """Return a column as plain JSON values (None for missing), text escaped (and wrapped) for plotly."""
    values = [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in column]
    return [wrap_label(v, wrap) if wrap and isinstance(v, str) else plot_text(v) for v in values]


def trace(data: pd.DataFrame, s: Series, axes: Axes, colour: str) -> go.BaseTraceType:
    """Build one plotly trace from the rows of data that s selects."""
    rows = data if s.where is None else data[data[s.where[0]] == s.where[1]]
    meta = {"x": s.x, "y": s.y} | ({"text": s.text} if s.text else {})
    category = s.y if axes.horizontal else s.x
    common: dict[str, Any] = {
        "name": plot_text(s.name), "showlegend": s.legend, "legendgroup": plot_text(s.name),
        "x": _values(rows[s.x], axes.wrap if s.x == category else None),
        "y": _values(rows[s.y], axes.wrap if s.y == category else None),
        "customdata": [int(i) for i in rows.index], "meta": meta, "hovertemplate": s.hover or axes.hover,
    }
    if s.label:
        # The drawn label is the trace's text; the hover text moves to hovertext.
        common["text"] = _values(rows[s.label])
        common["meta"] = {"x": s.x, "y": s.y, "text": s.label} | ({"hovertext": s.text} if s.text else {})
        if s.text:
            common["hovertext"] = _values(rows[s.text])
            common["hovertemplate"] = common["hovertemplate"].replace("%{text}", "%{hovertext}")
        common["textposition"] = "outside" if s.kind == "bar" else "middle right"
        common["texttemplate"] = "%{text}" + plot_text(s.unit)
        common["cliponaxis"] = False
    elif s.text:
        common["text"] = _values(rows[s.text])
    if s.error:
        value = s.x if axes.horizontal else s.y
        low, high = rows[s.error[0]], rows[s.error[1]]
        bars = {"type": "data", "symmetric": False, "color": colour, "thickness": 1.5, "width": 4,
                "array": [round(v, 6) for v in (high - rows[value])],
                "arrayminus": [round(v, 6) for v in (rows[value] - low)]}
        common["error_x" if axes.horizontal else "error_y"] = bars
    if s.kind == "bar":
        return go.Bar(orientation="h" if axes.horizontal else "v", marker={"color": colour}, **common)
    mode = ("markers" if s.kind == "markers" else "lines") + ("+text" if s.label else "")
    style = {"marker": {"color": colour, "size": 8}} if mode.startswith("markers") else \
        {"line": {"color": colour, "width": 1.5, "dash": s.dash or "solid"}}
    return go.Scatter(mode=mode, **style, **common)


# Plotly's options that keep a chart still under a finger: a vertical swipe scrolls the page, never zooms.
STILL_CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False, "doubleClick": False,
                "showAxisDragHandles": False}


def _position(value: Any, log: bool = False) -> Any:
    """Return a position as plotly takes it: a plain number (log10 of it on a log axis), or escaped text."""
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, (int, float)):
        return math.log10(value) if log else value
    return plot_text(value)


def mark_annotation(m: Mark, x_log: bool) -> dict[str, Any]:
    """Return a plotly annotation for a mark, its text escaped."""
    text = plot_text(m.text)
    return {"x": _position(m.x, x_log), "y": _position(m.y), "xref": "x", "yref": "y", "showarrow": False,
            "text": text, "xanchor": m.xanchor, "yanchor": m.yanchor, "xshift": m.xshift, "yshift": m.yshift,
            # font.weight, not <b>: plotly draws <b> with a style attribute, which the CSP refuses.
            "font": {"size": 12, "color": m.colour} | ({"weight": 700} if m.bold else {}),
            "bgcolor": "rgba(255,255,255,0.85)"}


def rule_shapes(r: Rule) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a reference line across the plot and the annotation naming it at its end (top, or right)."""
    line = {"color": r.colour, "width": 1.5, "dash": r.dash}
    name = {"text": plot_text(r.label), "showarrow": False, "font": {"size": 12, "color": r.colour}}
    if r.axis == "x":
        return ({"type": "line", "xref": "x", "x0": _position(r.value), "x1": _position(r.value), "yref": "paper", "y0": 0, "y1": 1,
                 "line": line},
                name | {"x": _position(r.value), "xref": "x", "y": 1, "yref": "paper", "xanchor": "left", "yanchor": "bottom",
                        "xshift": -4})
    return ({"type": "line", "yref": "y", "y0": _position(r.value), "y1": _position(r.value), "xref": "paper", "x0": 0, "x1": 1,
             "line": line},
            name | {"y": _position(r.value), "yref": "y", "x": 1, "xref": "paper", "xanchor": "right", "yanchor": "bottom"})


BAR_PX = 18  # a bar's thickness when the labels are above the bars
LABEL_LINE_PX = 18  # one line of a label above a bar
AXIS_PX = 64  # the value axis, its ticks and title, below the plot


def categories(traces: Sequence[go.BaseTraceType]) -> list[Any]:
    """Return the categories (y values) of horizontal traces in the order plotted, each once."""
    return list(dict.fromkeys(v for t in traces for v in t.y if v is not None))


def labels_above(cats: Sequence[Any], top: int) -> tuple[list[dict[str, Any]], dict[str, Any], list[float]]:
    """Return an annotation above each category's bar, the layout (height, bargap) that makes room for them,
    and the category axis's range (top row first) that leaves room above the first bar for its label."""
    lines = max((str(c).count("<br>") + 1 for c in cats), default=1)
    label_px = LABEL_LINE_PX * lines
    band = BAR_PX + label_px + 14  # one row: its label, its bar and a gap, in pixels
    notes = [{"x": 0, "xref": "paper", "y": c, "yref": "y", "xanchor": "left", "yanchor": "bottom", "align": "left",
              "yshift": BAR_PX // 2 + 2, "showarrow": False, "text": c, "font": {"size": 13, "color": "#1a1a1a"}}
             for c in cats]
    above = (label_px + BAR_PX // 2 + 6) / band  # from the first bar's centre to the plot's top, in rows
    below = (BAR_PX // 2 + 8) / band  # from the last bar's centre to the plot's bottom
    span = [len(cats) - 1 + below, -above]
    height = top + AXIS_PX + round(band * (span[0] - span[1]))
    return notes, {"height": height, "bargap": round(1 - BAR_PX / band, 4)}, [round(v, 4) for v in span]


def _axis(title: str, log: bool, span: tuple[float, float] | None) -> dict[str, Any]:
    """Return one axis: its title (escaped), fixed against zoom and pan, its range if given."""
    axis: dict[str, Any] = {"automargin": True, "gridcolor": "#dddddd", "zeroline": False, "linecolor": "#555555",
                            "fixedrange": True, "title": {"standoff": 8, "text": plot_text(title)}}
    if log:
        axis["type"] = "log"
    if span is not None:
        axis["range"] = [_position(v, log) for v in span]
    return axis


def figure_spec(data: pd.DataFrame, series: Sequence[Series], axes: Axes) -> dict[str, Any]:
    """Return the plotly figure (data, layout, config) as plain JSON-ready values.

    Every axis is fixed and nothing can be dragged (dragmode false, no scroll zoom, no double-click),
    so a swipe over a chart on a phone scrolls the page; hover and tap still show values.
    """
    traces = [trace(data, s, axes, s.colour or COLOURS[i % len(COLOURS)]) for i, s in enumerate(series)]
    for i, t in enumerate(traces):
        t.uid = f"trace-{i}"  # plotly would make up a random uid per trace, and write it into the SVG's classes
    x_axis = _axis(axes.x_title, axes.x_log, axes.x_range)
    if axes.x_ticks:
        x_axis |= {"tickmode": "array", "tickvals": [_position(v) for v, _ in axes.x_ticks],
                   "ticktext": [plot_text(text) for _, text in axes.x_ticks]}
    y_axis = _axis(axes.y_title, False, axes.y_range)
    if axes.horizontal:
        y_axis["autorange"] = "reversed"
        if axes.y_range is not None:
            y_axis["range"] = list(reversed(y_axis["range"]))
            del y_axis["autorange"]
    rules = [rule_shapes(r) for r in axes.rules]
    annotations = [mark_annotation(m, axes.x_log) for m in axes.marks] + [name for _, name in rules]
    legend = len(series) > 1 if axes.legend is None else axes.legend
    top = 28 if any(r.axis == "x" for r in axes.rules) else 8
    if legend:
        top = max(top, 36)  # the legend sits above the plot
    above: dict[str, Any] = {}
    if axes.labels_above and axes.horizontal:
        names, above, span = labels_above(categories(traces), top)
        annotations += names
        y_axis |= {"showticklabels": False, "ticks": "", "showgrid": False, "range": span}
        y_axis.pop("autorange", None)
    layout = {
        "template": "none", "height": axes.height, "font": {"family": FONT, "size": 13, "color": "#1a1a1a"},
        "margin": {"l": 8, "r": 16, "t": top, "b": 8}, "xaxis": x_axis, "yaxis": y_axis,
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "hovermode": "closest", "dragmode": False,
        "showlegend": legend, "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    } | ({"barmode": axes.barmode} if axes.barmode else {}) | (
        {"annotations": annotations} if annotations else {}) | (
        {"shapes": [shape for shape, _ in rules]} if rules else {}) | above | axes.extra
    figure = go.Figure(data=traces, layout=layout).to_plotly_json()
    return {"data": figure["data"], "layout": figure["layout"], "config": dict(STILL_CONFIG)}


def spec_json(figure: dict[str, Any]) -> Markup:
    """Serialise the figure for a <script type="application/json">: no '<', '>' or '&' left raw."""
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def charts_mode() -> str:
    """Return how plots are drawn, from IBSA_CHARTS: 'site' (default) or 'plotly-default'."""
    mode = os.environ.get(CHARTS_MODE, "") or "site"
    if mode not in CHARTS_MODES:
        raise ValueError(f"{CHARTS_MODE}={mode!r} is not one of {', '.join(CHARTS_MODES)}")
    return mode


def plotly_default_html(c: Chart) -> Markup:
    """Render the plot as plotly's own offline HTML: plotly.js and the figure inlined in the page."""
    figure = {"data": c.figure["data"], "layout": c.figure["layout"]}
    return Markup(pio.to_html(figure, config=c.figure["config"], include_plotlyjs=True, full_html=False,
                              div_id=f"{c.chart_id}-plot"))


def chart_html(c: Chart) -> str:
    """Render a chart's figure, title, source, links, table fallback and (once per page) the loader."""
    inline = plotly_default_html(c) if charts_mode() == "plotly-default" else None
    return template_env().get_template("chart.html").render(
        chart=c, spec=spec_json(c.figure), table=Markup(table_markup(c.data, c.links, c.root)), inline_plot=inline,
        downloads=f"{c.root}downloads/{c.chart_id}", embed=f"{c.root}embed/{c.chart_id}.html",
        csv=f"{c.root}downloads/{c.chart_id}.csv", plotly=c.root + PLOTLY_BUNDLE, plotly_css=c.root + PLOTLY_CSS,
        script=c.root + CHART_SCRIPT, toolbar_script=c.root + TOOLBAR_SCRIPT,
        svg=f"{c.root}downloads/{c.chart_id}.svg",
        narrow_svg=f"{c.root}downloads/{c.chart_id}.narrow.svg", width=PICTURE_WIDTH, narrow_width=NARROW_WIDTH,
        narrow_media=NARROW_MEDIA, height=picture_height(c),
        embed_height=int(c.figure["layout"]["height"]) + EMBED_EXTRA_HEIGHT,
    )
