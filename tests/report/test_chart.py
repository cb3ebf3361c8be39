"""Tests for the chart helper: deterministic HTML, CSV equal to the plotted data, escaping, one loader."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from plotly.offline import get_plotlyjs_version

from ibsa_report.report import chart as chart_mod
from ibsa_report.report.chart import Axes, Series, chart, new_page
from quarto_lite.project import relative_root

from chart_checks import assert_plot_matches_csv, figure_spec, shown_text
from conftest import ROOT

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with a chapters/ folder as the working directory, and a fresh page."""
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    (tmp_path / "chapters").mkdir()
    monkeypatch.chdir(tmp_path / "chapters")
    new_page()
    yield tmp_path
    new_page()


def sample() -> pd.DataFrame:
    return pd.DataFrame({
        "Group": ["a", "a", "b"],
        "Label": [SCRIPT, "Tom & Jerry <b>bold</b>", "A rather long label that will need to wrap onto lines"],
        "Value": [1.5, 2.25, 3.0],
        "Low": [1.0, 2.0, 2.5],
        "High": [2.0, 3.0, 3.5],
    })


def make(chart_id: str = "chart-sample", data: pd.DataFrame | None = None):
    data = sample() if data is None else data
    return chart(chart_id, data,
                 [Series("Group a", x="Value", y="Label", where=("Group", "a"), error=("Low", "High"), text="Group"),
                  Series("Group b", x="Value", y="Label", kind="bar", where=("Group", "b"))],
                 Axes(x_title="Value <i>", y_title="", horizontal=True, wrap=20),
                 title=f"Title {SCRIPT}", source=f"Source {SCRIPT}", alt=f"Alt {SCRIPT}")


def parse(c) -> BeautifulSoup:
    return BeautifulSoup(c.html(), "html.parser")


def test_same_input_gives_byte_identical_html_and_csv(page: Path) -> None:
    first = make().html()
    csv_first = (page / "_downloads" / "chart-sample.csv").read_bytes()
    new_page()
    second = make().html()
    assert first == second
    assert (page / "_downloads" / "chart-sample.csv").read_bytes() == csv_first
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", first), "a random UUID found in the chart HTML"


def test_csv_rows_equal_the_plotted_points(page: Path) -> None:
    c = make()
    csv = (page / "_downloads" / "chart-sample.csv").read_text(encoding="utf-8")
    spec = figure_spec(parse(c).select_one("figure.chart"))
    assert assert_plot_matches_csv(spec, csv) == 3
    assert pd.read_csv(page / "_downloads" / "chart-sample.csv")["Label"].tolist() == sample()["Label"].tolist()


def test_the_check_catches_a_plot_that_differs_from_its_csv(page: Path) -> None:
    c = make()
    csv = (page / "_downloads" / "chart-sample.csv").read_text(encoding="utf-8")
    spec = figure_spec(parse(c).select_one("figure.chart"))
    spec["data"][0]["x"][1] = 99
    with pytest.raises(AssertionError, match="plotted 99"):
        assert_plot_matches_csv(spec, csv)
    spec = figure_spec(parse(c).select_one("figure.chart"))
    spec["data"].pop()
    with pytest.raises(AssertionError, match="not plotted"):
        assert_plot_matches_csv(spec, csv)


def test_error_bars_reach_the_interval_ends(page: Path) -> None:
    trace = make().figure["data"][0]
    assert [v + e for v, e in zip(trace["x"], trace["error_x"]["array"])] == [2.0, 3.0]
    assert [v - e for v, e in zip(trace["x"], trace["error_x"]["arrayminus"])] == [1.0, 2.0]


def test_labels_are_escaped_everywhere(page: Path) -> None:
    html = make().html()
    doc = BeautifulSoup(html, "html.parser")
    assert [s.get("type") for s in doc.find_all("script") if not s.get("src")] == ["application/json"]
    assert "alert(1)" not in "".join(s.get_text() for s in doc.find_all("script") if s.get("type") != "application/json")
    assert "</script" not in doc.select_one("script.chart-spec").string
    trace = figure_spec(doc.select_one("figure.chart"))["data"][0]
    assert trace["y"][0] == "&lt;script&gt;alert(1)&lt;/script&gt;"  # plotly shows entities as text
    assert "<b>" not in trace["y"][1] and shown_text(trace["y"][1]) == "Tom & Jerry <b>bold</b>"
    assert doc.select_one("figcaption").get_text().startswith(f"Title {SCRIPT}")
    assert doc.select_one(".chart-source").get_text() == f"Source: Source {SCRIPT}"
    assert doc.select_one(".chart-plot")["aria-label"] == f"Alt {SCRIPT}"
    assert doc.select_one("details table td:nth-of-type(2)").get_text() == SCRIPT


