"""Tests for quarto_lite.execute: running .qmd cells with nbclient and rendering Markdown.

Kernel starts are expensive (~1 s), so one fixture document (tests/fixtures/qmd/features.qmd)
exercises most features and is executed twice per session (the second run checks that the
output is byte-identical); two more small documents check failures. Everything else uses the
pure rendering functions with hand-written outputs. Expected Markdown is written out by hand.
"""

from __future__ import annotations

import base64
from html import escape
import re
import struct
import zlib
from pathlib import Path

import pytest

from quarto_lite.execute import MAX_OUTPUT_CHARS, CellError, cell_options_by_block, execute_document, merge_options
from quarto_lite.outputs import RunResults, format_inline, merge_streams, raw_block, render_document
from quarto_lite.pandoc_render import render_markdown
from quarto_lite.qmd import parse_qmd

FIXTURES = Path(__file__).parents[1] / "fixtures" / "qmd"
FENCE = "```"
BOUNDED = {"timeout": 60}
PROJECT_DEFAULTS = {"warning": False, **BOUNDED}


def tiny_png() -> bytes:
    """Return a valid 1x1 greyscale PNG, built from its chunks."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")  # filter byte 0, one mid-grey pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def block(*lines: str) -> str:
    """Join lines into one Markdown block."""
    return "\n".join(lines)


@pytest.fixture(scope="module")
def feature_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """Execute the feature document twice, each time in a fresh kernel started in its directory."""
    page_dir = tmp_path_factory.mktemp("page")
    (page_dir / "neighbour.txt").write_text("neighbour file content", encoding="utf-8")
    text = (FIXTURES / "features.qmd").read_text(encoding="utf-8").replace("PNG_HEX", repr(tiny_png().hex()))
    doc = parse_qmd(text)
    runs = [execute_document(doc, page="features.qmd", cwd=page_dir, defaults=PROJECT_DEFAULTS)
            for _ in range(2)]
    return runs[0], runs[1]


@pytest.fixture(scope="module")
def md(feature_runs: tuple[str, str]) -> str:
    """Return the Markdown of the first run of the feature document."""
    return feature_runs[0]


# --- the feature document (one kernel per run) ---


def test_two_runs_are_byte_identical(feature_runs: tuple[str, str]) -> None:
    first, second = feature_runs
    assert first == second


def test_echo_true_shows_code_then_stdout(md: str) -> None:
    expected = block(
        f"{FENCE}python",
        "x = 41",
        'name = "Ada Lovelace"',
        'tricky = "a*b_c"',
        "y = 1",
        'print("hello stdout")',
        FENCE,
        "",
        f"{FENCE}{{.cell-output .cell-output-stdout}}",
        "hello stdout",
        FENCE,
    )
    assert expected in md


def test_front_matter_echo_false_hides_code(md: str) -> None:
    assert "display(Markdown(" not in md
    assert "y = 2" not in md


def test_inline_values_int_expression_and_unquoted_str(md: str) -> None:
    assert "Int 41, expression 42, str Ada Lovelace, specials a\\*b\\_c.\n" in md


def test_inline_expression_sees_only_the_cells_above_it(md: str) -> None:
    assert "Before reassignment y is 1." in md
    assert "After reassignment y is 2." in md


def test_escaped_inline_code_is_shown_literally(md: str) -> None:
    assert "Escaped: `{python} x`." in md


def test_include_false_hides_code_and_output_but_runs(md: str) -> None:
    assert "INCLUDE_FALSE_OUTPUT" not in md
    assert "hidden = " not in md
    assert "Hidden value: set by a hidden cell." in md


def test_plain_fences_are_left_alone(md: str) -> None:
    assert block(f"{FENCE}python", 'print("PLAIN_FENCE_NEVER_RUNS")', "`{python} 1/0`", FENCE) in md
    assert block("~~~", "`{python} 1/0`", "~~~") in md
    assert md.count("PLAIN_FENCE_NEVER_RUNS") == 1


def test_output_false_shows_code_without_output(md: str) -> None:
    assert block(f"{FENCE}python", 'print("OUTPUT_FALSE_TEXT")', FENCE) in md
    assert md.count("OUTPUT_FALSE_TEXT") == 1


def test_warning_true_keeps_stderr_with_a_stable_file_name(md: str) -> None:
    expected = block(
        f"{FENCE}{{.cell-output .cell-output-stderr}}",
        "<cell>:2: UserWarning: visible-warning",
        '  warnings.warn("visible-warning")',
        FENCE,
    )
    assert expected in md
    assert "ipykernel_" not in md


def test_project_default_warning_false_drops_stderr_only(md: str) -> None:
    assert "hidden-warning" not in md
    assert block(f"{FENCE}{{.cell-output .cell-output-stdout}}", "stdout beside a hidden warning", FENCE) in md


def test_eval_false_echoes_code_without_running_it(md: str) -> None:
    assert block(f"{FENCE}python", 'raise RuntimeError("eval false must not run")', FENCE) in md


def test_output_asis_inserts_stdout_as_markdown(md: str) -> None:
    assert "\n\n**asis** markdown\n\n" in md


def test_markdown_carrying_raw_html_is_kept(md: str) -> None:
    assert block(f"{FENCE}{{=html}}", "<b>bold html</b>", FENCE) in md


def test_text_markdown_is_inserted_as_markdown(md: str) -> None:
    assert "\n\n*emphasised* markdown\n\n" in md


def test_svg_becomes_raw_html_labelled_by_fig_alt(md: str) -> None:
    svg = ('<svg role="img" aria-label="A two by two square" xmlns="http://www.w3.org/2000/svg" '
           'width="2" height="2"><rect width="2" height="2"/></svg>')
    assert block(f"{FENCE}{{=html}}", svg, FENCE) in md


def test_png_becomes_data_uri_img_with_escaped_fig_alt(md: str) -> None:
    data = base64.b64encode(tiny_png()).decode("ascii")
    img = f'<img src="data:image/png;base64,{data}" alt="A tiny &quot;dot&quot;">'
    assert block(f"{FENCE}{{=html}}", img, FENCE) in md


def test_jpeg_becomes_data_uri_img(md: str) -> None:
    data = base64.b64encode(b"\xff\xd8\xff\xe0not-really-a-jpeg").decode("ascii")
    assert block(f"{FENCE}{{=html}}", f'<img src="data:image/jpeg;base64,{data}" alt="">', FENCE) in md


def test_text_plain_result_becomes_cell_output_block(md: str) -> None:
    assert block(f"{FENCE}{{.cell-output .cell-output-display}}", "42", FENCE) in md


def test_ansi_escapes_are_stripped(md: str) -> None:
    assert block(f"{FENCE}{{.cell-output .cell-output-stdout}}", "red text", FENCE) in md
    assert "\x1b" not in md


def test_kernel_runs_in_the_page_directory(md: str) -> None:
    assert block(f"{FENCE}{{.cell-output .cell-output-display}}", "'neighbour file content'", FENCE) in md


def test_kernel_hash_seed_is_fixed(md: str) -> None:
    assert "Hash seed: 0.\n" in md


def test_inline_markdown_value_is_inserted_as_markdown(md: str) -> None:
    assert "Markdown value: **md value**." in md


def test_fig_label_with_caption_makes_a_float(md: str) -> None:
    expected = block(
        "::: {#fig-demo .quarto-float}",
        "",
        f"{FENCE}{{=html}}",
        "<p>figure body</p>",
        FENCE,
        "",
        "::: {.float-caption}",
        "Demo: a figure",
        ":::",
        ":::",
    )
    assert expected in md


def test_tbl_label_with_caption_makes_a_float_around_the_table_html(md: str) -> None:
    match = re.search(r"::: \{#tbl-demo \.quarto-float\}\n\n```\{=html\}\n(.*?)\n```\n\n"
                      r"::: \{\.float-caption\}\nCounts by year\n:::\n:::", md, re.S)
    assert match is not None
    assert "<table" in match.group(1) and "<td>2019</td>" in match.group(1)


def test_other_label_wraps_outputs_in_a_plain_div(md: str) -> None:
    expected = block("::: {#summary-block}", "", f"{FENCE}{{.cell-output .cell-output-stdout}}",
                     "labelled output", FENCE, "", ":::")
    assert expected in md


def test_fig_label_without_caption_is_a_plain_div(md: str) -> None:
    assert "::: {#fig-nocap}\n\n" in md
    assert "fig-nocap .quarto-float" not in md


# --- failures (one kernel each) ---


def test_failing_cell_raises_cell_error_with_fence_line(tmp_path: Path) -> None:
    text = block("---", "title: Fails", "---", "", "Text.", "", f"{FENCE}{{python}}", "x = 1", "x / 0", FENCE, "")
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, defaults=BOUNDED)
    error = info.value
    assert str(error) == "page.qmd:7: cell failed: ZeroDivisionError: division by zero"
    assert (error.page, error.line, error.ename, error.evalue) == ("page.qmd", 7, "ZeroDivisionError",
                                                                  "division by zero")
    assert error.__cause__ is None and error.__suppress_context__


def test_failing_inline_expression_names_its_markdown_line(tmp_path: Path) -> None:
    text = block("Intro.", "", f"{FENCE}{{python}}", "a = 1", FENCE, "", "Fine `{python} a`.",
                 "Broken `{python} a / 0`.", "")
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, defaults=BOUNDED)
    assert str(info.value) == "page.qmd:8: cell failed: ZeroDivisionError: division by zero"


@pytest.mark.parametrize(("code", "mime"), [
    ('from IPython.display import HTML\nHTML("<b>x</b>")', "text/html"),
    ('import pandas as pd\npd.DataFrame({"a": [1]})', "text/html"),
    ('from IPython.display import Javascript, display\ndisplay(Javascript("1"))', "application/javascript"),
])
def test_output_quarto_would_load_a_cdn_for_is_refused(tmp_path: Path, code: str, mime: str) -> None:
    text = block("Intro.", "", f"{FENCE}{{python}}", code, FENCE, "")
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, defaults=BOUNDED)
    assert str(info.value) == (f"page.qmd:3: cell failed: OutputError: the cell's output is {mime}, for which "
                               "Quarto loads require.js and jQuery from a CDN; show HTML as Markdown holding a "
                               "raw HTML block (```{=html})")


# --- no kernel needed ---


def test_raw_html_fence_is_longer_than_backticks_inside() -> None:
    assert raw_block("<td>````</td>") == "`````{=html}\n<td>````</td>\n`````"


def test_document_without_code_starts_no_kernel(tmp_path: Path) -> None:
    text = block("---", "title: T", "---", "", "Just text.", "", f"{FENCE}{{python}}", "#| eval: false",
                 "1 / 0", FENCE, "")
    result = execute_document(parse_qmd(text), page="p.qmd", cwd=tmp_path, kernel_name="no-such-kernel")
    assert result == f"Just text.\n\n{FENCE}python\n1 / 0\n{FENCE}\n"


def test_render_document_assembles_blocks_with_blank_lines() -> None:
    text = block(
        "---", "execute:", "  echo: false", "---", "",
        "Intro.", "",
        f"{FENCE}{{python}}", "#| echo: true", "print(1)", FENCE, "",
        f"{FENCE}{{python}}", "#| include: false", "print(2)", FENCE, "",
        "Middle.", "",
        f"{FENCE}{{python}}", "#| output: false", "print(3)", FENCE, "",
        f"{FENCE}{{python}}", "print(4)", FENCE, "",
        "End.", "",
    )
    doc = parse_qmd(text)
    outputs = {
        1: [{"output_type": "stream", "name": "stdout", "text": "1\n"}],
        2: [{"output_type": "stream", "name": "stdout", "text": "2\n"}],
        4: [{"output_type": "stream", "name": "stdout", "text": "3\n"}],
        5: [{"output_type": "stream", "name": "stderr", "text": "warned\n"},
            {"output_type": "execute_result", "data": {"text/plain": "4"}, "metadata": {}, "execution_count": 9}],
    }
    result = render_document(doc, cell_options_by_block(doc, None), RunResults(outputs=outputs))
    assert result == block(
        "Intro.",
        "",
        f"{FENCE}python", "print(1)", FENCE,
        "",
        f"{FENCE}{{.cell-output .cell-output-stdout}}", "1", FENCE,
        "",
        "Middle.",
        "",
        f"{FENCE}{{.cell-output .cell-output-stderr}}", "warned", FENCE,
        "",
        f"{FENCE}{{.cell-output .cell-output-display}}", "4", FENCE,
        "",
        "End.",
        "",
    )


def test_code_block_fence_outgrows_backticks_in_the_output() -> None:
    doc = parse_qmd(block(f"{FENCE}{{python}}", "#| echo: false", "print(s)", FENCE, ""))
    outputs = {0: [{"output_type": "stream", "name": "stdout", "text": f"{FENCE}\ninside\n{FENCE}\n"}]}
    result = render_document(doc, cell_options_by_block(doc, None), RunResults(outputs=outputs))
    assert result == f"````{{.cell-output .cell-output-stdout}}\n{FENCE}\ninside\n{FENCE}\n````\n"


def test_merge_options_precedence_and_quarto_defaults() -> None:
    merged = merge_options({"echo": False, "warning": False},
                           {"title": "T", "execute": {"warning": True, "output": False}},
                           {"output": True, "label": "fig-a"})
    assert merged == {"eval": True, "echo": False, "warning": True, "output": True, "include": True,
                      "label": "fig-a"}
    assert merge_options(None, {}, {}) == {"eval": True, "echo": True, "output": True, "warning": True,
                                           "include": True}


def test_merge_streams_joins_runs_and_puts_stdout_first() -> None:
    outputs = [
        {"output_type": "stream", "name": "stderr", "text": "e1\n"},
        {"output_type": "stream", "name": "stdout", "text": "o1\n"},
        {"output_type": "stream", "name": "stdout", "text": "o2\n"},
        {"output_type": "display_data", "data": {"text/plain": "D"}},
        {"output_type": "stream", "name": "stdout", "text": "o3\n"},
    ]
    assert merge_streams(outputs) == [
        {"output_type": "stream", "name": "stdout", "text": "o1\no2\n"},
        {"output_type": "stream", "name": "stderr", "text": "e1\n"},
        {"output_type": "display_data", "data": {"text/plain": "D"}},
        {"output_type": "stream", "name": "stdout", "text": "o3\n"},
    ]


@pytest.mark.parametrize(("data", "expected"), [
    ({"text/plain": "'Ada'"}, "Ada"),
    ({"text/plain": '"it\'s"'}, "it's"),
    ({"text/plain": "'a\\\\b'"}, "a\\\\b"),
    ({"text/plain": "'England & Wales, 2019-20'"}, "England &amp; Wales, 2019\\-20"),
    ({"text/plain": "42"}, "42"),
    ({"text/plain": "3.5"}, "3\\.5"),
    ({"text/plain": "None"}, "None"),
    ({"text/plain": "['a', 'b']"}, "\\['a', 'b'\\]"),
    ({"text/plain": "<Markdown>", "text/markdown": "**b**"}, "**b**"),
    ({"text/plain": "<HTML>", "text/html": "<i>x</i>"}, "`<i>x</i>`{=html}"),
])
def test_format_inline_follows_quarto(data: dict[str, str], expected: str) -> None:
    assert format_inline(data) == expected


# --- bounded work (one kernel each) ---


@pytest.mark.parametrize("where", ["project", "page"])
def test_a_cell_running_past_execute_timeout_is_stopped_and_named(tmp_path: Path, where: str) -> None:
    front = ["---", "execute:", "  timeout: 1", "---", ""] if where == "page" else []
    text = block(*front, "Intro.", "", f"{FENCE}{{python}}", "#| label: slow", "import time", "time.sleep(20)",
                 FENCE, "")
    defaults = {"timeout": 1} if where == "project" else BOUNDED
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, defaults=defaults)
    line = len(front) + 3
    assert str(info.value) == f"page.qmd:{line}: cell slow did not finish within 1 s (execute: timeout); it was stopped"


def test_inline_expressions_running_past_execute_timeout_are_stopped(tmp_path: Path) -> None:
    text = block("Intro.", "", f"{FENCE}{{python}}", "import time", FENCE, "", "Slow `{python} time.sleep(20)`.", "")
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, defaults={"timeout": 1})
    assert str(info.value) == ("page.qmd:7: the inline expressions did not finish within 1 s (execute: timeout); "
                               "they were stopped")


def test_a_cell_writing_more_than_the_output_limit_is_refused(tmp_path: Path) -> None:
    count = MAX_OUTPUT_CHARS + 500_000
    text = block("Intro.", "", f"{FENCE}{{python}}", "#| label: flood", f"print('x' * {count})", FENCE, "")
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, defaults=BOUNDED)
    assert str(info.value) == (f"page.qmd:3: cell flood wrote {count + 1:,} characters of output, more than the "
                               f"{MAX_OUTPUT_CHARS:,} a cell may write")


def test_an_unlabelled_cell_over_a_smaller_limit_is_named_by_its_line(tmp_path: Path) -> None:
    text = block("Intro.", "", f"{FENCE}{{python}}", "for _ in range(3):", "    print('x' * 499, flush=True)", FENCE, "")
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, defaults=BOUNDED, max_output_chars=1000)
    assert str(info.value) == ("page.qmd:3: the cell wrote 1,500 characters of output, more than the 1,000 a cell "
                               "may write")


@pytest.mark.parametrize("value", [0, -1, "ten", True, float("inf")])
def test_a_bad_execute_timeout_is_refused(tmp_path: Path, value: object) -> None:
    text = block("Intro.", "", f"{FENCE}{{python}}", "1", FENCE, "")
    with pytest.raises(CellError) as info:
        execute_document(parse_qmd(text), page="page.qmd", cwd=tmp_path, kernel_name="no-such-kernel",
                         defaults={"timeout": value})
    assert str(info.value) == f"page.qmd: execute.timeout: expected a number of seconds greater than 0 (found {value!r})"


@pytest.mark.parametrize(("value", "expected"), [
    ("Refuge <img src=x onerror=alert(1)>", "Refuge &lt;img src\\=x onerror\\=alert\\(1\\)&gt;"),
    ("<details open ontoggle=alert(1)>", "&lt;details open ontoggle\\=alert\\(1\\)&gt;"),
    ("see @refuge-2023-blog", "see \\@refuge\\-2023\\-blog"),
    ("$x^2$ <!-- c", "\\$x\\^2\\$ &lt;\\!\\-\\- c"),
    ("[a](javascript:alert(1))", "\\[a\\]\\(javascript\\:alert\\(1\\)\\)"),
    ("two\n\n    lines", "two lines"),
])
def test_an_inline_str_is_shown_as_literal_text(value: str, expected: str) -> None:
    # Quarto 1.7.34 leaves '<', '&', '@' and '$' unescaped in a str, so HTML, citations and math would pass.
    assert format_inline({"text/plain": repr(value)}) == expected


def test_an_inline_str_renders_as_the_text_it_holds(tmp_path: Path) -> None:
    value = 'Refuge <img src=x onerror=alert(1)> @refuge $x$ <!-- *em* [l](javascript:x) & &amp;'
    html = render_markdown(f"Requested by {format_inline({'text/plain': repr(value)})}.\n").html
    assert html.strip() == f"<p>Requested by {escape(value, quote=False)}.</p>"