def test_long_category_labels_wrap_at_word_boundaries(page: Path) -> None:
    label = make().figure["data"][1]["y"][0]
    assert label == "A rather long label<br>that will need to<br>wrap onto lines"


def test_figure_has_id_permalink_download_alt_and_table(page: Path) -> None:
    doc = parse(make())
    fig = doc.select_one("figure.chart")
    assert fig["id"] == "chart-sample"
    assert fig.select_one("a.chart-permalink")["href"] == "#chart-sample"
    link = fig.select_one("a.chart-download")
    assert link.get_text() == "Download CSV" and link["href"] == "../downloads/chart-sample.csv"
    assert link.has_attr("download")
    assert fig.select_one(".chart-plot")["role"] == "img"
    assert len(fig.select("details.chart-table tbody tr")) == 3


def test_charts_js_is_loaded_once_per_page_and_names_the_sites_plotly(page: Path) -> None:
    first, second = parse(make("chart-one")), parse(make("chart-two"))
    scripts = first.find_all("script", src=True)
    assert [s["src"] for s in scripts] == ["../assets/charts.js", "../assets/chart-toolbar.js"], \
        "plotly.js is not on the page: charts.js fetches it"
    assert scripts[0]["data-plotly"] == f"../assets/vendor/plotly-basic-{get_plotlyjs_version()}.min.js"
    assert scripts[0]["data-plotly-css"] == f"../assets/vendor/plotly-basic-{get_plotlyjs_version()}.css"
    assert second.find_all("script", src=True) == []
    new_page()
    assert len(parse(make("chart-one")).find_all("script", src=True)) == 2


def test_the_plot_shows_its_static_picture_first(page: Path) -> None:
    doc = parse(make("chart-one"))
    plot = doc.select_one("div.chart-plot")
    (picture,) = plot.select("picture.chart-picture")
    source, img = picture.select_one("source"), picture.select_one("img")
    assert source["media"] == chart_mod.NARROW_MEDIA and source["srcset"] == "../downloads/chart-one.narrow.svg"
    assert img["src"] == "../downloads/chart-one.svg" and img["alt"] == ""
    assert int(img["width"]) == chart_mod.PICTURE_WIDTH and int(source["width"]) == chart_mod.NARROW_WIDTH
    assert int(img["height"]) == int(source["height"]) > 0
    assert plot["aria-label"], "the div carries the text alternative"
    (button,) = doc.select("figure.chart > button.chart-interactive[type=button]")
    assert button.get_text() == "Make interactive"


def test_the_figure_and_its_texts_are_written_beside_the_csv(page: Path) -> None:
    made = make("chart-one")
    written = json.loads((page / "_downloads" / "chart-one.figure.json").read_text(encoding="utf-8"))
    assert written["figure"] == {"data": made.figure["data"], "layout": made.figure["layout"]}
    assert (written["id"], written["title"], written["source"], written["alt"]) == (
        made.chart_id, made.title, made.source, made.alt)


def test_the_served_bundle_is_the_plotly_js_inside_plotly_py() -> None:
    bundle = ROOT / chart_mod.PLOTLY_BUNDLE
    assert bundle.is_file(), f"{bundle} missing: vendor plotly.js-basic-dist-min@{get_plotlyjs_version()}"
    header = bundle.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in header
    assert (ROOT / chart_mod.CHART_SCRIPT).is_file()


def test_a_chart_id_is_used_once_per_page(page: Path) -> None:
    make("chart-one")
    with pytest.raises(ValueError, match="used twice"):
        make("chart-one")


@pytest.mark.parametrize("bad", ["", "Chart", "chart one", "1chart", "chart_one", "chart<"])
def test_chart_ids_must_be_stable_anchors(page: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="lower-case letters"):
        make(bad)


def test_relative_root_from_pages_at_each_depth(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert relative_root(tmp_path, tmp_path) == ""
    assert relative_root(tmp_path, tmp_path / "a") == "../"
    assert relative_root(tmp_path, tmp_path / "a" / "b") == "../../"


def test_missing_values_are_blank_in_the_csv_and_null_in_the_plot(page: Path) -> None:
    data = pd.DataFrame({"Series": ["x", "y"], "Name": ["n1", None], "N": [1, 2], "Rate": [0.5, 0.25]})
    c = chart("chart-gaps", data, [Series("x", x="N", y="Rate", text="Name")], Axes("N", "Rate"),
              title="c", source="s", alt="a")
    assert (page / "_downloads" / "chart-gaps.csv").read_text(encoding="utf-8").splitlines()[2] == "y,,2,0.25"
    assert c.figure["data"][0]["text"] == ["n1", None]
    assert "–" in parse(c).select("details td")[5].get_text()


def test_the_plotly_default_baseline_inlines_plotly_js_in_every_chart(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(chart_mod.CHARTS_MODE, "plotly-default")
    first, second = parse(make("chart-one")), parse(make("chart-two"))
    for doc, chart_id in ((first, "chart-one"), (second, "chart-two")):
        assert doc.find_all("script", src=True) == [], "the baseline loads nothing from the site"
        inline = "".join(s.get_text() for s in doc.find_all("script"))
        assert f"plotly.js v{get_plotlyjs_version()}" in inline
        assert doc.select_one(f"#{chart_id}-plot") is not None and doc.select_one(".chart-spec") is None
        assert doc.select_one("a.chart-download")["href"] == f"../downloads/{chart_id}.csv"
        assert len(doc.select("details.chart-table tbody tr")) == 3


def test_an_unknown_charts_mode_is_an_error(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(chart_mod.CHARTS_MODE, "cdn")
    with pytest.raises(ValueError, match="IBSA_CHARTS='cdn' is not one of site, plotly-default"):
        make().html()


def test_in_a_build_the_csv_goes_to_the_build_s_own_folder(page: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IBSA_DOWNLOADS_DIR", str(tmp_path / ".staging-1" / "downloads"))
    make()
    assert (tmp_path / ".staging-1" / "downloads" / "chart-sample.csv").is_file()
    assert not (page / "_downloads").exists()


FORMULAS = ['=HYPERLINK("http://evil.invalid","x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_text_a_spreadsheet_would_run_is_neutralised_in_the_csv_and_numbers_stay_numbers(page: Path) -> None:
    data = pd.DataFrame({"Label": FORMULAS + ["-1.5"], "Value": [-1.5, -2, 0, 1, 2, 3, -4]})
    c = chart("chart-sample", data, [Series("Values", x="Label", y="Value", kind="bar")], Axes(x_title="", y_title=""),
              title="Formulas", source="Tests", alt="Bars")
    raw = (page / "_downloads" / "chart-sample.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark: Excel on Windows would misread curly quotes"
    rows = pd.read_csv(page / "_downloads" / "chart-sample.csv", dtype=object, keep_default_na=False)
    assert rows["Label"].tolist() == ["'" + f for f in FORMULAS] + ["-1.5"]
    assert rows["Value"].tolist() == ["-1.5", "-2.0", "0.0", "1.0", "2.0", "3.0", "-4.0"]
    assert assert_plot_matches_csv(figure_spec(parse(c).select_one("figure.chart")), raw.decode("utf-8")) == 7


def test_the_check_catches_a_formula_left_as_it_is(page: Path) -> None:
    c = make(data=pd.DataFrame({"Group": ["a"], "Label": ["=1+2"], "Value": [1.0], "Low": [0.0], "High": [2.0]}))
    csv = (page / "_downloads" / "chart-sample.csv").read_text(encoding="utf-8").replace("'=1+2", "=1+2")
    with pytest.raises(AssertionError, match="'=1\\+2'"):
        assert_plot_matches_csv(figure_spec(parse(c).select_one("figure.chart")), csv)


# Direct labels, marks, rules, ranges and labels above bars ------------------------------------------

def test_marks_rules_ranges_and_ticks_are_placed_in_plotly_units_and_escaped(page: Path) -> None:
    data = pd.DataFrame({"N": [10, 1000], "Rate": [1.0, 2.0], "Name": ["a", "b"]})
    c = chart("chart-marks", data, [Series("x", x="N", y="Rate", text="Name")],
              Axes("N", "Rate (%)", x_log=True, x_range=(5, 2000), y_range=(0, 3),
                   x_ticks=((10, "10"), (1000, "1,000 <i>")),
                   marks=(chart_mod.Mark(100, 2.5, SCRIPT, bold=True),), rules=(chart_mod.Rule("y", 1.5, "Mean <b>"),)),
              title="t", source="s", alt="a")
    layout = c.figure["layout"]
    assert layout["xaxis"]["range"] == [pytest.approx(0.69897), pytest.approx(3.30103)]  # log10 on a log axis
    assert layout["yaxis"]["range"] == [0, 3]
    assert layout["xaxis"]["tickvals"] == [10, 1000] and layout["xaxis"]["ticktext"][1] == "1,000 &lt;i&gt;"
    mark, rule_name = layout["annotations"]
    assert mark["x"] == 2 and mark["y"] == 2.5 and mark["text"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert mark["font"]["weight"] == 700  # bold by font weight: plotly writes <b> as a style attribute
    (shape,) = layout["shapes"]
    assert shape["y0"] == shape["y1"] == 1.5 and shape["xref"] == "paper"
    assert rule_name["text"] == "Mean &lt;b&gt;" and rule_name["y"] == 1.5
    assert layout["showlegend"] is False


def test_a_drawn_label_moves_the_hover_text_to_hovertext_and_still_matches_the_csv(page: Path) -> None:
    data = pd.DataFrame({"Cat": ["a", "b"], "Value": [1.5, 3.0], "Shown": ["1.5%", "3.0%"], "Hover": ["one", SCRIPT]})
    c = chart("chart-labelled", data, [Series("v", x="Value", y="Cat", kind="bar", text="Hover", label="Shown")],
              Axes("Value (%)", "", horizontal=True, hover="%{y}: %{text}<extra></extra>"), title="t", source="s",
              alt="a")
    (bars,) = c.figure["data"]
    assert bars["text"] == ["1.5%", "3.0%"] and bars["hovertext"][1] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert bars["hovertemplate"] == "%{y}: %{hovertext}<extra></extra>" and bars["textposition"] == "outside"
    csv = (page / "_downloads" / "chart-labelled.csv").read_text(encoding="utf-8")
    assert assert_plot_matches_csv(figure_spec(parse(c).select_one("figure.chart")), csv) == 2


def test_labels_above_bars_replace_the_tick_labels_and_make_room_for_every_line(page: Path) -> None:
    def make_above(labels: list[str]):
        new_page()
        data = pd.DataFrame({"Cat": labels, "Value": [1.0] * len(labels)})
        return chart("chart-above", data, [Series("v", x="Value", y="Cat", kind="bar")],
                     Axes("Value (%)", "", horizontal=True, wrap=10, labels_above=True), title="t", source="s",
                     alt="a").figure["layout"]

    short = make_above(["one", "two", "three"])
    assert short["yaxis"]["showticklabels"] is False
    assert [a["text"] for a in short["annotations"]] == ["one", "two", "three"]
    assert all(a["xref"] == "paper" and a["x"] == 0 and a["yanchor"] == "bottom" for a in short["annotations"])
    low, high = short["yaxis"]["range"]
    assert low > 2 and high < 0  # the first row at the top, with room above it for its label
    long = make_above(["one two three four five six", "two", "three"])
    assert long["annotations"][0]["text"].count("<br>") >= 2
    assert long["height"] > short["height"]


def test_no_chart_can_zoom_pan_or_catch_a_swipe(page: Path) -> None:
    figure = make().figure
    assert figure["config"]["scrollZoom"] is False and figure["config"]["doubleClick"] is False
    assert figure["layout"]["dragmode"] is False
    assert figure["layout"]["xaxis"]["fixedrange"] is True and figure["layout"]["yaxis"]["fixedrange"] is True
